/**
 * @module
 * What the SQLite and PostgreSQL TAXII backends share, so both derive and read rows alike: the
 * columns of an added object (version, spec version, TLP), the `date_added` clock, and the
 * mapping of collection and object rows back to the contract's types.
 */
import { strictestTlp, type TlpLevel } from '../taxonomies/tlp.js';
import type { ApiRootInfo, CollectionAcl, TaxiiCollection, TaxiiRecord } from './backend-types.js';
import { taxiiTimestamp } from './media.js';

/** A `taxii_api_roots` row. */
export interface ApiRootRow {
  name: string;
  title: string;
  description: string | null;
  max_content_length: number;
}

/** A `taxii_collections` row. */
export interface CollRow {
  api_root: string;
  id: string;
  title: string;
  description: string | null;
  alias: string | null;
  media_types: string;
  acl: string;
}

/** A `taxii_objects` row as queried. */
export interface ObjRow {
  seq: number;
  id: string;
  version: string;
  type: string;
  spec_version: string;
  date_added: number;
  tlp: string;
  json: string;
}

/** The columns both backends select for object queries. */
export const OBJ_COLUMNS = 'seq, id, version, type, spec_version, date_added, tlp, json';

export function toApiRoot(r: ApiRootRow): ApiRootInfo {
  return {
    name: r.name,
    title: r.title,
    maxContentLength: r.max_content_length,
    ...(r.description === null ? {} : { description: r.description }),
  };
}

export function toCollection(r: CollRow): TaxiiCollection {
  return {
    apiRoot: r.api_root,
    id: r.id,
    title: r.title,
    mediaTypes: JSON.parse(r.media_types) as string[],
    acl: JSON.parse(r.acl) as CollectionAcl,
    ...(r.description === null ? {} : { description: r.description }),
    ...(r.alias === null ? {} : { alias: r.alias }),
  };
}

export function toRecord(r: ObjRow): TaxiiRecord {
  return {
    seq: r.seq,
    id: r.id,
    version: r.version,
    type: r.type,
    specVersion: r.spec_version,
    dateAdded: r.date_added,
    json: r.json,
    ...(r.tlp === '' ? {} : { tlp: r.tlp as TlpLevel }),
  };
}

/** The columns of a collection row, in `(api_root, id, title, description, alias, media_types, acl)` order. */
export function collectionParams(c: TaxiiCollection): (string | null)[] {
  return [
    c.apiRoot,
    c.id,
    c.title,
    c.description ?? null,
    c.alias ?? null,
    JSON.stringify(c.mediaTypes),
    JSON.stringify(c.acl),
  ];
}

/**
 * The `date_added` of each object of one add: the given one (imports keep theirs), else the
 * clock's next value — the node's time in µs, but always above the last value handed out, so
 * values strictly increase. Returns the dates and the clock's new last value.
 */
export function assignDates(
  last: number,
  nowUs: number,
  count: number,
  given?: readonly (number | undefined)[],
): { dates: number[]; last: number } {
  const dates: number[] = [];
  for (let i = 0; i < count; i++) {
    const g = given?.[i];
    if (g === undefined) {
      last = Math.max(nowUs, last + 1);
      dates.push(last);
    } else {
      last = Math.max(last, g);
      dates.push(g);
    }
  }
  return { dates, last };
}

/** The columns of an added object. */
export interface AddedColumns {
  readonly id: string;
  /** False for SCOs (no `created`/`modified`): one version only, a repeat is the same object. */
  readonly stamped: boolean;
  readonly version: string;
  readonly type: string;
  readonly specVersion: string;
  readonly tlp: string;
  readonly json: string;
}

/** An object's columns when added at `dateAdded` (epoch µs). */
export function addedColumns(o: Readonly<Record<string, unknown>>, dateAdded: number): AddedColumns {
  const stamp = o['modified'] ?? o['created'];
  const markings = Array.isArray(o['object_marking_refs']) ? (o['object_marking_refs'] as string[]) : [];
  return {
    id: String(o['id']),
    stamped: typeof stamp === 'string',
    version: typeof stamp === 'string' ? stamp : taxiiTimestamp(dateAdded),
    type: String(o['type']),
    specVersion: specVersionOf(o),
    tlp: strictestTlp(markings) ?? '',
    json: JSON.stringify(o),
  };
}

/** STIX 2.0 objects have no spec_version; 2.1 SCOs may omit it but also have no `created`. */
function specVersionOf(o: Readonly<Record<string, unknown>>): string {
  if (typeof o['spec_version'] === 'string') return o['spec_version'];
  return o['created'] !== undefined ? '2.0' : '2.1';
}
