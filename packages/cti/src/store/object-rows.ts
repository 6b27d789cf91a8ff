/**
 * @module
 * What the SQLite and PostgreSQL CTI stores share: checking an incoming object and deriving its
 * columns (id, version, TLP from its markings), and mapping a stored row back.
 */
import { checkRules } from '../stix/rules.js';
import { normaliseTlp, strictestTlp, type TlpLevel } from '../taxonomies/tlp.js';
import type { PutOutcome, StoredObject } from './types.js';

/** A stored row (`revoked` is 0/1 on SQLite, a boolean on PostgreSQL). */
export interface CtiRow {
  seq: number;
  tenant: string;
  id: string;
  version: string;
  type: string;
  spec_version: string;
  revoked: number | boolean;
  tlp: string;
  markings: string;
  source: string;
  via: string | null;
  added: number;
  json: string;
}

/** The columns of an accepted object. */
export interface CtiColumns {
  readonly id: string;
  readonly version: string;
  readonly type: string;
  readonly specVersion: string;
  readonly revoked: boolean;
  readonly tlp: string;
  readonly markings: string;
  readonly json: string;
}

/** The version key of an object: `modified`, else `created`, else empty (SCOs). */
export function versionOf(o: Readonly<Record<string, unknown>>): string {
  const v = o['modified'] ?? o['created'];
  return typeof v === 'string' ? v : '';
}

/** An object's columns, or the outcome that rejects it. */
export function objectColumns(raw: unknown): { ok: true; value: CtiColumns } | { ok: false; outcome: PutOutcome } {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, outcome: { id: '', version: '', status: 'rejected', reason: 'not a JSON object' } };
  }
  const o = raw as Record<string, unknown>;
  const id = typeof o['id'] === 'string' ? o['id'] : '';
  const version = versionOf(o);
  const issues = checkRules(o);
  if (issues.length > 0) {
    const first = issues[0];
    return { ok: false, outcome: { id, version, status: 'rejected', reason: `${first?.path}: ${first?.message}` } };
  }
  const markings = Array.isArray(o['object_marking_refs']) ? (o['object_marking_refs'] as string[]) : [];
  const tlp = o['type'] === 'marking-definition' ? (normaliseTlp(o) ?? strictestTlp(markings)) : strictestTlp(markings);
  return {
    ok: true,
    value: {
      id,
      version,
      type: String(o['type']),
      specVersion: typeof o['spec_version'] === 'string' ? o['spec_version'] : '2.1',
      revoked: o['revoked'] === true,
      tlp: tlp ?? '',
      markings: JSON.stringify(markings),
      json: JSON.stringify(o),
    },
  };
}

/** A stored row as the store returns it. */
export function toStored(r: CtiRow): StoredObject {
  const base = {
    tenant: r.tenant,
    id: r.id,
    type: r.type,
    version: r.version,
    specVersion: r.spec_version,
    revoked: r.revoked === 1 || r.revoked === true,
    markings: JSON.parse(r.markings) as string[],
    provenance: r.via === null ? { source: r.source } : { source: r.source, via: r.via },
    added: r.added,
    object: JSON.parse(r.json) as Record<string, unknown>,
  };
  return r.tlp === '' ? base : { ...base, tlp: r.tlp as TlpLevel };
}
