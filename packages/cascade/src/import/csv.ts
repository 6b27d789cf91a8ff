/**
 * @module
 * The dependency CSV: header `source,target,type,strength,min_inputs_of_source`, one row per
 * dependency, each saying that `source` depends on `target`. `type` is one of physical, cyber,
 * geographic, logical (default physical); `strength` is 0–1 (default 1); `min_inputs_of_source`
 * is how many suppliers the source needs (default 1; when rows of one source disagree, the
 * last wins and a warning says so). Optional extra columns: `tti_hours`, `recovery_hours`.
 * Headerless files with two columns are edge lists of undirected links (see `edgelist.ts`).
 */
import { AppError } from '@intersoc/core';
import {
  DEPENDENCY_TYPES,
  type Dependency,
  type DependencyType,
  type Entity,
  type ImportResult,
} from '../model/types.js';
import { ID_PATTERN, MAX_DEPENDENCIES } from '../model/schema.js';
import { csvFields, linesOf } from './csv-lines.js';

const REQUIRED = ['source', 'target'] as const;
const KNOWN = ['source', 'target', 'type', 'strength', 'min_inputs_of_source', 'tti_hours', 'recovery_hours'];

/** True when the first line is the dependency CSV's header. */
export function isDependencyCsv(text: string): boolean {
  const first = linesOf(text.slice(0, 4096))[0] ?? '';
  const f = csvFields(first);
  return (
    f.ok &&
    f.value.map((x) => x.toLowerCase()).includes('source') &&
    f.value.map((x) => x.toLowerCase()).includes('target')
  );
}

function num(v: string | undefined, line: number, name: string, min: number, max: number, fallback: number): number {
  if (v === undefined || v === '') return fallback;
  const x = Number(v);
  if (!Number.isFinite(x) || x < min || x > max)
    throw new AppError('VALIDATION', `line ${line}: ${name} "${v.slice(0, 40)}" is not a number from ${min} to ${max}`);
  return x;
}

/** Parses the dependency CSV. Errors name the line. */
export function parseDependencyCsv(text: string): ImportResult {
  const lines = linesOf(text);
  const head = csvFields(lines[0] ?? '');
  if (!head.ok) throw new AppError('PARSE', `line 1: ${head.reason}`);
  const cols = head.value.map((h) => h.toLowerCase());
  for (const r of REQUIRED) if (!cols.includes(r)) throw new AppError('VALIDATION', `the header needs a "${r}" column`);
  const warnings: string[] = [];
  const unknown = cols.filter((c) => !KNOWN.includes(c));
  if (unknown.length > 0) warnings.push(`ignored columns: ${unknown.join(', ')}`);
  const at = (name: string): number => cols.indexOf(name);
  const [iS, iT, iType, iStr, iMin, iTti, iRec] = KNOWN.map(at) as number[];
  const deps = new Map<string, Dependency>();
  const minInputs = new Map<string, number>();
  const ids = new Set<string>();
  for (let li = 1; li < lines.length; li++) {
    const line = lines[li] as string;
    if (line.trim() === '') continue;
    const f = csvFields(line);
    if (!f.ok) throw new AppError('PARSE', `line ${li + 1}: ${f.reason}`);
    const v = f.value;
    const get = (i: number | undefined): string | undefined => (i === undefined || i < 0 ? undefined : v[i]);
    const source = get(iS) ?? '';
    const target = get(iT) ?? '';
    if (!ID_PATTERN.test(source) || !ID_PATTERN.test(target))
      throw new AppError('VALIDATION', `line ${li + 1}: source and target must be non-empty ids`);
    const typeText = (get(iType) ?? '').toLowerCase() || 'physical';
    if (!(DEPENDENCY_TYPES as readonly string[]).includes(typeText))
      throw new AppError(
        'VALIDATION',
        `line ${li + 1}: type "${typeText.slice(0, 40)}" is not one of ${DEPENDENCY_TYPES.join(', ')}`,
      );
    const min = get(iMin);
    if (min !== undefined && min !== '') {
      const m = num(min, li + 1, 'min_inputs_of_source', 1, 1_000_000, 1);
      if (!Number.isInteger(m))
        throw new AppError('VALIDATION', `line ${li + 1}: min_inputs_of_source must be an integer`);
      const before = minInputs.get(source);
      if (before !== undefined && before !== m)
        warnings.push(
          `line ${li + 1}: min_inputs_of_source of ${source} changes from ${before} to ${m}; the last wins`,
        );
      minInputs.set(source, m);
    }
    const key = `${source}\u0000${target}`;
    if (deps.has(key)) warnings.push(`line ${li + 1}: ${source} -> ${target} repeated; the last row wins`);
    deps.set(key, {
      source,
      target,
      type: typeText as DependencyType,
      strength: num(get(iStr), li + 1, 'strength', 0, 1, 1),
      ttiHours: num(get(iTti), li + 1, 'tti_hours', 0, 1e6, 0),
      recoveryHours: num(get(iRec), li + 1, 'recovery_hours', 0, 1e6, 0),
    });
    if (deps.size > MAX_DEPENDENCIES)
      throw new AppError('PAYLOAD_TOO_LARGE', `more than ${MAX_DEPENDENCIES} dependencies`);
    ids.add(source);
    ids.add(target);
  }
  const entities: Entity[] = [...ids].map((id) => ({
    id,
    kind: 'asset',
    minInputs: minInputs.get(id) ?? 1,
    buffers: {},
  }));
  const suppliers = new Map<string, number>();
  for (const d of deps.values()) suppliers.set(d.source, (suppliers.get(d.source) ?? 0) + 1);
  const short = entities
    .filter((e) => (suppliers.get(e.id) ?? 0) > 0 && e.minInputs > (suppliers.get(e.id) ?? 0))
    .map((e) => e.id);
  if (short.length > 0)
    warnings.push(
      `${short.length} entities need more suppliers than they have and count as failed from round 1: ${short.slice(0, 5).join(', ')}${short.length > 5 ? ', …' : ''}`,
    );
  return { data: { entities, dependencies: [...deps.values()] }, warnings };
}
