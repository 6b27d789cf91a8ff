/**
 * @module
 * MISP attributes as indicators for the matching indexes: every `to_ids` attribute of a mappable
 * type (addresses, domains, URLs, emails, hashes, including composite `filename|hash` and
 * `domain|ip` values) that no warninglist flags. Event tags give TLP and ATT&CK techniques.
 */
import { hashAlgorithm, normaliseValue } from '../indicators/normalise.js';
import type { IocKind, SimpleIndicator } from '../indicators/types.js';
import { normaliseTlp } from '../taxonomies/tlp.js';
import type { MispAttribute, MispEvent, MispTag } from './types.js';
import type { WarninglistIndex } from './warninglists.js';

const KIND_OF: Readonly<Record<string, IocKind>> = {
  'ip-src': 'ip',
  'ip-dst': 'ip',
  domain: 'domain',
  hostname: 'domain',
  url: 'url',
  uri: 'url',
  link: 'url',
  email: 'email',
  'email-src': 'email',
  'email-dst': 'email',
  md5: 'hash',
  sha1: 'hash',
  sha256: 'hash',
  sha512: 'hash',
};

/** Kinds of the parts of a (possibly composite) attribute type. */
function partKinds(type: string): (IocKind | undefined)[] {
  if (type.startsWith('filename|')) return [undefined, KIND_OF[type.slice(9)]];
  if (type === 'domain|ip') return ['domain', 'ip'];
  if (type === 'ip-src|port' || type === 'ip-dst|port') return ['ip', undefined];
  if (type === 'malware-sample') return [undefined, 'hash'];
  return [KIND_OF[type]];
}

/** Options for `indicatorsFromMisp`. */
export interface MispIndicatorOptions {
  readonly warninglists?: WarninglistIndex;
  /** Include attributes without `to_ids` (default false). */
  readonly includeNonIds?: boolean;
  /** Source label, e.g. `misp` or `feed:circl`. */
  readonly source?: string;
  /** Called for every attribute a warninglist suppressed. */
  readonly onSuppressed?: (attr: MispAttribute, lists: string[]) => void;
}

function techniquesOf(tags: readonly MispTag[]): string[] {
  return tags.flatMap((t) => {
    const m = /mitre-attack-pattern="[^"]*-\s*(T\d{4}(?:\.\d{3})?)"/.exec(t.name);
    return m ? [m[1] as string] : [];
  });
}

/** Indicators of one event. */
export function indicatorsFromMisp(event: MispEvent, options: MispIndicatorOptions = {}): SimpleIndicator[] {
  const eventTags = event.Tag ?? [];
  const eventTlp = eventTags.map((t) => normaliseTlp(t.name)).find((l) => l !== undefined);
  const eventTechniques = techniquesOf([
    ...eventTags,
    ...(event.Galaxy ?? []).flatMap((g) => g.GalaxyCluster.map((c) => ({ name: c.tag_name ?? '' }))),
  ]);
  const out: SimpleIndicator[] = [];
  const all = [...event.Attribute, ...event.Object.flatMap((o) => o.Attribute)];
  for (const [i, attr] of all.entries()) {
    if (attr.to_ids !== true && options.includeNonIds !== true) continue;
    const kinds = partKinds(attr.type);
    if (kinds.every((k) => k === undefined)) continue;
    const lists = options.warninglists?.check(attr.value, attr.type) ?? [];
    if (lists.length > 0) {
      options.onSuppressed?.(attr, lists);
      continue;
    }
    const parts = kinds.length > 1 ? attr.value.split('|') : [attr.value];
    const tags = attr.Tag ?? [];
    const tlp = tags.map((t) => normaliseTlp(t.name)).find((l) => l !== undefined) ?? eventTlp;
    const techniques = [...new Set([...eventTechniques, ...techniquesOf(tags)])];
    const ts = Number(attr.timestamp ?? event.timestamp);
    kinds.forEach((kind, j) => {
      const raw = parts[j];
      if (!kind || raw === undefined) return;
      const value = normaliseValue(kind, raw);
      if (!value) return;
      const algorithm = kind === 'hash' ? hashAlgorithm(value) : undefined;
      out.push({
        id: attr.uuid ?? `${event.uuid ?? 'event'}/attr/${i}`,
        kind,
        value,
        name: `${event.info} (${attr.type})`,
        source: options.source ?? 'misp',
        ...(Number.isFinite(ts) && ts > 0 ? { created: ts * 1000 } : {}),
        ...(attr.first_seen ? { validFrom: Date.parse(attr.first_seen) } : {}),
        ...(attr.last_seen ? { validUntil: Date.parse(attr.last_seen) + 1 } : {}),
        ...(tlp ? { tlp } : {}),
        ...(techniques.length > 0 ? { techniques } : {}),
        ...(algorithm ? { algorithm } : {}),
      });
    });
  }
  return out;
}
