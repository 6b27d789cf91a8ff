/**
 * @module
 * The dashboard's client for cascades across sectors: dependency graphs, what-if analysis,
 * criticality, the IIM, incident impacts and cascade warnings (`/api/cascade/*`).
 */
import { apiUrl, request as call } from './client';

/** A graph's summary. */
export interface GraphInfo {
  readonly name: string;
  readonly created: number;
  readonly updated: number;
  readonly version: number;
  readonly entities: number;
  readonly dependencies: number;
  readonly source: string;
}

/** An entity. */
export interface CascadeEntity {
  readonly id: string;
  readonly kind: string;
  readonly name?: string;
  readonly sector?: string;
  readonly org?: string;
  readonly minInputs: number;
  readonly buffers: Readonly<Record<string, number>>;
  readonly asset?: string;
  readonly peer?: string;
}

/** A dependency: source depends on target. */
export interface CascadeDependency {
  readonly source: string;
  readonly target: string;
  readonly type: string;
  readonly strength: number;
  readonly ttiHours: number;
  readonly recoveryHours: number;
}

/** A graph for display. */
export interface GraphView {
  readonly info: GraphInfo;
  readonly entities: readonly CascadeEntity[];
  readonly dependencies: readonly CascadeDependency[];
  readonly truncated: boolean;
}

/** One failure on the timeline. */
export interface Failure {
  readonly id: string;
  readonly at: number;
  readonly round: number;
  readonly kind: string;
  readonly name?: string;
  readonly sector?: string;
  readonly org?: string;
}

/** Per sector. */
export interface SectorImpact {
  readonly sector: string;
  readonly failed: number;
  readonly total: number;
  readonly firstHours: number;
}

/** Per organisation. */
export interface OrgImpact {
  readonly org: string;
  readonly name?: string;
  readonly sector?: string;
  readonly peer?: string;
  readonly failed: number;
  readonly firstHours: number;
}

/** A Monte Carlo estimate for one entity. */
export interface EntityRisk {
  readonly id: string;
  readonly probability: number;
  readonly meanHours: number;
  readonly p10Hours: number;
  readonly p50Hours: number;
  readonly p90Hours: number;
  readonly byHorizon: readonly number[];
}

/** A what-if result. */
export interface Impact {
  readonly seeds: readonly string[];
  readonly failed: readonly string[];
  readonly steps: readonly (readonly string[])[];
  readonly timeline: readonly Failure[];
  readonly sectors: readonly SectorImpact[];
  readonly organisations: readonly OrgImpact[];
  readonly atRisk: readonly Failure[];
  readonly monteCarlo?: {
    readonly runs: number;
    readonly horizons: readonly number[];
    readonly entities: readonly EntityRisk[];
  };
  readonly view: {
    readonly entities: readonly CascadeEntity[];
    readonly dependencies: readonly CascadeDependency[];
    readonly truncated: boolean;
  };
}

/** Criticality of an entity. */
export interface Criticality {
  readonly entities: readonly { id: string; removalImpact?: number; betweenness: number; articulation: boolean }[];
  readonly betweenness: 'exact' | 'sampled';
  readonly impactComputed: number;
  readonly articulationPoints: number;
}

/** The impact of an incident on one graph. */
export interface GraphImpact {
  readonly graph: string;
  readonly seeds: readonly string[];
  readonly failed: number;
  readonly timeline: readonly Failure[];
  readonly sectors: readonly SectorImpact[];
  readonly organisations: readonly OrgImpact[];
  readonly atRisk: readonly Failure[];
  readonly probability: Readonly<Record<string, number>>;
}

/** An incident's cascade impact. */
export interface IncidentImpact {
  readonly incident: string;
  readonly computed: number;
  readonly start: number;
  readonly hosts: readonly string[];
  readonly graphs: readonly GraphImpact[];
}

/** A cascade warning, sent or received. */
export interface WarningRecord {
  readonly direction: 'sent' | 'received';
  readonly peer: string;
  readonly time: number;
  readonly warning: {
    readonly id: string;
    readonly fromOrg: string;
    readonly fromSector?: string;
    readonly toOrg: string;
    readonly originTime: string;
    readonly failed: readonly { entity: string; hours: number; sector?: string }[];
    readonly threatened: readonly { entity: string; hours: number; probability: number }[];
    readonly confidence: number;
    readonly hops: number;
    readonly path: readonly string[];
    readonly summary: string;
  };
  readonly local?: IncidentImpact;
}

/** The default sector model. */
export interface SectorModel {
  readonly sectors: readonly string[];
  readonly matrix: readonly (readonly number[])[];
  readonly recoveryHours: readonly number[];
  readonly source: string;
}

const g = (name: string) => `/api/cascade/graphs/${encodeURIComponent(name)}`;

/** The cascade API. */
export const cascadeApi = {
  graphs: (signal?: AbortSignal) =>
    call<{ items: GraphInfo[] }>('GET', '/api/cascade/graphs', signal ? { signal } : {}),
  graph: (name: string, signal?: AbortSignal) =>
    call<GraphView>('GET', g(name), { query: { limit: 3000 }, ...(signal ? { signal } : {}) }),
  importGraph: (name: string, content: string, format: string | undefined, merge: boolean) =>
    call<{ info: GraphInfo; format: string; warnings: string[] }>('PUT', g(name), {
      body: { content, merge, ...(format ? { format } : {}) },
    }),
  deleteGraph: (name: string) => call<{ deleted: string }>('DELETE', g(name)),
  whatIf: (name: string, fail: readonly string[], runs: number) =>
    call<Impact>('POST', `${g(name)}/whatif`, { body: { fail, runs } }),
  criticality: (name: string, signal?: AbortSignal) =>
    call<Criticality>('GET', `${g(name)}/criticality`, { query: { top: 15 }, ...(signal ? { signal } : {}) }),
  share: (name: string) => call<{ peers: Record<string, number> }>('POST', `${g(name)}/share`),
  exportUrl: (name: string, format: 'graphml' | 'stix') => apiUrl(`${g(name)}/export`, { format }),
  sectors: (signal?: AbortSignal) => call<SectorModel>('GET', '/api/cascade/sectors', signal ? { signal } : {}),
  iim: (perturbation: readonly number[], dynamic: boolean) =>
    call<{ q: number[]; sectors?: string[]; warnings: string[]; series?: number[][] }>('POST', '/api/cascade/iim', {
      body: { perturbation, ...(dynamic ? { dynamic: { steps: 168, lasting: 12 } } : {}) },
    }),
  incident: (id: string, signal?: AbortSignal) =>
    call<IncidentImpact>('GET', `/api/cascade/incidents/${encodeURIComponent(id)}`, signal ? { signal } : {}),
  warnings: (signal?: AbortSignal) =>
    call<{ items: WarningRecord[] }>('GET', '/api/cascade/warnings', signal ? { signal } : {}),
};
