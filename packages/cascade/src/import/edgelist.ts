/**
 * @module
 * Headerless edge lists of undirected links, as the power-grid files of the Critical
 * Infrastructure Networks collection give them (`i,j` per line; `powergridEU_E.csv`). A
 * transmission line carries power both ways, so each link becomes two physical dependencies,
 * one in each direction: a substation fails once every neighbour it draws from has failed
 * (`minInputs` 1). A coordinates file beside it (`_V.csv`: `id,lat,lon`) sets the entities'
 * positions.
 */
import { AppError } from '@intersoc/core';
import { ID_PATTERN, MAX_DEPENDENCIES } from '../model/schema.js';
import type { Dependency, Entity, ImportResult } from '../model/types.js';
import { csvFields, linesOf } from './csv-lines.js';

/** Options of the edge-list importer. */
export interface EdgeListOptions {
  /** Text of the coordinates file (`id,lat,lon` per line). */
  readonly coordinates?: string;
  /** Sector of every entity (default `energy`: these are power grids). */
  readonly sector?: string;
}

/** Parses an undirected edge list. */
export function parseEdgeList(text: string, o: EdgeListOptions = {}): ImportResult {
  const lines = linesOf(text);
  const seen = new Set<string>();
  const deps: Dependency[] = [];
  const ids = new Set<string>();
  const warnings: string[] = [];
  let loops = 0;
  lines.forEach((line, li) => {
    if (line.trim() === '' || line.startsWith('#') || line.startsWith('%')) return;
    const f = csvFields(line.includes(',') ? line : line.trim().replace(/\s+/g, ','));
    if (!f.ok) throw new AppError('PARSE', `line ${li + 1}: ${f.reason}`);
    const [a, b] = f.value;
    if (a === undefined || b === undefined || !ID_PATTERN.test(a) || !ID_PATTERN.test(b))
      throw new AppError('VALIDATION', `line ${li + 1}: an edge list line is "a,b"`);
    if (a === b) {
      loops++;
      return;
    }
    ids.add(a);
    ids.add(b);
    for (const [s, t] of [
      [a, b],
      [b, a],
    ] as const) {
      const key = `${s}\u0000${t}`;
      if (seen.has(key)) continue;
      seen.add(key);
      deps.push({ source: s, target: t, type: 'physical', strength: 1, ttiHours: 0, recoveryHours: 0 });
    }
    if (deps.length > MAX_DEPENDENCIES)
      throw new AppError('PAYLOAD_TOO_LARGE', `more than ${MAX_DEPENDENCIES} dependencies`);
  });
  if (loops > 0) warnings.push(`${loops} self-links ignored`);
  const coords = new Map<string, { lat: number; lon: number }>();
  if (o.coordinates !== undefined) {
    for (const line of linesOf(o.coordinates)) {
      const f = csvFields(line);
      if (!f.ok) continue;
      const [id, lat, lon] = f.value;
      const la = Number(lat);
      const lo = Number(lon);
      if (id && Number.isFinite(la) && Number.isFinite(lo) && Math.abs(la) <= 90 && Math.abs(lo) <= 180)
        coords.set(id, { lat: la, lon: lo });
    }
  }
  const sector = o.sector ?? 'energy';
  const entities: Entity[] = [...ids].map((id) => ({
    id,
    kind: 'asset',
    sector,
    minInputs: 1,
    buffers: {},
    ...(coords.get(id) ?? {}),
  }));
  return { data: { entities, dependencies: deps }, warnings };
}
