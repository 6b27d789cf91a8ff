/**
 * @module
 * Loads the node configuration: defaults, then a JSON file (`--config FILE`, else
 * `<data>/intersoc.json` when present), then `INTERSOC_<SECTION>_<KEY>` environment variables,
 * then command-line flags. The result is validated by the core schema; errors name the field.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AppError, ConfigSchema, type Config } from '@intersoc/core';
import { unknownKeyWarnings, unknownVariableWarnings } from './config-keys.js';

type Json = Record<string, unknown>;

/** Overrides from command-line flags, already shaped like the config. */
export type ConfigOverrides = { [K in keyof Config]?: Partial<Config[K]> } & { data?: string };

/** Reads and validates the configuration. */
export function loadConfig(
  opts: {
    file?: string;
    data?: string;
    env?: NodeJS.ProcessEnv;
    overrides?: ConfigOverrides;
    /** Where warnings about unknown settings go; standard error by default. */
    warn?: (message: string) => void;
  } = {},
): Config {
  const env = opts.env ?? process.env;
  const warn = opts.warn ?? ((m: string) => process.stderr.write(`warning: ${m}\n`));
  const dataGuess = opts.data ?? env['INTERSOC_DATA'] ?? './data';
  const file =
    opts.file ??
    (existsSync(path.join(dataGuess, 'intersoc.json')) ? path.join(dataGuess, 'intersoc.json') : undefined);
  let merged: Json = {};
  if (file !== undefined) {
    try {
      merged = JSON.parse(readFileSync(file, 'utf8')) as Json;
    } catch (err) {
      throw new AppError('CONFIG', `cannot read config file ${file}: ${(err as Error).message}`, { cause: err });
    }
  }
  if (file !== undefined) for (const w of unknownKeyWarnings(merged, ConfigSchema, file)) warn(w);
  for (const w of unknownVariableWarnings(env, ConfigSchema)) warn(w);
  merged = deepMerge(merged, fromEnv(env));
  merged = deepMerge(merged, (opts.overrides ?? {}) as Json);
  if (opts.data !== undefined) merged['data'] = opts.data;
  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new AppError('CONFIG', `invalid configuration: ${issues}`);
  }
  return parsed.data;
}

/** `INTERSOC_HTTP_PORT=9000` → `{ http: { port: 9000 } }`; `INTERSOC_DATA` → `{ data }`. */
function fromEnv(env: NodeJS.ProcessEnv): Json {
  const out: Json = {};
  const shape = ConfigSchema.shape as Record<string, unknown>;
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('INTERSOC_') || raw === undefined) continue;
    const parts = name.slice('INTERSOC_'.length).toLowerCase().split('_');
    const section = parts[0] as string;
    if (!(section in shape)) continue;
    if (parts.length === 1) {
      out[section] = coerce(raw);
      continue;
    }
    const key = parts
      .slice(1)
      .map((p, i) => (i === 0 ? p : p.charAt(0).toUpperCase() + p.slice(1)))
      .join('');
    const sec = (out[section] ??= {}) as Json;
    sec[key] = coerce(raw);
  }
  return out;
}

function coerce(v: string): unknown {
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  return v;
}

function deepMerge(a: Json, b: Json): Json {
  const out: Json = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (v === undefined) continue;
    const cur = out[k];
    out[k] = isObj(v) && isObj(cur) ? deepMerge(cur, v) : v;
  }
  return out;
}

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
