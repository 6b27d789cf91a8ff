/**
 * @module
 * MISP event → STIX 2.1 bundle. The event becomes a `report`; each attribute an `indicator`
 * (when `to_ids` and mappable), an `observed-data` with its SCOs (mappable, not for detection) or
 * an `x-misp-attribute`; each MISP object an `x-misp-object` grouping its attributes; galaxy
 * clusters the matching SDOs (threat-actor, attack-pattern, malware, tool, intrusion-set, or
 * `x-misp-galaxy-cluster`); sightings `sighting` objects. Tags travel as `labels` and TLP tags
 * also as TLP 2.0 markings. MISP specifics (`x_misp_type`, `x_misp_category`, ...) are kept as
 * custom properties so `stixToMisp` restores the event.
 */
import { v5 as uuidv5, validate as isUuid } from 'uuid';
import { parseIPv4 } from '../indicators/ip.js';
import type { PathStep } from '../pattern/ast.js';
import { scoId } from '../stix/sco-id.js';
import { normaliseTlp, tlpMarkingDefinition, TLP_V2_MARKINGS, type TlpLevel } from '../taxonomies/tlp.js';
import { MISP_TYPE_MAP, partSteps, patternString, REF_OBJECT, splitValue, type MispPart } from './mapping.js';
import type { MispAttribute, MispEvent, MispGalaxy, MispObject, MispTag } from './types.js';

/** Namespace for ids derived from MISP content when a uuid is missing. */
const MISP_NAMESPACE = '4f0cb1d4-6b5e-5a6b-9b0e-2f3c6d7e8f90';

type Obj = Record<string, unknown>;

function iso(epochSeconds: string | undefined, fallback: string): string {
  const n = epochSeconds === undefined ? NaN : Number(epochSeconds);
  return Number.isFinite(n) && n > 0 ? new Date(n * 1000).toISOString() : fallback;
}

function stixId(type: string, uuid: string | undefined, seed: string): string {
  return `${type}--${uuid && isUuid(uuid) ? uuid.toLowerCase() : uuidv5(seed, MISP_NAMESPACE)}`;
}

const GALAXY_TYPES: Readonly<Record<string, string>> = {
  'threat-actor': 'threat-actor',
  'mitre-attack-pattern': 'attack-pattern',
  'attack-pattern': 'attack-pattern',
  'mitre-intrusion-set': 'intrusion-set',
  'intrusion-set': 'intrusion-set',
  tool: 'tool',
  'mitre-tool': 'tool',
  'mitre-malware': 'malware',
  malpedia: 'malware',
  ransomware: 'malware',
  botnet: 'malware',
  rat: 'malware',
  banker: 'malware',
  stealer: 'malware',
  'exploit-kit': 'tool',
};

/** Context shared while converting one event. */
interface Ctx {
  readonly out: Obj[];
  readonly created: string;
  readonly createdBy: string | undefined;
  readonly markings: Set<string>;
  readonly scos: Map<string, Obj>;
  /** Ids of the galaxy clusters already emitted. */
  readonly clusters: Set<string>;
}

function tagNames(tags: readonly MispTag[] | undefined): string[] {
  return (tags ?? []).map((t) => t.name);
}

function markingsOf(tags: readonly string[], ctx: Ctx): string[] {
  const out: string[] = [];
  for (const t of tags) {
    const level = normaliseTlp(t);
    if (level) {
      out.push(TLP_V2_MARKINGS[level]);
      ctx.markings.add(level);
    }
  }
  return out;
}

function common(ctx: Ctx, tags: string[], modified: string): Obj {
  const o: Obj = { spec_version: '2.1', created: ctx.created <= modified ? ctx.created : modified, modified };
  if (ctx.createdBy) o['created_by_ref'] = ctx.createdBy;
  if (tags.length > 0) o['labels'] = tags;
  const marks = markingsOf(tags, ctx);
  if (marks.length > 0) o['object_marking_refs'] = marks;
  return o;
}

/** The object type of a part for a given value (`ip` → ipv4-addr or ipv6-addr). */
function partType(part: MispPart, value: string): string {
  if (part.obj !== 'ip') return part.obj;
  return parseIPv4(value) === undefined && value.includes(':') ? 'ipv6-addr' : 'ipv4-addr';
}

/** The STIX pattern of a mappable attribute, or undefined. */
export function attributePattern(type: string, value: string): string | undefined {
  const parts = MISP_TYPE_MAP[type];
  const values = splitValue(type, value);
  if (!parts || !values) return undefined;
  const tests: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as MispPart;
    const v = values[i] as string;
    if (part.numeric && !/^\d+$/.test(v)) return undefined;
    tests.push(`${partType(part, v)}:${part.path} = ${part.numeric ? v : patternString(v)}`);
  }
  return `[${tests.join(' AND ')}]`;
}

/** Builds the SCOs of a mappable attribute; returns their ids (roots first) or undefined. */
function attributeScos(type: string, value: string, ctx: Ctx): string[] | undefined {
  const parts = MISP_TYPE_MAP[type];
  const values = splitValue(type, value);
  if (!parts || !values) return undefined;
  const roots = new Map<string, Obj>();
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as MispPart;
    const v = values[i] as string;
    if (part.numeric && !/^\d+$/.test(v)) return undefined;
    const rootType = partType(part, v);
    let root = roots.get(rootType);
    if (!root) {
      root = { type: rootType };
      roots.set(rootType, root);
    }
    setPath(root, partSteps(part), part.numeric ? Number(v) : v);
  }
  const ids: string[] = [];
  for (const o of roots.values()) finishSco(o, ctx, ids);
  return ids;
}

function finishSco(o: Obj, ctx: Ctx, collected: string[]): void {
  // Referenced objects are finished first so their ids exist when the referrer is hashed.
  for (const [k, v] of Object.entries(o)) {
    if (k.endsWith('_ref') && v && typeof v === 'object') {
      finishSco(v as Obj, ctx, collected);
      o[k] = (v as Obj)['id'];
    } else if (k.endsWith('_refs') && Array.isArray(v)) {
      o[k] = v.map((x: unknown) => {
        if (x && typeof x === 'object') {
          finishSco(x as Obj, ctx, collected);
          return (x as Obj)['id'];
        }
        return x;
      });
    }
  }
  if (o['id'] === undefined) {
    if (o['type'] === 'network-traffic' && o['protocols'] === undefined) o['protocols'] = ['ipv4'];
    o['spec_version'] = '2.1';
    o['id'] = scoId(String(o['type']), o);
  }
  const id = String(o['id']);
  if (!collected.includes(id)) collected.push(id);
  if (!ctx.scos.has(id)) {
    ctx.scos.set(id, o);
    ctx.out.push(o);
  }
}

function setPath(root: Obj, steps: readonly PathStep[], value: unknown): void {
  let cur: Obj = root;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    const next = steps[i + 1];
    if (!step || step.kind !== 'key') continue;
    const last = next === undefined;
    if (last) {
      cur[step.key] = value;
      return;
    }
    const refType = REF_OBJECT[step.key];
    if (refType) {
      const type =
        refType === 'ip' ? (typeof value === 'string' && value.includes(':') ? 'ipv6-addr' : 'ipv4-addr') : refType;
      const target: Obj = { type };
      if (step.key.endsWith('_refs')) cur[step.key] = [target];
      else cur[step.key] = target;
      cur = target;
      if (next.kind === 'index') i++;
      continue;
    }
    if (next.kind === 'index') {
      const item: Obj = {};
      cur[step.key] = [item];
      cur = item;
      i++;
      continue;
    }
    const child = (cur[step.key] as Obj | undefined) ?? {};
    cur[step.key] = child;
    cur = child;
  }
}

function misp(attr: MispAttribute): Obj {
  const o: Obj = { x_misp_type: attr.type };
  if (attr.category !== undefined) o['x_misp_category'] = attr.category;
  if (attr.comment !== undefined && attr.comment !== '') o['x_misp_comment'] = attr.comment;
  if (attr.object_relation) o['x_misp_object_relation'] = attr.object_relation;
  if (attr.uuid) o['x_misp_uuid'] = attr.uuid;
  return o;
}

function convertAttribute(attr: MispAttribute, seed: string, ctx: Ctx, objectUuid?: string): string {
  const value = attr.value;
  const tags = tagNames(attr.Tag);
  const modified = iso(attr.timestamp, ctx.created);
  const base: Obj = {
    ...common(ctx, tags, modified),
    ...misp(attr),
    ...(objectUuid ? { x_misp_object_uuid: objectUuid } : {}),
  };
  const pattern = attributePattern(attr.type, value);
  let o: Obj;
  if (attr.to_ids === true && pattern) {
    o = {
      type: 'indicator',
      id: stixId('indicator', attr.uuid, seed),
      ...base,
      pattern,
      pattern_type: 'stix',
      pattern_version: '2.1',
      valid_from: attr.first_seen ? new Date(attr.first_seen).toISOString() : String(base['created']),
      ...(attr.last_seen ? { valid_until: new Date(Date.parse(attr.last_seen) + 1).toISOString() } : {}),
      indicator_types: ['malicious-activity'],
      x_misp_to_ids: true,
    };
  } else {
    const refs = pattern ? attributeScos(attr.type, value, ctx) : undefined;
    if (refs) {
      o = {
        type: 'observed-data',
        id: stixId('observed-data', attr.uuid, seed),
        ...base,
        first_observed: attr.first_seen ? new Date(attr.first_seen).toISOString() : String(base['created']),
        last_observed: attr.last_seen ? new Date(attr.last_seen).toISOString() : String(base['modified']),
        number_observed: 1,
        object_refs: refs,
        x_misp_to_ids: attr.to_ids === true,
      };
    } else {
      o = {
        type: 'x-misp-attribute',
        id: stixId('x-misp-attribute', attr.uuid, seed),
        ...base,
        x_misp_value: value,
        x_misp_to_ids: attr.to_ids === true,
      };
    }
  }
  ctx.out.push(o);
  for (const [i, s] of (attr.Sighting ?? []).entries()) {
    const when = iso(s.date_sighting ?? s.timestamp, modified);
    ctx.out.push({
      type: 'sighting',
      id: stixId('sighting', s.uuid, `${seed}/sighting/${i}`),
      spec_version: '2.1',
      created: when,
      modified: when,
      sighting_of_ref: o['id'],
      first_seen: when,
      last_seen: when,
      count: 1,
      ...(s.type !== undefined ? { x_misp_sighting_type: s.type } : {}),
      ...(s.source ? { x_misp_source: s.source } : {}),
    });
  }
  return String(o['id']);
}

function convertObject(obj: MispObject, seed: string, ctx: Ctx): string {
  const uuid = obj.uuid;
  const members = obj.Attribute.map((a, i) => convertAttribute(a, `${seed}/attr/${i}`, ctx, uuid));
  const modified = iso(obj.timestamp, ctx.created);
  const o: Obj = {
    type: 'x-misp-object',
    id: stixId('x-misp-object', uuid, seed),
    ...common(ctx, [], modified),
    name: obj.name,
    object_refs: members,
    ...(obj['meta-category'] ? { x_misp_meta_category: obj['meta-category'] } : {}),
    ...(obj.template_uuid ? { x_misp_template_uuid: obj.template_uuid } : {}),
    ...(obj.template_version ? { x_misp_template_version: obj.template_version } : {}),
    ...(obj.description ? { description: obj.description } : {}),
    ...(obj.comment ? { x_misp_comment: obj.comment } : {}),
    ...(uuid ? { x_misp_uuid: uuid } : {}),
    ...(obj.ObjectReference && obj.ObjectReference.length > 0
      ? {
          x_misp_references: obj.ObjectReference.map((r) => ({
            referenced_uuid: r.referenced_uuid,
            relationship_type: r.relationship_type,
            ...(r.comment ? { comment: r.comment } : {}),
          })),
        }
      : {}),
  };
  ctx.out.push(o);
  return String(o['id']);
}

/**
 * The id of a galaxy cluster. MISP events reuse one cluster uuid for several clusters (old
 * exports put the galaxy's uuid on each), so the id is a UUIDv5 over what tells clusters apart:
 * galaxy type, uuid and value. The MISP uuid itself travels in `x_misp_uuid`.
 */
function clusterId(type: string, galaxyType: string, uuid: string | undefined, value: string): string {
  return `${type}--${uuidv5(JSON.stringify(['galaxy-cluster', galaxyType, uuid ?? '', value]), MISP_NAMESPACE)}`;
}

function convertGalaxy(g: MispGalaxy, ctx: Ctx): string[] {
  return g.GalaxyCluster.map((c) => {
    const type = GALAXY_TYPES[g.type] ?? 'x-misp-galaxy-cluster';
    const id = clusterId(type, g.type, c.uuid, c.value);
    // The same cluster listed twice in one event is one object.
    if (ctx.clusters.has(id)) return id;
    ctx.clusters.add(id);
    ctx.out.push({
      type,
      id,
      ...common(ctx, c.tag_name ? [c.tag_name] : [], ctx.created),
      name: c.value,
      ...(c.description ? { description: c.description } : {}),
      ...(type === 'malware' ? { is_family: true } : {}),
      x_misp_galaxy_type: g.type,
      ...(g.name ? { x_misp_galaxy_name: g.name } : {}),
      ...(c.meta ? { x_misp_meta: c.meta } : {}),
      ...(c.uuid ? { x_misp_uuid: c.uuid } : {}),
    });
    return id;
  });
}

/** Converts one MISP event to a STIX 2.1 bundle (report plus everything it references). */
export function mispToStix(event: MispEvent): { type: 'bundle'; id: string; objects: Obj[] } {
  const seed = event.uuid ?? `${event.info}/${event.date ?? ''}`;
  const created = iso(event.timestamp, event.date ? `${event.date}T00:00:00.000Z` : '1970-01-01T00:00:00.000Z');
  const ctx: Ctx = {
    out: [],
    created,
    createdBy: undefined,
    markings: new Set<TlpLevel>(),
    scos: new Map(),
    clusters: new Set(),
  };
  const orgId = event.Orgc?.name ? stixId('identity', event.Orgc.uuid, `org/${event.Orgc.name}`) : undefined;
  const ctxWithOrg: Ctx = { ...ctx, createdBy: orgId };
  if (orgId) {
    ctx.out.push({
      type: 'identity',
      id: orgId,
      spec_version: '2.1',
      created,
      modified: created,
      name: event.Orgc?.name,
      identity_class: 'organization',
    });
  }
  const refs: string[] = [];
  event.Attribute.forEach((a, i) => refs.push(convertAttribute(a, `${seed}/attr/${i}`, ctxWithOrg)));
  event.Object.forEach((o, i) => refs.push(convertObject(o, `${seed}/obj/${i}`, ctxWithOrg)));
  for (const g of event.Galaxy ?? []) refs.push(...convertGalaxy(g, ctxWithOrg));
  const tags = tagNames(event.Tag);
  const published = iso(event.publish_timestamp, event.date ? `${event.date}T00:00:00.000Z` : created);
  const report: Obj = {
    type: 'report',
    id: stixId('report', event.uuid, seed),
    ...common(ctxWithOrg, tags, created),
    name: event.info || '(no title)',
    published,
    report_types: ['threat-report'],
    object_refs: refs.length > 0 ? [...new Set(refs)] : [orgId ?? stixId('identity', undefined, `${seed}/anon`)],
    ...(event.threat_level_id !== undefined ? { x_misp_threat_level_id: event.threat_level_id } : {}),
    ...(event.analysis !== undefined ? { x_misp_analysis: event.analysis } : {}),
    ...(event.date !== undefined ? { x_misp_date: event.date } : {}),
    ...(event.uuid ? { x_misp_uuid: event.uuid } : {}),
    ...(event.published !== undefined ? { x_misp_published: event.published } : {}),
  };
  const markings = [...ctx.markings].map((l) => tlpMarkingDefinition(l as TlpLevel));
  const objects = [report, ...ctx.out, ...markings];
  return { type: 'bundle', id: stixId('bundle', undefined, `bundle/${seed}/${created}`), objects };
}
