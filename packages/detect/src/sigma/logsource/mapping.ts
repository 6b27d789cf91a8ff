/**
 * @module
 * Logsource mapping: which events a rule's `logsource` (category, product, service) selects,
 * and how its field names map to the event's. Mappings are YAML files (`mappings/*.yml` ship
 * with the engine; users add their own). A rule resolves to one or more variants, each a set of
 * event conditions plus field mappings, e.g. `process_creation` → Sysmon EID 1, or Security 4688
 * with `Image` read from `NewProcessName`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail, ok, type Result } from '@intersoc/core';
import type { Logsource } from '../parse/documents.js';
import { parseYaml } from '../parse/yaml-nodes.js';

/** Allowed values of one event field (lower-case), or `*` for "present". */
export type FieldCondition = ReadonlySet<string> | '*';

/** One mapping entry. */
export interface LogsourceEntry {
  readonly category?: string;
  readonly product?: string;
  readonly service?: string;
  readonly when: ReadonlyMap<string, FieldCondition>;
  readonly fieldmappings: ReadonlyMap<string, readonly string[]>;
}

/** A set of mapping entries and the fields the rule index dispatches on, in priority order. */
export interface LogsourceMapping {
  readonly entries: readonly LogsourceEntry[];
  readonly dispatch: readonly string[];
}

/** One way a rule's logsource selects events. */
export interface LogsourceVariant {
  readonly when: ReadonlyMap<string, FieldCondition>;
  readonly fieldmappings: ReadonlyMap<string, readonly string[]>;
  /** Human label, e.g. `Channel=security EventID=4688`. */
  readonly label: string;
}

const ATTRS = ['category', 'product', 'service'] as const;
const DEFAULT_DISPATCH = ['Channel', '@format', 'EventID'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function scalarText(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

/** Parses mapping YAML text. */
export function parseMapping(text: string, label = 'mapping'): Result<LogsourceMapping> {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    return fail(`${label}: YAML: ${(err as Error).message}`);
  }
  if (!isObject(doc) || !Array.isArray(doc['logsources']))
    return fail(`${label}: expected a map with a "logsources" list`);
  const entries: LogsourceEntry[] = [];
  for (const [i, raw] of (doc['logsources'] as unknown[]).entries()) {
    if (!isObject(raw)) return fail(`${label}: logsources[${i}] is not a map`);
    const when = new Map<string, FieldCondition>();
    if (!isObject(raw['when'])) return fail(`${label}: logsources[${i}] has no "when" map`);
    for (const [field, v] of Object.entries(raw['when'])) {
      const values = Array.isArray(v) ? v.map(scalarText) : [scalarText(v)];
      if (values.some((x) => x === undefined)) return fail(`${label}: logsources[${i}].when.${field} must be scalars`);
      when.set(field, values.includes('*') ? '*' : new Set(values.map((x) => (x as string).toLowerCase())));
    }
    const fieldmappings = new Map<string, string[]>();
    if (raw['fieldmappings'] !== undefined) {
      if (!isObject(raw['fieldmappings'])) return fail(`${label}: logsources[${i}].fieldmappings must be a map`);
      for (const [from, to] of Object.entries(raw['fieldmappings'])) {
        const list = Array.isArray(to) ? to.map(scalarText) : [scalarText(to)];
        if (list.some((x) => x === undefined)) return fail(`${label}: fieldmappings.${from} must name fields`);
        fieldmappings.set(from, list as string[]);
      }
    }
    const entry: { -readonly [K in keyof LogsourceEntry]: LogsourceEntry[K] } = { when, fieldmappings };
    for (const a of ATTRS) {
      const s = scalarText(raw[a]);
      if (s !== undefined) entry[a] = s.toLowerCase();
    }
    if (!ATTRS.some((a) => entry[a] !== undefined))
      return fail(`${label}: logsources[${i}] names no category, product or service`);
    entries.push(entry);
  }
  const dispatch = Array.isArray(doc['dispatch']) ? doc['dispatch'].map(String) : [];
  return ok({ entries, dispatch });
}

/** Concatenates mappings; later files add alternatives (dispatch fields are merged in order). */
export function mergeMappings(...mappings: readonly LogsourceMapping[]): LogsourceMapping {
  const dispatch: string[] = [];
  for (const m of mappings) for (const d of m.dispatch) if (!dispatch.includes(d)) dispatch.push(d);
  for (const d of DEFAULT_DISPATCH) if (!dispatch.includes(d)) dispatch.push(d);
  return { entries: mappings.flatMap((m) => m.entries), dispatch };
}

/** Folder of the mapping files that ship with the engine (source tree, also used from dist). */
export function builtinMappingDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // From src/ the files are beside this module; from dist/ they stay in the source tree.
  const candidates = [path.join(here, 'mappings'), path.resolve(here, '../../../src/sigma/logsource/mappings')];
  for (const c of candidates) {
    try {
      if (readdirSync(c).some((f) => f.endsWith('.yml'))) return c;
    } catch {
      // try the next candidate
    }
  }
  return candidates[0] as string;
}

/** Loads mapping files (all `*.yml` of a folder, or single files). */
export function loadMappingFiles(paths: readonly string[]): Result<LogsourceMapping> {
  const parts: LogsourceMapping[] = [];
  for (const p of paths) {
    let files: string[];
    try {
      files =
        p.endsWith('.yml') || p.endsWith('.yaml')
          ? [p]
          : readdirSync(p)
              .filter((f) => f.endsWith('.yml'))
              .sort()
              .map((f) => path.join(p, f));
    } catch (err) {
      return fail(`cannot read mapping ${p}: ${(err as Error).message}`);
    }
    for (const f of files) {
      let text: string;
      try {
        text = readFileSync(f, 'utf8');
      } catch (err) {
        return fail(`cannot read mapping ${f}: ${(err as Error).message}`);
      }
      const m = parseMapping(text, f);
      if (!m.ok) return m;
      parts.push(m.value);
    }
  }
  return ok(mergeMappings(...parts));
}

let builtin: LogsourceMapping | undefined;

/** The built-in mapping (Windows, Linux, macOS, network, web, cloud), loaded once. */
export function builtinMapping(): LogsourceMapping {
  if (!builtin) {
    const r = loadMappingFiles([builtinMappingDir()]);
    if (!r.ok) throw new Error(r.reason);
    builtin = r.value;
  }
  return builtin;
}

function mergeConditions(
  a: ReadonlyMap<string, FieldCondition>,
  b: ReadonlyMap<string, FieldCondition>,
): Map<string, FieldCondition> | undefined {
  const out = new Map(a);
  for (const [f, cb] of b) {
    const ca = out.get(f);
    if (ca === undefined || ca === '*') out.set(f, cb);
    else if (cb !== '*') {
      const both = new Set([...ca].filter((v) => cb.has(v)));
      if (both.size === 0) return undefined;
      out.set(f, both);
    }
  }
  return out;
}

function conditionKey(when: ReadonlyMap<string, FieldCondition>): string {
  return [...when]
    .map(([f, c]) => `${f}=${c === '*' ? '*' : [...c].sort().join('|')}`)
    .sort()
    .join(' ');
}

/**
 * Resolves a rule's logsource to variants. Entries are usable when every attribute they name
 * equals the rule's; each rule attribute must be covered by one of them. An attribute no entry
 * covers selects events that declare it in a `logsource.<attribute>` field.
 */
export function resolveLogsource(ls: Logsource, mapping: LogsourceMapping): LogsourceVariant[] {
  const usable = mapping.entries.filter((e) => ATTRS.every((a) => e[a] === undefined || e[a] === ls[a]));
  let combos: { when: Map<string, FieldCondition>; fieldmappings: Map<string, readonly string[]> }[] = [
    { when: new Map(), fieldmappings: new Map() },
  ];
  for (const a of ATTRS) {
    const value = ls[a];
    if (value === undefined) continue;
    const covering = usable.filter((e) => e[a] !== undefined);
    const alternatives: {
      when: ReadonlyMap<string, FieldCondition>;
      fieldmappings: ReadonlyMap<string, readonly string[]>;
    }[] =
      covering.length > 0
        ? covering
        : [{ when: new Map([[`logsource.${a}`, new Set([value])]]), fieldmappings: new Map() }];
    const next: typeof combos = [];
    for (const c of combos)
      for (const alt of alternatives) {
        const when = mergeConditions(c.when, alt.when);
        if (when) next.push({ when, fieldmappings: new Map([...c.fieldmappings, ...alt.fieldmappings]) });
      }
    combos = next;
  }
  const seen = new Map<string, LogsourceVariant>();
  for (const c of combos) {
    const key = `${conditionKey(c.when)} ${[...c.fieldmappings].map(([k, v]) => `${k}>${v.join(',')}`).join(' ')}`;
    if (!seen.has(key))
      seen.set(key, { when: c.when, fieldmappings: c.fieldmappings, label: conditionKey(c.when) || 'any event' });
  }
  return [...seen.values()];
}
