/**
 * @module
 * The dashboard's client for learned detection models (`/api/ml/models*`): versions with their
 * validation figures and lineage, one version's detail, input drift, deploy, retrain and retire.
 */
import { request as call } from './client';

/** A model version. */
export interface ModelSummary {
  readonly name: string;
  readonly version: number;
  readonly algorithm: string;
  readonly status: 'trained' | 'deployed' | 'retired';
  readonly created: number;
  readonly deployed?: number;
  readonly features: number;
  readonly classes: readonly string[];
  readonly benign: string;
  readonly threshold: number;
  readonly dataHash?: string;
  readonly metrics: Readonly<Record<string, unknown>>;
  /** For a retrained version: its parent and the analysts' verdicts it learnt from. */
  readonly lineage?: Readonly<Record<string, unknown>>;
}

/** What a retrain made (both versions' figures on the same held-out rows). */
export interface RetrainResult {
  readonly name: string;
  readonly version: number;
  readonly parent: number;
  readonly added: { readonly falsePositives: number; readonly truePositives: number; readonly repeat: number };
  readonly withoutVector: number;
  readonly validation: { readonly parent: Record<string, unknown>; readonly retrained: Record<string, unknown> };
}

/** A model's input drift over a window. */
export interface ModelDrift {
  readonly name: string;
  readonly version: number;
  readonly from: number;
  readonly to: number;
  readonly rows: number;
  readonly scannedEvents: number;
  readonly status: 'stable' | 'moderate' | 'drifted' | 'unknown';
  readonly maxPsi: number;
  readonly features: readonly { feature: string; psi: number }[];
  readonly reason?: string;
}

const path = (name: string): string => `/api/ml/models/${encodeURIComponent(name)}`;

/** The model API. */
export const ml = {
  list: (signal?: AbortSignal) =>
    call<{ items: ModelSummary[] }>('GET', '/api/ml/models', signal ? { signal } : {}).then((r) => r.items),
  drift: (name: string, hours: number, signal?: AbortSignal) =>
    call<ModelDrift>('GET', `${path(name)}/drift`, { query: { hours }, ...(signal ? { signal } : {}) }),
  deploy: (name: string, version: number) => call<ModelSummary>('POST', `${path(name)}/deploy`, { body: { version } }),
  retrain: (name: string, version: number) =>
    call<RetrainResult>('POST', `${path(name)}/retrain`, { body: { version } }),
  retire: (name: string, version: number) =>
    call<{ retired: number }>('POST', `${path(name)}/retire`, { body: { version } }),
};
