/**
 * @module
 * STIX 2.1 → MISP event, the inverse of `mispToStix`. Objects carrying `x_misp_*` properties
 * restore their attribute exactly (value from the pattern or the SCOs, type, category, tags);
 * foreign STIX is mapped by shape: reducible indicator patterns become ip-dst, domain, url,
 * email or hash attributes, other patterns `stix2-pattern` attributes.
 */
import { reducePattern } from '../indicators/from-stix.js';
import { hashAlgorithm } from '../indicators/normalise.js';
import type { Literal } from '../pattern/ast.js';
import { resolvePath } from '../pattern/compare.js';
import { comparisons, parsePattern } from '../pattern/parser.js';
import { MISP_TYPE_MAP, partSteps, type MispPart } from './mapping.js';
import type { MispAttribute, MispEvent, MispGalaxy, MispObject, MispSighting } from './types.js';

type Obj = Record<string, unknown>;

const uuidOf = (id: unknown): string => String(id).split('--')[1] ?? '';
const seconds = (ts: unknown): string | undefined =>
  typeof ts === 'string' && !Number.isNaN(Date.parse(ts)) ? String(Math.floor(Date.parse(ts) / 1000)) : undefined;

function literalText(v: Literal | readonly Literal[] | undefined): string | undefined {
  if (v === undefined || Array.isArray(v)) return undefined;
  const l = v as Literal;
  return l.kind === 'int' || l.kind === 'float' ? l.text : String(l.value);
}

function matchesPart(part: MispPart, objectType: string): boolean {
  return part.obj === 'ip' ? objectType === 'ipv4-addr' || objectType === 'ipv6-addr' : part.obj === objectType;
}

/** The MISP value of a mapped type from a pattern, or undefined. */
function valueFromPattern(type: string, pattern: string): string | undefined {
  const parts = MISP_TYPE_MAP[type];
  const r = parsePattern(pattern);
  if (!parts || !r.ok) return undefined;
  const cs = comparisons(r.value.root);
  const out: string[] = [];
  for (const part of parts) {
    const want = JSON.stringify(partSteps(part));
    const c = cs.find((x) => matchesPart(part, x.path.objectType) && JSON.stringify(x.path.steps) === want);
    const v = c ? literalText(c.value) : undefined;
    if (v === undefined) return undefined;
    out.push(v);
  }
  return out.join('|');
}

/** The MISP value of a mapped type from observed SCOs, or undefined. */
function valueFromScos(type: string, refs: readonly string[], byId: ReadonlyMap<string, Obj>): string | undefined {
  const parts = MISP_TYPE_MAP[type];
  if (!parts) return undefined;
  const out: string[] = [];
  for (const part of parts) {
    let found: string | undefined;
    for (const ref of refs) {
      const o = byId.get(ref);
      if (!o || !matchesPart(part, String(o['type']))) continue;
      const vals = resolvePath(o, partSteps(part), (id) => byId.get(id));
      if (vals.length > 0) {
        found = String(vals[0]);
        break;
      }
    }
    if (found === undefined) return undefined;
    out.push(found);
  }
  return out.join('|');
}

function foreignIndicator(pattern: string): { type: string; value: string } {
  const r = parsePattern(pattern);
  const simple = r.ok ? reducePattern(r.value) : undefined;
  const one = simple?.length === 1 ? simple[0] : undefined;
  if (one) {
    switch (one.kind) {
      case 'ip':
        return { type: 'ip-dst', value: one.value };
      case 'domain':
        return { type: 'domain', value: one.value };
      case 'url':
        return { type: 'url', value: one.value };
      case 'email':
        return { type: 'email', value: one.value };
      case 'hash': {
        const alg = hashAlgorithm(one.value);
        return {
          type: alg === 'MD5' ? 'md5' : alg === 'SHA-1' ? 'sha1' : alg === 'SHA-512' ? 'sha512' : 'sha256',
          value: one.value,
        };
      }
      default:
        break;
    }
  }
  return { type: 'stix2-pattern', value: pattern };
}

function attributeOf(o: Obj, byId: ReadonlyMap<string, Obj>): MispAttribute | undefined {
  const mispType = typeof o['x_misp_type'] === 'string' ? o['x_misp_type'] : undefined;
  let type = mispType;
  let value: string | undefined;
  if (o['type'] === 'indicator' && typeof o['pattern'] === 'string') {
    if (type) value = valueFromPattern(type, o['pattern']);
    if (value === undefined) ({ type, value } = foreignIndicator(o['pattern']));
  } else if (o['type'] === 'observed-data' && type) {
    value = valueFromScos(type, (o['object_refs'] as string[] | undefined) ?? [], byId);
  } else if (o['type'] === 'x-misp-attribute' && typeof o['x_misp_value'] === 'string') {
    value = o['x_misp_value'];
  }
  if (type === undefined || value === undefined) return undefined;
  const labels = Array.isArray(o['labels']) ? (o['labels'] as string[]) : [];
  const attr: Record<string, unknown> = {
    uuid: typeof o['x_misp_uuid'] === 'string' ? o['x_misp_uuid'] : uuidOf(o['id']),
    type,
    category: typeof o['x_misp_category'] === 'string' ? o['x_misp_category'] : 'External analysis',
    value,
    to_ids: o['x_misp_to_ids'] === true || (o['type'] === 'indicator' && o['x_misp_to_ids'] !== false),
    comment: typeof o['x_misp_comment'] === 'string' ? o['x_misp_comment'] : '',
    Tag: labels.map((name) => ({ name })),
  };
  const ts = seconds(o['modified']);
  if (ts) attr['timestamp'] = ts;
  if (typeof o['x_misp_object_relation'] === 'string') attr['object_relation'] = o['x_misp_object_relation'];
  return attr as MispAttribute;
}

/** Converts a STIX bundle (or object list) to MISP events, one per report (or one for all). */
export function stixToMisp(input: unknown): MispEvent[] {
  const objects: Obj[] = [];
  const collect = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(collect);
    else if (x && typeof x === 'object') {
      const o = x as Obj;
      if (o['type'] === 'bundle') collect(o['objects']);
      else objects.push(o);
    }
  };
  collect(input);
  const byId = new Map(objects.map((o) => [String(o['id']), o]));
  const reports = objects.filter((o) => o['type'] === 'report');
  const groups =
    reports.length > 0
      ? reports.map((r) => ({ report: r as Obj | undefined, refs: (r['object_refs'] as string[]) ?? [] }))
      : [{ report: undefined, refs: objects.map((o) => String(o['id'])) }];
  return groups.map(({ report, refs }) => eventOf(report, refs, byId, objects));
}

function eventOf(
  report: Obj | undefined,
  refs: readonly string[],
  byId: ReadonlyMap<string, Obj>,
  all: readonly Obj[],
): MispEvent {
  const attrs: MispAttribute[] = [];
  const mispObjects: MispObject[] = [];
  const galaxies = new Map<string, MispGalaxy>();
  const attrIdToAttr = new Map<string, MispAttribute>();
  const inObject = new Set<string>();
  for (const ref of refs) {
    const o = byId.get(ref);
    if (o?.['type'] === 'x-misp-object') for (const m of (o['object_refs'] as string[]) ?? []) inObject.add(m);
  }
  for (const ref of refs) {
    const o = byId.get(ref);
    if (!o) continue;
    if (o['type'] === 'x-misp-object') {
      const members = ((o['object_refs'] as string[]) ?? [])
        .map((m) => {
          const mo = byId.get(m);
          const a = mo ? attributeOf(mo, byId) : undefined;
          if (a) attrIdToAttr.set(m, a);
          return a;
        })
        .filter((a): a is MispAttribute => a !== undefined);
      const obj: Record<string, unknown> = {
        uuid: typeof o['x_misp_uuid'] === 'string' ? o['x_misp_uuid'] : uuidOf(o['id']),
        name: String(o['name']),
        Attribute: members,
      };
      if (typeof o['x_misp_meta_category'] === 'string') obj['meta-category'] = o['x_misp_meta_category'];
      if (typeof o['x_misp_template_uuid'] === 'string') obj['template_uuid'] = o['x_misp_template_uuid'];
      if (o['x_misp_template_version'] !== undefined) obj['template_version'] = String(o['x_misp_template_version']);
      if (typeof o['description'] === 'string') obj['description'] = o['description'];
      if (Array.isArray(o['x_misp_references'])) obj['ObjectReference'] = o['x_misp_references'];
      mispObjects.push(obj as MispObject);
      continue;
    }
    if (inObject.has(ref)) continue;
    const a = attributeOf(o, byId);
    if (a) {
      attrs.push(a);
      attrIdToAttr.set(ref, a);
      continue;
    }
    if (typeof o['x_misp_galaxy_type'] === 'string') {
      const gt = o['x_misp_galaxy_type'];
      const g = galaxies.get(gt) ?? {
        type: gt,
        name: typeof o['x_misp_galaxy_name'] === 'string' ? o['x_misp_galaxy_name'] : gt,
        GalaxyCluster: [],
      };
      const labels = (o['labels'] as string[] | undefined) ?? [];
      g.GalaxyCluster.push({
        uuid: typeof o['x_misp_uuid'] === 'string' ? o['x_misp_uuid'] : uuidOf(o['id']),
        type: gt,
        value: String(o['name']),
        ...(labels[0] ? { tag_name: labels[0] } : {}),
        ...(typeof o['description'] === 'string' ? { description: o['description'] } : {}),
        ...(o['x_misp_meta'] && typeof o['x_misp_meta'] === 'object'
          ? { meta: o['x_misp_meta'] as Record<string, unknown> }
          : {}),
      });
      galaxies.set(gt, g);
    }
  }
  for (const s of all) {
    if (s['type'] !== 'sighting') continue;
    const target = attrIdToAttr.get(String(s['sighting_of_ref']));
    if (!target) continue;
    const sighting: MispSighting = {
      uuid: uuidOf(s['id']),
      type: typeof s['x_misp_sighting_type'] === 'string' ? s['x_misp_sighting_type'] : '0',
      ...(seconds(s['last_seen']) ? { date_sighting: seconds(s['last_seen']) as string } : {}),
      ...(typeof s['x_misp_source'] === 'string' ? { source: s['x_misp_source'] } : {}),
    };
    (target as { Sighting?: MispSighting[] }).Sighting = [...(target.Sighting ?? []), sighting];
  }
  const labels = Array.isArray(report?.['labels']) ? (report['labels'] as string[]) : [];
  const event: Record<string, unknown> = {
    uuid:
      typeof report?.['x_misp_uuid'] === 'string' ? report['x_misp_uuid'] : report ? uuidOf(report['id']) : undefined,
    info: typeof report?.['name'] === 'string' ? report['name'] : 'STIX import',
    Tag: labels.map((name) => ({ name })),
    Attribute: attrs,
    Object: mispObjects,
  };
  if (typeof report?.['x_misp_date'] === 'string') event['date'] = report['x_misp_date'];
  else if (typeof report?.['published'] === 'string') event['date'] = report['published'].slice(0, 10);
  if (report?.['x_misp_threat_level_id'] !== undefined)
    event['threat_level_id'] = String(report['x_misp_threat_level_id']);
  if (report?.['x_misp_analysis'] !== undefined) event['analysis'] = String(report['x_misp_analysis']);
  const ts = seconds(report?.['modified']);
  if (ts) event['timestamp'] = ts;
  if (galaxies.size > 0) event['Galaxy'] = [...galaxies.values()];
  if (event['uuid'] === undefined) delete event['uuid'];
  return event as MispEvent;
}
