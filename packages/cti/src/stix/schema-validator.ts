/**
 * @module
 * Validation of STIX objects against the OASIS JSON schemas (draft 2020-12) with Ajv. The
 * schemas are read from a directory at run time (they are not vendored). Compile quirks handled
 * here:
 * - their regexes use `\-`, which is invalid with the `u` flag Ajv applies by default, so
 *   patterns are compiled without it;
 * - the type-name pattern `^([a-z][a-z0-9]*)+(-[a-z0-9]+)*\-?$` nests quantifiers and
 *   backtracks exponentially on hostile input; every schema pattern therefore runs on RE2
 *   (linear time), falling back to the native engine only for syntax RE2 lacks;
 * - `idn-hostname` (domain-name `value`) is not in ajv-formats and is supplied here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { domainToASCII } from 'node:url';
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type * as Ajv2020Module from 'ajv/dist/2020.js';
import type * as AjvFormatsModule from 'ajv-formats';
import { RE2JS } from 're2js';
import { AppError } from '@intersoc/core';
import { definedProperties, openVocabularies } from './schema-catalogue.js';
import { stixCategory } from './vocab.js';

const require = createRequire(import.meta.url);
// ajv's 2020 entry and ajv-formats are CommonJS; createRequire keeps their default exports intact.
const Ajv2020 = (require('ajv/dist/2020') as typeof Ajv2020Module.default).default;
const addFormats = (require('ajv-formats') as typeof AjvFormatsModule.default).default;

/** One validation problem, located by a JSON pointer into the validated document. */
export interface StixIssue {
  /** JSON pointer, e.g. `/objects/3/modified`. */
  readonly path: string;
  readonly message: string;
  /** `schema` for OASIS schema failures, else the name of the code rule. */
  readonly rule: string;
}

/** Validates single objects against the schema of their type. */
export interface SchemaValidator {
  /** Issues of one object; `base` prefixes every path (e.g. `/objects/3`). */
  validateObject(obj: Readonly<Record<string, unknown>>, base?: string): StixIssue[];
  /** Types with a dedicated schema. */
  readonly types: readonly string[];
  /** Properties the specification defines for `type` (common ones included); undefined without a schema. */
  properties(type: string): ReadonlySet<string> | undefined;
  /** Values of an open vocabulary such as `indicator-type-ov`, as the schemas list them. */
  vocabulary(name: string): ReadonlySet<string> | undefined;
}

interface RegExpLike {
  test(s: string): boolean;
  toString(): string;
}

function safeRegExp(pattern: string): RegExpLike {
  try {
    const re = RE2JS.compile(pattern);
    // Ajv keys its pattern cache on toString(), so it must be unique per pattern.
    return { test: (s: string) => re.test(s), toString: () => `re2:${pattern}` };
  } catch {
    return new RegExp(pattern);
  }
}

const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;

/** Internationalised host names: valid when their ASCII (punycode) form is a valid host name. */
function isIdnHostname(value: string): boolean {
  const ascii = domainToASCII(value.endsWith('.') ? value.slice(0, -1) : value);
  if (ascii === '' || ascii.length > 253) return false;
  return ascii.split('.').every((l) => HOST_LABEL.test(l));
}

function listJson(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listJson(p));
    else if (name.endsWith('.json')) out.push(p);
  }
  return out;
}

/**
 * Loads the OASIS STIX 2.1 schemas from `dir` (the `schemas/` folder of cti-stix2-json-schemas).
 * Throws CONFIG when the folder holds no usable schemas.
 */
export function loadStixSchemas(dir: string): SchemaValidator {
  let files: string[];
  try {
    files = listJson(dir);
  } catch (err) {
    throw new AppError('CONFIG', `cannot read STIX schemas in ${dir}`, { cause: err });
  }
  const ajv = new Ajv2020({
    strict: false,
    allErrors: true,
    unicodeRegExp: false,
    code: { regExp: safeRegExp as never },
  });
  addFormats(ajv);
  ajv.addFormat('idn-hostname', isIdnHostname);
  const byName = new Map<string, string>();
  const raw = new Map<string, Record<string, unknown>>();
  for (const f of files) {
    const schema = JSON.parse(readFileSync(f, 'utf8')) as { $id?: string };
    if (!schema.$id) continue;
    ajv.addSchema(schema);
    byName.set(path.basename(f, '.json'), schema.$id);
    raw.set(path.basename(f, '.json'), schema);
  }
  const vocabularies = openVocabularies(raw.values());
  const propertyCache = new Map<string, Set<string>>();
  if (!byName.has('core')) throw new AppError('CONFIG', `no STIX core schema in ${dir}`);
  const cache = new Map<string, ValidateFunction>();
  const compiled = (name: string): ValidateFunction | undefined => {
    let v = cache.get(name);
    if (!v) {
      const id = byName.get(name);
      v = id === undefined ? undefined : ajv.getSchema(id);
      if (v) cache.set(name, v);
    }
    return v;
  };
  const SKIP = new Set(['core', 'cyber-observable-core', 'bundle', 'properties', 'extension']);
  return {
    types: [...byName.keys()].filter((n) => !SKIP.has(n) && stixCategory(n) !== 'custom'),
    properties(type) {
      if (SKIP.has(type) || !raw.has(type)) return undefined;
      let p = propertyCache.get(type);
      if (!p) propertyCache.set(type, (p = definedProperties(type, raw)));
      return p;
    },
    vocabulary: (name) => vocabularies.get(name),
    validateObject(obj, base = '') {
      const type = typeof obj['type'] === 'string' ? obj['type'] : '';
      let name = type;
      if (stixCategory(type) === 'custom') {
        // Custom objects: SDO-like when they carry created/modified, else SCO-like.
        name = 'created' in obj || 'spec_version' in obj ? 'core' : 'cyber-observable-core';
        if (name === 'core' && !('created' in obj)) name = 'cyber-observable-core';
      }
      const validate = compiled(name);
      if (!validate) return [{ path: base || '/', message: `no schema for type "${type}"`, rule: 'schema' }];
      if (validate(obj)) return [];
      return dedupe((validate.errors ?? []).map((e) => toIssue(e, base)));
    },
  };
}

function toIssue(e: ErrorObject, base: string): StixIssue {
  let where = e.instancePath;
  let message = e.message ?? 'is invalid';
  if (e.keyword === 'required') {
    const missing = (e.params as { missingProperty?: string }).missingProperty;
    message = `must have required property '${missing}'`;
  } else if (e.keyword === 'additionalProperties') {
    where += `/${(e.params as { additionalProperty?: string }).additionalProperty}`;
  } else if (e.keyword === 'enum') {
    message += `: ${JSON.stringify((e.params as { allowedValues?: unknown }).allowedValues)}`;
  }
  return { path: base + where || '/', message, rule: 'schema' };
}

function dedupe(issues: StixIssue[]): StixIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.path}\0${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
