/**
 * @module
 * Finds configuration keys and `INTERSOC_*` variables that the schema does not know, and names
 * the closest known one. A misspelt `retentionDay` or `INTERSOC_HTTP_PROT` would otherwise be
 * dropped without a word and the node would run on a default the operator did not choose.
 */
import type { ZodType } from 'zod';

/** `INTERSOC_*` variables read by other parts of the project (CLI clients, tests), not by the configuration. */
export const OTHER_VARIABLES: ReadonlySet<string> = new Set([
  'INTERSOC_CORPORA',
  'INTERSOC_STIX_SCHEMAS',
  'INTERSOC_TAXII_TOKEN',
  'INTERSOC_TAXII_PASSWORD',
  'INTERSOC_CHROMIUM',
  'INTERSOC_REQUIRE_BROWSER',
  'INTERSOC_WEB_ROOT',
]);

interface Def {
  readonly type?: string;
  readonly innerType?: ZodType;
  readonly in?: ZodType;
  readonly shape?: Record<string, ZodType>;
}

function defOf(t: ZodType): Def {
  return (t as unknown as { _zod: { def: Def } })._zod.def;
}

/** The object shape behind defaults, optionals and pipes; undefined for anything else. */
export function shapeOf(t: ZodType): Readonly<Record<string, ZodType>> | undefined {
  let d = defOf(t);
  for (let i = 0; i < 10; i++) {
    if (d.type === 'object') return d.shape;
    const next = d.innerType ?? d.in;
    if (next === undefined) return undefined;
    d = defOf(next);
  }
  return undefined;
}

/** Levenshtein distance, case-insensitive. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(
        (prev[j] ?? 0) + 1,
        (cur[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1),
      );
    }
    prev = cur;
  }
  return prev[y.length] ?? 0;
}

/** The known name closest to `name`, when it is close enough to be a likely typo. */
export function closest(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = distance(name, k);
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function hint(suggestion: string | undefined): string {
  return suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`;
}

/** Warnings for keys of `input` that `schema` does not know, with the closest known key. */
export function unknownKeyWarnings(input: unknown, schema: ZodType, where: string, prefix = ''): string[] {
  const shape = shapeOf(schema);
  if (shape === undefined || typeof input !== 'object' || input === null || Array.isArray(input)) return [];
  const out: string[] = [];
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    const child = shape[key];
    if (child === undefined) {
      const near = closest(key, Object.keys(shape));
      out.push(`${where}: unknown setting ${prefix}${key}${hint(near === undefined ? undefined : prefix + near)}`);
      continue;
    }
    out.push(...unknownKeyWarnings(value, child, where, `${prefix}${key}.`));
  }
  return out;
}

/** `retentionMaxBytes` → `RETENTION_MAX_BYTES`. */
function envPart(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
}

/** Every `INTERSOC_*` variable the configuration reads. */
export function configVariables(schema: ZodType): string[] {
  const names: string[] = [];
  for (const [section, child] of Object.entries(shapeOf(schema) ?? {})) {
    const inner = shapeOf(child);
    if (inner === undefined) names.push(`INTERSOC_${envPart(section)}`);
    else for (const key of Object.keys(inner)) names.push(`INTERSOC_${envPart(section)}_${envPart(key)}`);
  }
  return names;
}

/** Warnings for `INTERSOC_*` variables that are neither settings nor known to other tools. */
export function unknownVariableWarnings(env: NodeJS.ProcessEnv, schema: ZodType): string[] {
  const known = configVariables(schema);
  const knownSet = new Set(known);
  const out: string[] = [];
  for (const name of Object.keys(env)) {
    if (!name.startsWith('INTERSOC_') || knownSet.has(name) || OTHER_VARIABLES.has(name)) continue;
    out.push(`environment: ${name} is not a setting and is ignored${hint(closest(name, known))}`);
  }
  return out;
}
