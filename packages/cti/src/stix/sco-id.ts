/**
 * @module
 * Deterministic SCO ids (spec §2.9): UUIDv5 in the STIX namespace over the RFC 8785 (JCS)
 * canonical JSON of the type's id-contributing properties. The same observable therefore gets
 * the same id on every node, so sightings and sharing deduplicate across SOCs.
 */
import canonicalizeModule from 'canonicalize';
import { v4 as uuidv4, v5 as uuidv5 } from 'uuid';
import { ID_CONTRIBUTING } from './vocab.js';

/** The STIX 2.1 namespace for SCO UUIDv5 ids. */
export const STIX_SCO_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';

const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

/** Hash algorithms in the order the spec prefers one of them as the id contribution. */
const HASH_PREFERENCE = ['MD5', 'SHA-1', 'SHA-256', 'SHA-512'];

/** RFC 8785 canonical JSON of a value. */
export function canonicalJson(value: unknown): string {
  const s = canonicalize(value);
  if (s === undefined) throw new TypeError('value has no JSON form');
  return s;
}

/**
 * The id-contributing part of an SCO: its listed properties that are present, with `hashes`
 * reduced to one preferred algorithm. Returns undefined when none is present (the id is then
 * random, as for `process`).
 */
export function idContributingProperties(
  type: string,
  properties: Readonly<Record<string, unknown>>,
  contributing: readonly string[] | undefined = ID_CONTRIBUTING[type],
): Record<string, unknown> | undefined {
  if (!contributing || contributing.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const name of contributing) {
    const v = properties[name];
    if (v === undefined || v === null) continue;
    if (name === 'hashes' && typeof v === 'object' && !Array.isArray(v)) {
      const one = preferredHash(v as Record<string, unknown>);
      if (one) out[name] = one;
      continue;
    }
    out[name] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function preferredHash(hashes: Record<string, unknown>): Record<string, unknown> | undefined {
  for (const alg of HASH_PREFERENCE) if (hashes[alg] !== undefined) return { [alg]: hashes[alg] };
  const first = Object.keys(hashes).sort()[0];
  return first === undefined ? undefined : { [first]: hashes[first] };
}

/**
 * The deterministic id of an SCO. Custom SCO types may pass their own id-contributing property
 * list (from their extension-definition); without one they fall back to a random UUIDv4, as the
 * spec requires when no contributing property is present.
 *
 * @example
 * scoId('ipv4-addr', { value: '1.2.3.4' }) // 'ipv4-addr--0198f97b-e65d-5025-87e5-58bc39d4bdb4'
 */
export function scoId(
  type: string,
  properties: Readonly<Record<string, unknown>>,
  contributing?: readonly string[],
): string {
  const parts = idContributingProperties(type, properties, contributing ?? ID_CONTRIBUTING[type]);
  if (!parts) return `${type}--${uuidv4()}`;
  return `${type}--${uuidv5(canonicalJson(parts), STIX_SCO_NAMESPACE)}`;
}
