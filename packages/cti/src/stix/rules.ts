/**
 * @module
 * The STIX 2.1 rules that the JSON schemas cannot express (listed in the schema repository's
 * README and the spec), checked in code with a JSON-pointer path for each problem:
 * required properties, id prefix = type, `modified` ≥ `created` and other time ranges,
 * reference target types, no self-referencing markings, granular selectors that resolve,
 * local references inside observed-data, custom objects and extensions with at least one custom
 * property, hash formats, MIME types, predefined TLP markings, and indicator patterns.
 */
import { parsePattern } from '../pattern/parser.js';
import type { PatternVersion } from '../pattern/ast.js';
import type { StixIssue } from './schema-validator.js';
import { TLP_V1_MARKINGS } from '../taxonomies/tlp.js';
import { checkIncidentCore, INCIDENT_CORE_EXTENSION_ID } from './incident-extension.js';
import { checkLanguages } from './lang-rules.js';
import { escapePointer } from './pointer.js';
import { COMMON_REQUIRED_20, REQUIRED_PROPS_20, type StixVersion } from './spec-20.js';
import {
  COMMON_REQUIRED,
  HASH_FORMATS,
  ID_PATTERN,
  idType,
  PREDEFINED_SCO_EXTENSIONS,
  REF_TARGETS,
  REQUIRED_PROPS,
  stixCategory,
  TIMESTAMP_PATTERN,
} from './vocab.js';

type Obj = Readonly<Record<string, unknown>>;

/**
 * Checks the code rules on one object; `base` is the object's JSON pointer in its document and
 * `version` the STIX version it is read as (2.0 objects come from 2.0 bundles).
 */
export function checkRules(obj: Obj, base = '', version: StixVersion = '2.1'): StixIssue[] {
  const issues: StixIssue[] = [];
  const add = (where: string, message: string, rule: string): void => {
    issues.push({ path: `${base}${where}` || '/', message, rule });
  };
  const type = typeof obj['type'] === 'string' ? obj['type'] : '';
  if (type === '') {
    add('/type', 'must have a string type', 'required');
    return issues;
  }
  const v20 = version === '2.0';
  const category = stixCategory(type);
  // STIX 2.0 has no top-level observables: every object there is SDO-like.
  const isSco = !v20 && (category === 'sco' || (category === 'custom' && !('created' in obj)));

  // required properties
  const required = v20
    ? requiredIn20(type)
    : isSco
      ? ['type', 'id', ...(REQUIRED_PROPS[type] ?? [])]
      : type === 'marking-definition'
        ? ['type', 'spec_version', 'id', 'created']
        : [...COMMON_REQUIRED, ...(REQUIRED_PROPS[type] ?? [])];
  for (const p of required) if (obj[p] === undefined) add('', `must have required property '${p}'`, 'required');

  // id: shape and prefix equal to the type (custom types included)
  const id = obj['id'];
  if (typeof id === 'string') {
    if (!ID_PATTERN.test(id)) add('/id', `"${id}" is not <type>--<uuid>`, 'id-format');
    else if (idType(id) !== type) add('/id', `id prefix "${idType(id)}" differs from type "${type}"`, 'id-type');
  }

  // timestamps and ranges
  for (const [k, v] of Object.entries(obj)) {
    // Any non-string (an object such as {"$gt": 1}, a number) is as invalid as a malformed string.
    if (isTimestampProperty(k) && (typeof v !== 'string' || !TIMESTAMP_PATTERN.test(v))) {
      add(`/${k}`, `${JSON.stringify(v)} is not a STIX timestamp`, 'timestamp');
    }
  }
  const order = (a: string, b: string, strict: boolean, rule: string): void => {
    const x = obj[a];
    const y = obj[b];
    if (typeof x !== 'string' || typeof y !== 'string') return;
    const tx = Date.parse(x);
    const ty = Date.parse(y);
    if (Number.isNaN(tx) || Number.isNaN(ty)) return;
    if (strict ? ty <= tx : ty < tx) add(`/${b}`, `${b} must be ${strict ? 'later than' : 'at or after'} ${a}`, rule);
  };
  order('created', 'modified', false, 'modified-before-created');
  order('valid_from', 'valid_until', true, 'time-range');
  order('first_seen', 'last_seen', false, 'time-range');
  order('first_observed', 'last_observed', false, 'time-range');
  order('start_time', 'stop_time', true, 'time-range');
  order('start', 'end', false, 'time-range');
  const n = obj['number_observed'];
  if (typeof n === 'number' && (!Number.isInteger(n) || n < 1 || n > 999_999_999)) {
    add('/number_observed', 'must be an integer from 1 to 999,999,999', 'range');
  }
  const conf = obj['confidence'];
  if (conf !== undefined && (typeof conf !== 'number' || !Number.isInteger(conf) || conf < 0 || conf > 100)) {
    add('/confidence', 'must be an integer from 0 to 100', 'range');
  }
  if (isSco && obj['spec_version'] !== undefined && obj['spec_version'] !== '2.1') {
    add('/spec_version', 'must be "2.1" on a cyber-observable', 'spec-version');
  }

  checkLanguages(obj, type, add);
  checkRefs(obj, type, category, add);
  checkMarkings(obj, type, add);
  if (!v20) checkExtensions(obj, type, isSco, add);
  checkHashes(obj, '', add);
  checkMime(obj, add);
  if (!v20 || V20_SPECIFIC.has(type)) checkTypeSpecific(obj, type, version, add);
  return issues;
}

/** The type-specific checks that hold in STIX 2.0 too. */
const V20_SPECIFIC = new Set(['indicator', 'marking-definition', 'observed-data']);

function requiredIn20(type: string): string[] {
  if (type === 'marking-definition') return ['type', 'id', 'created', 'definition_type', 'definition'];
  return [...COMMON_REQUIRED_20, ...(REQUIRED_PROPS_20[type] ?? [])];
}

type Add = (where: string, message: string, rule: string) => void;

function isTimestampProperty(k: string): boolean {
  return (
    k === 'created' ||
    k === 'modified' ||
    k === 'published' ||
    k === 'valid_from' ||
    k === 'valid_until' ||
    k === 'first_seen' ||
    k === 'last_seen' ||
    k === 'first_observed' ||
    k === 'last_observed' ||
    k === 'start_time' ||
    k === 'stop_time'
  );
}

function checkRefs(obj: Obj, type: string, category: string, add: Add): void {
  const rules = { ...REF_TARGETS['*'], ...REF_TARGETS[type] };
  for (const [prop, targets] of Object.entries(rules)) {
    const v = obj[prop];
    if (v === undefined) continue;
    const refs = Array.isArray(v) ? v : [v];
    refs.forEach((ref, i) => {
      const where = Array.isArray(v) ? `/${prop}/${i}` : `/${prop}`;
      if (typeof ref !== 'string' || !ID_PATTERN.test(ref)) {
        if (category !== 'sco' || !/^\d+$/.test(String(ref)))
          add(where, `"${String(ref)}" is not an identifier`, 'ref-format');
        return;
      }
      const t = idType(ref) ?? '';
      const c = stixCategory(t);
      const okType = targets.includes(t) || targets.includes(c);
      if (!okType) add(where, `${prop} must point to ${targets.join(' or ')}, not ${t}`, 'ref-type');
    });
  }
  // Any other *_ref / *_refs property must hold identifiers.
  for (const [k, v] of Object.entries(obj)) {
    if (!(k.endsWith('_ref') || k.endsWith('_refs')) || k in rules) continue;
    const refs = Array.isArray(v) ? v : [v];
    refs.forEach((ref, i) => {
      if (typeof ref === 'string' && (ID_PATTERN.test(ref) || /^\d+$/.test(ref))) return;
      add(Array.isArray(v) ? `/${k}/${i}` : `/${k}`, `"${String(ref)}" is not an identifier`, 'ref-format');
    });
  }
}

function checkMarkings(obj: Obj, type: string, add: Add): void {
  const id = obj['id'];
  const omr = obj['object_marking_refs'];
  if (type === 'marking-definition' && Array.isArray(omr) && omr.includes(id)) {
    add('/object_marking_refs', 'a marking definition must not mark itself', 'marking-circular');
  }
  const gm = obj['granular_markings'];
  if (!Array.isArray(gm)) return;
  gm.forEach((m: unknown, i) => {
    if (!m || typeof m !== 'object') return;
    const g = m as Record<string, unknown>;
    if (type === 'marking-definition' && g['marking_ref'] === id) {
      add(`/granular_markings/${i}/marking_ref`, 'a marking definition must not mark itself', 'marking-circular');
    }
    if (g['marking_ref'] === undefined && g['lang'] === undefined) {
      add(`/granular_markings/${i}`, 'needs marking_ref or lang', 'granular-marking');
    }
    const sel = g['selectors'];
    if (!Array.isArray(sel)) return;
    sel.forEach((s: unknown, j) => {
      if (typeof s !== 'string' || !selectorResolves(obj, s)) {
        add(
          `/granular_markings/${i}/selectors/${j}`,
          `selector "${String(s)}" does not resolve in the object`,
          'selector',
        );
      }
    });
  });
}

/** True when a granular-marking selector (`a.b.[0].c`) names something present in `obj`. */
export function selectorResolves(obj: unknown, selector: string): boolean {
  let cur: unknown = obj;
  for (const part of selector.split('.')) {
    const idx = /^\[(\d+)\]$/.exec(part);
    if (idx) {
      if (!Array.isArray(cur)) return false;
      cur = cur[Number(idx[1])];
    } else {
      if (!cur || typeof cur !== 'object' || Array.isArray(cur)) return false;
      cur = (cur as Record<string, unknown>)[part];
    }
    if (cur === undefined) return false;
  }
  return true;
}

const PREDEFINED_EXT = new Set<string>(PREDEFINED_SCO_EXTENSIONS);

function checkExtensions(obj: Obj, type: string, isSco: boolean, add: Add): void {
  const ext = obj['extensions'];
  if (ext !== undefined && (typeof ext !== 'object' || ext === null || Array.isArray(ext))) {
    add('/extensions', 'must be a dictionary', 'extension');
    return;
  }
  for (const [name, body] of Object.entries((ext ?? {}) as Record<string, unknown>)) {
    const where = `/extensions/${escapePointer(name)}`;
    const isDef = /^extension-definition--[0-9a-fA-F-]{36}$/.test(name);
    if (!isDef && !(isSco && PREDEFINED_EXT.has(name)) && !name.startsWith('x-')) {
      add(where, `"${name}" is neither a predefined extension nor an extension-definition id`, 'extension');
    }
    if (!body || typeof body !== 'object' || Object.keys(body).length === 0) {
      add(where, 'an extension must have at least one property', 'custom-empty');
    } else if (!isDef && !PREDEFINED_EXT.has(name)) {
      const custom = Object.keys(body).filter((k) => k !== 'extension_type');
      if (custom.length === 0) add(where, 'a custom extension must have at least one custom property', 'custom-empty');
    }
  }
  if (stixCategory(type) === 'custom' && isSco) {
    const own = Object.keys(obj).filter(
      (k) =>
        !['type', 'id', 'spec_version', 'object_marking_refs', 'granular_markings', 'defanged', 'extensions'].includes(
          k,
        ),
    );
    if (own.length === 0 && ext === undefined)
      add('', 'a custom observable must have at least one custom property', 'custom-empty');
  }
}

function checkHashes(obj: Obj, where: string, add: Add): void {
  for (const [k, v] of Object.entries(obj)) {
    if (!v || typeof v !== 'object') continue;
    if (k === 'hashes' && !Array.isArray(v)) {
      for (const [alg, value] of Object.entries(v as Record<string, unknown>)) {
        const re = HASH_FORMATS[alg];
        if (re && (typeof value !== 'string' || !re.test(value))) {
          add(`${where}/hashes/${escapePointer(alg)}`, `"${String(value)}" is not a valid ${alg} hash`, 'hash-format');
        }
      }
    } else if (k === 'extensions' || k === 'objects' || k === 'body_multipart') {
      for (const [sub, inner] of Object.entries(v as Record<string, unknown>)) {
        if (inner && typeof inner === 'object') checkHashes(inner as Obj, `${where}/${k}/${escapePointer(sub)}`, add);
      }
    }
  }
}

const MIME = /^[a-zA-Z0-9][a-zA-Z0-9!#$&^_.+-]{0,126}\/[a-zA-Z0-9][a-zA-Z0-9!#$&^_.+-]{0,126}(\s*;.*)?$/;

function checkMime(obj: Obj, add: Add): void {
  for (const k of ['mime_type', 'content_type']) {
    const v = obj[k];
    if (typeof v === 'string' && !MIME.test(v)) add(`/${k}`, `"${v}" is not a MIME type (type/subtype)`, 'mime-type');
  }
}

function checkTypeSpecific(obj: Obj, type: string, stixVersion: StixVersion, add: Add): void {
  switch (type) {
    case 'indicator': {
      const pattern = obj['pattern'];
      // 2.0 indicators have no pattern_type: their pattern is always a 2.0 STIX pattern.
      if ((stixVersion === '2.0' || obj['pattern_type'] === 'stix') && typeof pattern === 'string') {
        const pv = obj['pattern_version'];
        const version: PatternVersion = stixVersion === '2.0' || pv === '2.0' ? '2.0' : '2.1';
        const r = parsePattern(pattern, { version });
        if (!r.ok) add('/pattern', `invalid STIX pattern: ${r.reason.message}`, 'pattern');
      }
      break;
    }
    case 'marking-definition': {
      if (obj['definition_type'] === 'tlp') {
        const def = obj['definition'] as { tlp?: unknown } | undefined;
        const level = typeof def?.tlp === 'string' ? def.tlp : '';
        const expected = TLP_V1_MARKINGS[level as keyof typeof TLP_V1_MARKINGS];
        if (!expected) add('/definition/tlp', `"${level}" is not a TLP level`, 'tlp');
        else if (obj['id'] !== expected)
          add('/id', `TLP:${level.toUpperCase()} must use the predefined id ${expected}`, 'tlp');
      }
      if (obj['definition_type'] !== undefined && obj['definition'] === undefined) {
        add('', "must have required property 'definition'", 'required');
      }
      if (obj['definition'] === undefined && obj['extensions'] === undefined) {
        add('', 'needs definition_type and definition, or extensions', 'required');
      }
      break;
    }
    case 'incident': {
      const ext = (obj['extensions'] as Record<string, unknown> | undefined)?.[INCIDENT_CORE_EXTENSION_ID];
      if (ext && typeof ext === 'object') {
        for (const [p, m] of checkIncidentCore(ext as Obj)) {
          add(`/extensions/${INCIDENT_CORE_EXTENSION_ID}${p}`, m, 'incident-core');
        }
      }
      break;
    }
    case 'malware':
      if (obj['is_family'] === true && obj['name'] === undefined) {
        add('', "must have required property 'name' when is_family is true", 'required');
      }
      break;
    case 'location': {
      const hasLat = obj['latitude'] !== undefined;
      if (hasLat !== (obj['longitude'] !== undefined)) add('', 'latitude and longitude go together', 'location');
      if (!hasLat && obj['region'] === undefined && obj['country'] === undefined) {
        add('', 'needs region, country, or latitude and longitude', 'location');
      }
      if (obj['precision'] !== undefined && !hasLat)
        add('/precision', 'precision needs latitude and longitude', 'location');
      break;
    }
    case 'malware-analysis':
      if (obj['result'] === undefined && obj['analysis_sco_refs'] === undefined) {
        add('', 'needs result or analysis_sco_refs', 'required');
      }
      break;
    case 'observed-data':
      checkObservedData(obj, add);
      break;
    case 'file':
      if (obj['hashes'] === undefined && obj['name'] === undefined) add('', 'a file needs hashes or name', 'required');
      break;
    case 'artifact':
      if (obj['payload_bin'] !== undefined && obj['url'] !== undefined)
        add('', 'payload_bin and url are exclusive', 'artifact');
      if (obj['url'] !== undefined && obj['hashes'] === undefined)
        add('', 'an artifact with url needs hashes', 'artifact');
      if (obj['decryption_key'] !== undefined && obj['encryption_algorithm'] === undefined) {
        add('/decryption_key', 'decryption_key needs encryption_algorithm', 'artifact');
      }
      break;
    case 'network-traffic':
      if (obj['src_ref'] === undefined && obj['dst_ref'] === undefined) add('', 'needs src_ref or dst_ref', 'required');
      if (obj['is_active'] === true && obj['end'] !== undefined)
        add('/end', 'an active flow has no end', 'network-traffic');
      break;
    case 'email-message':
      if (obj['is_multipart'] === true && obj['body'] !== undefined)
        add('/body', 'a multipart message uses body_multipart', 'email');
      if (obj['is_multipart'] === false && obj['body_multipart'] !== undefined) {
        add('/body_multipart', 'body_multipart needs is_multipart true', 'email');
      }
      break;
    case 'process':
    case 'user-account':
    case 'windows-registry-key':
    case 'x509-certificate': {
      const own = Object.keys(obj).filter(
        (k) => !['type', 'id', 'spec_version', 'object_marking_refs', 'granular_markings', 'defanged'].includes(k),
      );
      if (own.length === 0) add('', `a ${type} needs at least one property besides type and id`, 'required');
      break;
    }
    default:
      break;
  }
}

function checkObservedData(obj: Obj, add: Add): void {
  const objects = obj['objects'];
  const refs = obj['object_refs'];
  if ((objects === undefined) === (refs === undefined))
    add('', 'needs exactly one of objects and object_refs', 'observed-data');
  if (!objects || typeof objects !== 'object') return;
  const keys = new Set(Object.keys(objects));
  for (const [key, sco] of Object.entries(objects as Record<string, unknown>)) {
    if (!sco || typeof sco !== 'object') continue;
    const s = sco as Record<string, unknown>;
    const where = `/objects/${escapePointer(key)}`;
    for (const [k, v] of Object.entries(s)) {
      if (!(k.endsWith('_ref') || k.endsWith('_refs'))) continue;
      const list = Array.isArray(v) ? v : [v];
      list.forEach((r, i) => {
        if (!keys.has(String(r))) {
          add(
            `${where}/${k}${Array.isArray(v) ? `/${i}` : ''}`,
            `local reference "${String(r)}" is not in objects`,
            'local-ref',
          );
        }
      });
    }
  }
}

export { escapePointer } from './pointer.js';
