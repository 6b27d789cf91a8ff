/**
 * @module
 * Best-practice (SHOULD) checks, reported as warnings beside the errors as the OASIS validator
 * (cti-stix-validator) reports them, under its check names: `custom-prefix` (custom types
 * `x-<source>-<name>`, custom properties `x_<source>_<name>`, custom SCO extensions), `uuid-check`
 * (UUIDv4 ids; UUIDv5 for cyber-observables other than process), `indicator-properties` (name and
 * description), `deprecated-properties`, `extref-hashes`, `network-traffic-ports`,
 * `observable-object-keys`, `malware-analysis-product`, the vocabulary checks of `vocab-checks.ts`,
 * and `duplicate-ids` across a bundle.
 */
import { escapePointer } from './pointer.js';
import type { SchemaValidator, StixIssue } from './schema-validator.js';
import type { StixVersion } from './spec-20.js';
import { checkVocabularies, type Warn } from './vocab-checks.js';
import { PREDEFINED_SCO_EXTENSIONS, stixCategory } from './vocab.js';

type Obj = Readonly<Record<string, unknown>>;

/** What the checks may consult. */
export interface PracticeContext {
  readonly version: StixVersion;
  /** The OASIS schemas: property lists and vocabularies; checks needing them are skipped without. */
  readonly schemas?: SchemaValidator;
}

const CUSTOM_TYPE = /^x-.+-.+$/;
const CUSTOM_PROPERTY = /^x_.+_.+$/;
const DEPRECATED: Readonly<Record<string, readonly string[]>> = { 'observed-data': ['objects'] };
const PREDEFINED_EXT = new Set<string>(PREDEFINED_SCO_EXTENSIONS);

/** The version digit of the UUID in a STIX id, or undefined. */
function uuidVersion(id: string): string | undefined {
  const uuid = id.split('--')[1];
  return uuid !== undefined && uuid.length === 36 ? uuid[14] : undefined;
}

/** An object carries a top-level property extension, whose properties need no prefix. */
function hasToplevelExtension(obj: Obj): boolean {
  const ext = obj['extensions'];
  if (!ext || typeof ext !== 'object') return false;
  return Object.values(ext as Record<string, unknown>).some(
    (e) =>
      !!e &&
      typeof e === 'object' &&
      (e as Record<string, unknown>)['extension_type'] === 'toplevel-property-extension',
  );
}

function checkCustomNames(obj: Obj, type: string, ctx: PracticeContext, warn: Warn): void {
  const category = stixCategory(type);
  if (category === 'custom' && !CUSTOM_TYPE.test(type)) {
    warn('/type', `custom type "${type}" should be x-<source>-<name>`, 'custom-prefix');
  }
  const defined = ctx.version === '2.1' ? ctx.schemas?.properties(type) : undefined;
  if (defined && !hasToplevelExtension(obj)) {
    for (const prop of Object.keys(obj)) {
      if (!defined.has(prop) && !CUSTOM_PROPERTY.test(prop)) {
        warn(`/${escapePointer(prop)}`, `custom property "${prop}" should be x_<source>_<name>`, 'custom-prefix');
      }
    }
  }
  const ext = obj['extensions'];
  if (category === 'sco' && ext && typeof ext === 'object') {
    for (const name of Object.keys(ext)) {
      if (PREDEFINED_EXT.has(name) || name.startsWith('extension-definition--') || CUSTOM_TYPE.test(name)) continue;
      warn(
        `/extensions/${escapePointer(name)}`,
        `custom extension "${name}" should be x-<source>-<name>`,
        'custom-prefix',
      );
    }
  }
}

function checkId(obj: Obj, type: string, ctx: PracticeContext, warn: Warn): void {
  const id = obj['id'];
  if (typeof id !== 'string') return;
  const v = uuidVersion(id);
  if (v === undefined) return;
  const deterministic = ctx.version === '2.1' && stixCategory(type) === 'sco' && type !== 'process';
  if (deterministic && v !== '5') warn('/id', `a cyber-observable id should be a UUIDv5 (${id})`, 'uuid-check');
  else if (!deterministic && v !== '4') warn('/id', `the id should be a UUIDv4 (${id})`, 'uuid-check');
}

function checkObjectSpecific(obj: Obj, type: string, warn: Warn): void {
  for (const p of DEPRECATED[type] ?? []) {
    if (obj[p] !== undefined) warn(`/${p}`, `"${p}" is deprecated in STIX 2.1`, 'deprecated-properties');
  }
  if (type === 'indicator' && (obj['name'] === undefined || obj['description'] === undefined)) {
    warn('', 'an indicator should have both name and description', 'indicator-properties');
  }
  if (type === 'network-traffic' && (obj['src_port'] === undefined || obj['dst_port'] === undefined)) {
    warn('', 'network-traffic should have both src_port and dst_port', 'network-traffic-ports');
  }
  const product = obj['product'];
  if (type === 'malware-analysis' && typeof product === 'string' && !/^[a-z0-9-]+$/.test(product)) {
    warn('/product', 'product should be lowercase words separated by hyphens', 'malware-analysis-product');
  }
  const objects = obj['objects'];
  if (type === 'observed-data' && objects && typeof objects === 'object' && !Array.isArray(objects)) {
    for (const key of Object.keys(objects)) {
      if (!/^\d+$/.test(key))
        warn(
          `/objects/${escapePointer(key)}`,
          `key "${key}" should be a non-negative integer`,
          'observable-object-keys',
        );
    }
  }
  const refs = obj['external_references'];
  if (Array.isArray(refs)) {
    refs.forEach((r: unknown, i) => {
      if (!r || typeof r !== 'object') return;
      const e = r as Record<string, unknown>;
      if (e['url'] !== undefined && e['hashes'] === undefined) {
        warn(`/external_references/${i}`, 'an external reference with a url should have hashes', 'extref-hashes');
      }
    });
  }
}

/**
 * Best-practice warnings for one object; `base` is its JSON pointer in the document.
 *
 * @example
 * checkBestPractices(indicator, '/objects/0', { version: '2.1', schemas })
 *   .map((w) => w.rule); // ['indicator-properties', 'uuid-check']
 */
export function checkBestPractices(obj: Obj, base: string, ctx: PracticeContext): StixIssue[] {
  const out: StixIssue[] = [];
  const warn: Warn = (where, message, rule) => out.push({ path: `${base}${where}` || '/', message, rule });
  const type = typeof obj['type'] === 'string' ? obj['type'] : '';
  if (type === '') return out;
  checkCustomNames(obj, type, ctx, warn);
  checkId(obj, type, ctx, warn);
  checkObjectSpecific(obj, type, warn);
  checkVocabularies(obj, type, ctx.schemas, warn);
  return out;
}

/** `duplicate-ids`: two objects of a bundle with the same id should differ in `modified`. */
export function checkDuplicateIds(objects: readonly unknown[], base: string): StixIssue[] {
  const out: StixIssue[] = [];
  const seen = new Map<string, number>();
  objects.forEach((o, i) => {
    if (!o || typeof o !== 'object') return;
    const { id, modified } = o as Record<string, unknown>;
    if (typeof id !== 'string' || typeof modified !== 'string') return;
    const key = `${id}\0${modified}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else
      out.push({
        path: `${base}/objects/${i}`,
        message: `same id and modified as /objects/${first}: versions of an object should differ in modified`,
        rule: 'duplicate-ids',
      });
  });
  return out;
}
