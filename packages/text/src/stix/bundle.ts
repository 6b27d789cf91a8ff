/**
 * @module
 * A report's STIX 2.1 bundle: the `report` with `object_refs` to everything below, indicators
 * with STIX patterns (registry hives spelled out, strings escaped), `vulnerability` objects for
 * CVE ids, `attack-pattern`s with their ATT&CK external reference, `intrusion-set`, `malware`,
 * `tool` and `campaign` objects for the names, and relationships (`uses` from each actor to each
 * technique, `indicates` from indicators to the malware or group the report names, `targets`
 * from actors to vulnerabilities). Every object carries the report's TLP marking. ATT&CK
 * objects have ids derived from their ATT&CK id, so reports share them.
 */
import { TLP_V2_MARKINGS, tlpMarkingDefinition, type TlpLevel } from '@intersoc/cti';
import type { IocType } from '../iocs/types.js';
import type { ExtractedItem } from '../reports/types.js';
import { stixId } from './ids.js';

/** What the bundle is made from. */
export interface BundleInput {
  /** Stable report key (the SHA-256 of its bytes). */
  readonly key: string;
  readonly name: string;
  readonly description?: string;
  readonly tlp: TlpLevel;
  /** Time of this version, ISO 8601. */
  readonly modified: string;
  /** First version's time, ISO 8601. */
  readonly created: string;
  /** Items to publish (rejected ones already left out). */
  readonly items: readonly ExtractedItem[];
  /** Sentence text of an item, for descriptions. */
  readonly sentenceOf?: (item: ExtractedItem) => string;
  /** Id of the identity that authored it, when known. */
  readonly createdBy?: string;
}

/** A STIX object (as plain JSON). */
export type StixJson = Record<string, unknown>;

const ATTACK_TIME = '2018-01-01T00:00:00.000Z';

const HIVES: Readonly<Record<string, string>> = {
  HKLM: 'HKEY_LOCAL_MACHINE',
  HKCU: 'HKEY_CURRENT_USER',
  HKCR: 'HKEY_CLASSES_ROOT',
  HKU: 'HKEY_USERS',
  HKCC: 'HKEY_CURRENT_CONFIG',
};

const quote = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The STIX pattern of an indicator value, or undefined for types that are not indicators (CVE). */
export function patternOf(type: IocType, value: string): string | undefined {
  switch (type) {
    case 'ipv4-addr':
    case 'ipv6-addr':
    case 'domain-name':
    case 'url':
    case 'email-addr':
      return `[${type}:value = ${quote(value)}]`;
    case 'md5':
      return `[file:hashes.MD5 = ${quote(value)}]`;
    case 'sha1':
      return `[file:hashes.'SHA-1' = ${quote(value)}]`;
    case 'sha256':
      return `[file:hashes.'SHA-256' = ${quote(value)}]`;
    case 'sha512':
      return `[file:hashes.'SHA-512' = ${quote(value)}]`;
    case 'file-name':
      return `[file:name = ${quote(value)}]`;
    case 'windows-registry-key': {
      const [hive, ...rest] = value.split('\\');
      const full = HIVES[(hive ?? '').toUpperCase()] ?? hive ?? '';
      return `[windows-registry-key:key = ${quote([full, ...rest].join('\\'))}]`;
    }
    case 'btc-address':
      return `[x-intersoc-cryptocurrency-wallet:value = ${quote(value)}]`;
    case 'cve':
      return undefined;
  }
}

const attackUrl = (id: string): string =>
  id.startsWith('T')
    ? `https://attack.mitre.org/techniques/${id.replace('.', '/')}/`
    : id.startsWith('G')
      ? `https://attack.mitre.org/groups/${id}/`
      : id.startsWith('C')
        ? `https://attack.mitre.org/campaigns/${id}/`
        : `https://attack.mitre.org/software/${id}/`;

const confidence = (c: number): number => Math.max(0, Math.min(100, Math.round(c * 100)));

/**
 * Builds the bundle.
 *
 * @example
 * const bundle = reportBundle({ key, name: 'APT report', tlp: 'amber', created, modified, items });
 */
export function reportBundle(b: BundleInput): { type: 'bundle'; id: string; objects: StixJson[] } {
  const marking = TLP_V2_MARKINGS[b.tlp];
  const common = {
    spec_version: '2.1',
    object_marking_refs: [marking],
    ...(b.createdBy ? { created_by_ref: b.createdBy } : {}),
  };
  const objects = new Map<string, StixJson>();
  const add = (o: StixJson): string => {
    const id = o['id'] as string;
    if (!objects.has(id)) objects.set(id, o);
    return id;
  };
  const techniques: string[] = [];
  const actors: { id: string; type: string }[] = [];
  const indicators: string[] = [];
  const vulns: string[] = [];
  for (const it of b.items) {
    const desc = b.sentenceOf?.(it);
    if (it.kind === 'technique' && it.ref) {
      const id = add({
        type: 'attack-pattern',
        ...common,
        id: stixId('attack-pattern', 'mitre-attack', it.ref),
        created: ATTACK_TIME,
        modified: ATTACK_TIME,
        name: it.name ?? it.ref,
        external_references: [{ source_name: 'mitre-attack', external_id: it.ref, url: attackUrl(it.ref) }],
      });
      if (!techniques.includes(id)) techniques.push(id);
    } else if (it.kind === 'actor' && it.ref) {
      const base = {
        type: it.type,
        ...common,
        id: stixId(it.type, 'mitre-attack', it.ref),
        created: ATTACK_TIME,
        modified: ATTACK_TIME,
        name: it.value,
        external_references: [{ source_name: 'mitre-attack', external_id: it.ref, url: attackUrl(it.ref) }],
      };
      const id = add(it.type === 'malware' ? { ...base, is_family: true } : base);
      if (!actors.some((a) => a.id === id)) actors.push({ id, type: it.type });
    } else if (it.kind === 'indicator' && it.type === 'cve') {
      const id = add({
        type: 'vulnerability',
        ...common,
        id: stixId('vulnerability', it.value),
        created: ATTACK_TIME,
        modified: ATTACK_TIME,
        name: it.value,
        external_references: [{ source_name: 'cve', external_id: it.value }],
      });
      if (!vulns.includes(id)) vulns.push(id);
    } else if (it.kind === 'indicator') {
      const pattern = patternOf(it.type as IocType, it.value);
      if (!pattern) continue;
      const id = add({
        type: 'indicator',
        ...common,
        id: stixId('indicator', b.key, it.type, it.value),
        created: b.created,
        modified: b.modified,
        name: it.value,
        ...(desc ? { description: desc.slice(0, 1000) } : {}),
        indicator_types: ['malicious-activity'],
        pattern,
        pattern_type: 'stix',
        valid_from: b.created,
        confidence: confidence(it.confidence),
        labels: [it.type],
      });
      if (!indicators.includes(id)) indicators.push(id);
    }
  }
  const rel = (source: string, type: string, target: string): void => {
    add({
      type: 'relationship',
      ...common,
      id: stixId('relationship', b.key, source, type, target),
      created: b.created,
      modified: b.modified,
      relationship_type: type,
      source_ref: source,
      target_ref: target,
    });
  };
  for (const a of actors) {
    for (const t of techniques) rel(a.id, 'uses', t);
    if (a.type !== 'tool') for (const v of vulns) rel(a.id, 'targets', v);
  }
  // Indicators point at the malware the report names, else at its groups.
  const named = actors.filter((a) => a.type === 'malware');
  const targets = named.length > 0 ? named : actors.filter((a) => a.type === 'intrusion-set' || a.type === 'campaign');
  for (const i of indicators) for (const t of targets.slice(0, 5)) rel(i, 'indicates', t.id);
  const refs = [...objects.keys()];
  const report: StixJson = {
    type: 'report',
    ...common,
    id: stixId('report', b.key),
    created: b.created,
    modified: b.modified,
    name: b.name.slice(0, 500) || 'report',
    ...(b.description ? { description: b.description.slice(0, 4000) } : {}),
    report_types: ['threat-report'],
    published: b.modified,
    // A report must refer to something: an empty analysis refers to its own marking.
    object_refs: refs.length > 0 ? refs : [marking],
    external_references: [{ source_name: 'intersoc-report', external_id: b.key }],
  };
  const all = [tlpMarkingDefinition(b.tlp) as unknown as StixJson, report, ...objects.values()];
  return { type: 'bundle', id: stixId('bundle', b.key, b.modified), objects: all };
}
