/**
 * @module
 * STIX 2.1 in and out. Entities are `infrastructure` objects; a dependency is a `relationship`
 * of type `depends-on` from the dependent to its supplier. `depends-on` is our custom
 * relationship type (STIX allows types outside its vocabulary); the model's fields ride in custom
 * properties: `x_intersoc_entity` on infrastructure (`id`, `kind`, `sector`, `org`, `location`,
 * `min_inputs`, `buffers`, `asset`, `peer`, `lat`, `lon`) and `x_intersoc_dependency` on the relationship
 * (`type`, `strength`, `tti_hours`, `recovery_hours`). Infrastructure without the custom
 * property is still read: its name becomes the entity id. Other objects are ignored.
 */
import { AppError } from '@intersoc/core';
import { z } from 'zod';
import { uuidv5 } from '../internal/uuid.js';
import { BuffersSchema, ID_PATTERN } from '../model/schema.js';
import {
  DEPENDENCY_TYPES,
  ENTITY_KINDS,
  type Dependency,
  type DependencyType,
  type Entity,
  type EntityKind,
  type GraphData,
  type ImportResult,
} from '../model/types.js';

/** The relationship type of a dependency. */
export const DEPENDS_ON = 'depends-on';

const EntityExt = z
  .object({
    id: z.string().regex(ID_PATTERN).optional(),
    kind: z.enum(ENTITY_KINDS as [EntityKind, ...EntityKind[]]).optional(),
    sector: z.string().max(128).optional(),
    org: z.string().regex(ID_PATTERN).optional(),
    location: z.string().max(256).optional(),
    min_inputs: z.number().int().min(1).max(1_000_000).optional(),
    buffers: BuffersSchema.optional(),
    asset: z.string().max(256).optional(),
    peer: z
      .string()
      .regex(/^[0-9a-f]{32}$/)
      .optional(),
    lat: z.number().min(-90).max(90).optional(),
    lon: z.number().min(-180).max(180).optional(),
  })
  .loose();

const DependencyExt = z
  .object({
    type: z.enum(DEPENDENCY_TYPES as [DependencyType, ...DependencyType[]]).optional(),
    strength: z.number().min(0).max(1).optional(),
    tti_hours: z.number().min(0).max(1e6).optional(),
    recovery_hours: z.number().min(0).max(1e6).optional(),
  })
  .loose();

const StixId = z.string().regex(/^[a-z][a-z0-9-]+--[0-9a-f-]{36}$/);

/** Reads entities and dependencies from STIX objects (a bundle, or a list). */
export function graphFromStix(doc: unknown): ImportResult {
  const objects: unknown[] = Array.isArray(doc)
    ? doc
    : doc && typeof doc === 'object' && Array.isArray((doc as { objects?: unknown }).objects)
      ? (doc as { objects: unknown[] }).objects
      : [];
  if (objects.length === 0) throw new AppError('VALIDATION', 'no STIX objects: expected a bundle or a list of objects');
  const warnings: string[] = [];
  const byStixId = new Map<string, Entity>();
  let ignored = 0;
  for (const o of objects) {
    const rec = o && typeof o === 'object' ? (o as Record<string, unknown>) : {};
    if (rec['type'] !== 'infrastructure') continue;
    const sid = StixId.safeParse(rec['id']);
    if (!sid.success) {
      warnings.push('an infrastructure object without a valid id was skipped');
      continue;
    }
    const ext = EntityExt.safeParse(rec['x_intersoc_entity'] ?? {});
    if (!ext.success) throw new AppError('VALIDATION', `${sid.data}: x_intersoc_entity is malformed`);
    const x = ext.data;
    const name = typeof rec['name'] === 'string' ? rec['name'].slice(0, 512) : undefined;
    const id = x.id ?? name ?? sid.data;
    if (!ID_PATTERN.test(id)) throw new AppError('VALIDATION', `${sid.data}: no usable entity id`);
    byStixId.set(sid.data, {
      id,
      kind: x.kind ?? 'asset',
      minInputs: x.min_inputs ?? 1,
      buffers: x.buffers ? Object.fromEntries(Object.entries(x.buffers).filter(([, v]) => v !== undefined)) : {},
      ...(name !== undefined && name !== id ? { name } : {}),
      ...(x.sector !== undefined ? { sector: x.sector } : {}),
      ...(x.org !== undefined ? { org: x.org } : {}),
      ...(x.location !== undefined ? { location: x.location } : {}),
      ...(x.asset !== undefined ? { asset: x.asset } : {}),
      ...(x.peer !== undefined ? { peer: x.peer } : {}),
      ...(x.lat !== undefined ? { lat: x.lat } : {}),
      ...(x.lon !== undefined ? { lon: x.lon } : {}),
    });
  }
  const deps: Dependency[] = [];
  for (const o of objects) {
    const rec = o && typeof o === 'object' ? (o as Record<string, unknown>) : {};
    if (rec['type'] === 'infrastructure') continue;
    if (rec['type'] !== 'relationship' || rec['relationship_type'] !== DEPENDS_ON) {
      ignored++;
      continue;
    }
    if (rec['revoked'] === true) continue;
    const s = byStixId.get(String(rec['source_ref']));
    const t = byStixId.get(String(rec['target_ref']));
    if (!s || !t) {
      warnings.push(
        `${String(rec['id'])}: depends-on between objects that are not infrastructure in this document; skipped`,
      );
      continue;
    }
    const ext = DependencyExt.safeParse(rec['x_intersoc_dependency'] ?? {});
    if (!ext.success) throw new AppError('VALIDATION', `${String(rec['id'])}: x_intersoc_dependency is malformed`);
    deps.push({
      source: s.id,
      target: t.id,
      type: ext.data.type ?? 'physical',
      strength: ext.data.strength ?? 1,
      ttiHours: ext.data.tti_hours ?? 0,
      recoveryHours: ext.data.recovery_hours ?? 0,
    });
  }
  if (ignored > 0) warnings.push(`${ignored} other STIX objects ignored`);
  if (byStixId.size === 0) throw new AppError('VALIDATION', 'no infrastructure objects in the document');
  return { data: { entities: [...byStixId.values()], dependencies: deps }, warnings };
}

/** STIX id of an entity of a graph. */
export function infrastructureId(graph: string, entity: string): string {
  return `infrastructure--${uuidv5(`${graph}\u0000${entity}`)}`;
}

/** STIX id of a dependency of a graph. */
export function dependencyId(graph: string, source: string, target: string): string {
  return `relationship--${uuidv5(`${graph}\u0000${source}\u0000${target}`)}`;
}

/** Options of the STIX export. */
export interface StixExportOptions {
  /** Graph name (part of the deterministic ids). */
  readonly graph: string;
  /** `created`/`modified` of every object (ISO time). */
  readonly time: string;
  /** Identity of the producer. */
  readonly createdBy?: string;
  readonly markings?: readonly string[];
}

/** STIX objects for entities and dependencies (only dependencies between exported entities). */
export function toStixObjects(data: GraphData, o: StixExportOptions): Record<string, unknown>[] {
  const common = {
    spec_version: '2.1',
    created: o.time,
    modified: o.time,
    ...(o.createdBy ? { created_by_ref: o.createdBy } : {}),
    ...(o.markings && o.markings.length > 0 ? { object_marking_refs: [...o.markings] } : {}),
  };
  const out: Record<string, unknown>[] = [];
  for (const e of data.entities) {
    out.push({
      type: 'infrastructure',
      id: infrastructureId(o.graph, e.id),
      ...common,
      name: e.name ?? e.id,
      infrastructure_types: ['undefined'],
      x_intersoc_entity: {
        id: e.id,
        kind: e.kind,
        min_inputs: e.minInputs,
        ...(Object.keys(e.buffers).length > 0 ? { buffers: e.buffers } : {}),
        ...(e.sector !== undefined ? { sector: e.sector } : {}),
        ...(e.org !== undefined ? { org: e.org } : {}),
        ...(e.location !== undefined ? { location: e.location } : {}),
        ...(e.asset !== undefined ? { asset: e.asset } : {}),
        ...(e.peer !== undefined ? { peer: e.peer } : {}),
        ...(e.lat !== undefined ? { lat: e.lat } : {}),
        ...(e.lon !== undefined ? { lon: e.lon } : {}),
      },
    });
  }
  for (const d of data.dependencies) {
    out.push({
      type: 'relationship',
      id: dependencyId(o.graph, d.source, d.target),
      ...common,
      relationship_type: DEPENDS_ON,
      source_ref: infrastructureId(o.graph, d.source),
      target_ref: infrastructureId(o.graph, d.target),
      x_intersoc_dependency: {
        type: d.type,
        strength: d.strength,
        tti_hours: d.ttiHours,
        recovery_hours: d.recoveryHours,
      },
    });
  }
  return out;
}

/** A STIX 2.1 bundle of a graph. */
export function toStixBundle(data: GraphData, o: StixExportOptions): Record<string, unknown> {
  return {
    type: 'bundle',
    id: `bundle--${uuidv5(`${o.graph}\u0000${o.time}\u0000bundle`)}`,
    objects: toStixObjects(data, o),
  };
}
