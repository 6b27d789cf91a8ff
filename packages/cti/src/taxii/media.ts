/**
 * @module
 * TAXII 2.1 media types, timestamps and the error resource.
 */

/** Media type of TAXII resources (discovery, collections, envelopes, status, errors). */
export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';
/** Media type of STIX content listed in collections and manifests. */
export const STIX_MEDIA_TYPE = 'application/stix+json;version=2.1';

/** A parsed media type. */
export interface MediaType {
  readonly type: string;
  readonly params: Readonly<Record<string, string>>;
}

/** Parses `type/subtype; a=b` (lower-cased, parameters unquoted). */
export function parseMediaType(s: string): MediaType {
  const [type = '', ...params] = s.split(';');
  const p: Record<string, string> = {};
  for (const kv of params) {
    const i = kv.indexOf('=');
    if (i > 0)
      p[kv.slice(0, i).trim().toLowerCase()] = kv
        .slice(i + 1)
        .trim()
        .replace(/^"|"$/g, '');
  }
  return { type: type.trim().toLowerCase(), params: p };
}

/** True when a media type is TAXII 2.1 JSON (extra parameters such as charset are fine). */
export function isTaxii21(s: string | undefined): boolean {
  if (!s) return false;
  const m = parseMediaType(s);
  return m.type === 'application/taxii+json' && (m.params['version'] ?? '2.1') === '2.1';
}

/** True when an Accept header admits a TAXII 2.1 response. */
export function acceptsTaxii21(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  return accept.split(',').some((part) => {
    const m = parseMediaType(part);
    if (m.type === '*/*' || m.type === 'application/*') return true;
    return m.type === 'application/taxii+json' && (m.params['version'] === undefined || m.params['version'] === '2.1');
  });
}

/** TAXII timestamp with microseconds from epoch microseconds. */
export function taxiiTimestamp(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const us = String(micros % 1000).padStart(3, '0');
  return `${new Date(ms).toISOString().slice(0, -1)}${us}Z`;
}

/** Epoch microseconds of a timestamp (any RFC 3339 precision); undefined when invalid. */
export function parseTaxiiTimestamp(s: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?Z$/.exec(s);
  if (!m) return undefined;
  const base = Date.parse(`${m[1] as string}Z`);
  if (Number.isNaN(base)) return undefined;
  const frac = (m[2] ?? '.0').slice(1).padEnd(6, '0').slice(0, 6);
  return base * 1000 + Number(frac);
}

/** The TAXII error resource. */
export interface TaxiiError {
  readonly title: string;
  readonly description?: string;
  readonly error_id?: string;
  readonly error_code?: string;
  readonly http_status: string;
  readonly details?: Readonly<Record<string, unknown>>;
}
