/**
 * @module
 * GraphML in (graphology-graphml over xmldom). Directed edges read as dependencies of the
 * source on the target; undirected edges (the GEANT topology's links) as a dependency each way.
 * Node data keys map onto entity fields where present (`kind`, `name` or `label`, `sector`,
 * `org`, `location` or `Country`, `min_inputs`, `buffer_<type>_hours`, `asset`, `peer`,
 * `Latitude`/`Longitude` or `lat`/`lon`); edge data keys onto dependency fields (`type`,
 * `strength`, `tti_hours`, `recovery_hours`). Documents with a DOCTYPE are refused: no entity
 * expansion reaches the parser.
 */
import { DOMParser } from '@xmldom/xmldom';
import { MultiGraph } from 'graphology';
import type { AbstractGraph, Attributes, GraphConstructor } from 'graphology-types';
import { parse } from 'graphology-graphml';
import { AppError } from '@intersoc/core';
import { ID_PATTERN } from '../model/schema.js';
import {
  DEPENDENCY_TYPES,
  ENTITY_KINDS,
  type Buffers,
  type Dependency,
  type DependencyType,
  type Entity,
  type EntityKind,
  type ImportResult,
} from '../model/types.js';

type Attrs = Record<string, unknown>;

function str(a: Attrs, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = a[k];
    if (typeof v === 'string' && v !== '') return v.slice(0, 512);
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  }
  return undefined;
}

function numIn(a: Attrs, keys: readonly string[], min: number, max: number): number | undefined {
  for (const k of keys) {
    const v = typeof a[k] === 'string' ? Number(a[k]) : a[k];
    if (typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max) return v;
  }
  return undefined;
}

function entityOf(id: string, a: Attrs): Entity {
  const kindText = str(a, 'kind');
  const kind: EntityKind = (ENTITY_KINDS as readonly string[]).includes(kindText ?? '')
    ? (kindText as EntityKind)
    : 'asset';
  const buffers: Partial<Record<DependencyType, number>> = {};
  for (const t of DEPENDENCY_TYPES) {
    const b = numIn(a, [`buffer_${t}_hours`], 0, 1e6);
    if (b !== undefined) buffers[t] = b;
  }
  const name = str(a, 'name', 'label');
  const sector = str(a, 'sector');
  const org = str(a, 'org');
  const location = str(a, 'location', 'Country');
  const asset = str(a, 'asset');
  const peer = str(a, 'peer');
  const lat = numIn(a, ['lat', 'Latitude'], -90, 90);
  const lon = numIn(a, ['lon', 'Longitude'], -180, 180);
  const min = numIn(a, ['min_inputs', 'minInputs'], 1, 1_000_000);
  return {
    id,
    kind,
    minInputs: min !== undefined && Number.isInteger(min) ? min : 1,
    buffers: buffers as Buffers,
    ...(name !== undefined ? { name } : {}),
    ...(sector !== undefined ? { sector } : {}),
    ...(org !== undefined && ID_PATTERN.test(org) ? { org } : {}),
    ...(location !== undefined ? { location } : {}),
    ...(asset !== undefined ? { asset } : {}),
    ...(peer !== undefined && /^[0-9a-f]{32}$/.test(peer) ? { peer } : {}),
    ...(lat !== undefined ? { lat } : {}),
    ...(lon !== undefined ? { lon } : {}),
  };
}

/** Parses GraphML text. */
export function parseGraphml(text: string): ImportResult {
  if (/<!DOCTYPE|<!ENTITY/i.test(text))
    throw new AppError('UNSUPPORTED', 'GraphML with a DOCTYPE or entities is refused');
  const errors: string[] = [];
  const doc = new DOMParser({
    errorHandler: {
      warning: () => undefined,
      error: (m: string) => void errors.push(m),
      fatalError: (m: string) => void errors.push(m),
    },
  }).parseFromString(text, 'application/xml');
  if (errors.length > 0) throw new AppError('PARSE', `not well-formed XML: ${errors[0]?.split('\n')[0] ?? ''}`);
  let g: AbstractGraph<Attributes, Attributes>;
  try {
    g = parse(MultiGraph as unknown as GraphConstructor, doc as unknown as Document, { addMissingNodes: true });
  } catch (err) {
    throw new AppError('PARSE', `not GraphML: ${(err as Error).message}`);
  }
  const warnings: string[] = [];
  const entities: Entity[] = [];
  g.forEachNode((id, a) => {
    if (!ID_PATTERN.test(id)) throw new AppError('VALIDATION', `node id "${id.slice(0, 40)}" is not an entity id`);
    entities.push(entityOf(id, a));
  });
  const deps = new Map<string, Dependency>();
  let undirected = 0;
  let loops = 0;
  g.forEachEdge((_key, a, source, target, _sa, _ta, isUndirected) => {
    if (source === target) {
      loops++;
      return;
    }
    const typeText = str(a, 'type')?.toLowerCase() ?? 'physical';
    const type = ((DEPENDENCY_TYPES as readonly string[]).includes(typeText) ? typeText : 'physical') as DependencyType;
    const base = {
      type,
      strength: numIn(a, ['strength'], 0, 1) ?? 1,
      ttiHours: numIn(a, ['tti_hours', 'ttiHours'], 0, 1e6) ?? 0,
      recoveryHours: numIn(a, ['recovery_hours', 'recoveryHours'], 0, 1e6) ?? 0,
    };
    const pairs: [string, string][] = isUndirected
      ? [
          [source, target],
          [target, source],
        ]
      : [[source, target]];
    if (isUndirected) undirected++;
    for (const [s, t] of pairs) deps.set(`${s}\u0000${t}`, { source: s, target: t, ...base });
  });
  if (undirected > 0) warnings.push(`${undirected} undirected links read as a dependency each way`);
  if (loops > 0) warnings.push(`${loops} self-links ignored`);
  return { data: { entities, dependencies: [...deps.values()] }, warnings };
}
