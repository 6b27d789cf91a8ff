/**
 * @module
 * The personal values a node knows, for scrubbing free text before it leaves and as the safeguard
 * of pseudonymised answers: account names and workstation names (with their aliases and addresses)
 * from the asset inventory, personal names (the `owner` of an account or a workstation in the
 * asset inventory, full names shown in triage, as `Anna Nowak` and `Nowak, Anna`), the values behind
 * pseudonyms shown in triage, and the values of subjects whose processing is restricted (their
 * objects are withheld from sharing). A name the node has never seen is not known: prose naming a
 * person the node has no record of is caught only by the patterns (e-mail, user paths).
 */
import type { SqliteDb } from '@intersoc/storage';
import type { Inventory } from '../inventory/inventory.js';
import { hasTable, rowsOf } from '../internal/tables.js';
import { parseSubject, subjectValues } from '../subject/subject.js';
import type { PrivacyStore } from './privacy-store.js';
import { SqlitePrivacyStore } from './store.js';

/** Kinds as federation's minimiser names them. */
export type SharedKind = 'internal-ip' | 'username' | 'email' | 'hostname';

/** What the federation minimiser is given. */
export interface SharingValues {
  readonly known: readonly { readonly kind: SharedKind; readonly value: string }[];
  readonly restricted: readonly string[];
}

const KIND: Readonly<Record<string, SharedKind>> = {
  user: 'username',
  host: 'hostname',
  email: 'email',
  ip: 'internal-ip',
};

/**
 * The forms of a personal name as prose writes it: `Anna Nowak` and `Nowak, Anna` (two or more
 * words of letters); anything else (an account, a team) is taken as it is.
 *
 * @example personalNameForms('Anna Nowak') // ['Anna Nowak', 'Nowak, Anna']
 */
export function personalNameForms(name: string): string[] {
  const n = name.trim().replace(/\s+/g, ' ');
  const words = n.split(' ');
  if (words.length < 2 || !words.every((w) => /^[\p{L}][\p{L}'.-]*$/u.test(w))) return n ? [n] : [];
  const last = words[words.length - 1] as string;
  return [n, `${last}, ${words.slice(0, -1).join(' ')}`];
}

/**
 * An asset-inventory entry as the known values read it: the stored asset document (`Asset` of the
 * correlate package, on SQLite and PostgreSQL alike); other fields are ignored.
 */
export interface KnownAsset {
  readonly kind: string;
  readonly name: string;
  readonly aliases?: readonly unknown[];
  readonly ips?: readonly unknown[];
  readonly role?: unknown;
  readonly owner?: unknown;
}

/**
 * The values of `tenant` known to be personal, and the restricted subjects' values, from the node
 * database's asset inventory and privacy tables (a table not created yet holds nothing).
 */
export function sharingValues(db: SqliteDb, inventory: Inventory, tenant: string): SharingValues {
  const assets = rowsOf<{ kind: string; name: string; doc: string }>(
    db,
    'assets',
    'SELECT kind, name, doc FROM assets WHERE tenant = ?',
    tenant,
  ).map((r): KnownAsset => ({
    ...(JSON.parse(r.doc) as Omit<KnownAsset, 'kind' | 'name'>),
    kind: r.kind,
    name: r.name,
  }));
  // The privacy store would create its tables: a node that never had them has nothing to read.
  const privacy = hasTable(db, 'privacy_pseudonyms') ? new SqlitePrivacyStore(db) : undefined;
  return knownValuesOf(assets, privacy, inventory, tenant);
}

/**
 * The values of `tenant` known to be personal, and the restricted subjects' values, from any
 * asset inventory and privacy store (the api role reads both from PostgreSQL).
 */
export function knownValuesOf(
  assets: Iterable<KnownAsset>,
  privacy: PrivacyStore | undefined,
  inventory: Inventory,
  tenant: string,
): SharingValues {
  const known = new Map<string, { kind: SharedKind; value: string }>();
  const add = (kind: SharedKind, v: unknown): void => {
    if (typeof v !== 'string') return;
    const value = v.trim();
    if (value.length >= 3 && !known.has(value.toLowerCase())) known.set(value.toLowerCase(), { kind, value });
  };
  // A person's name as prose writes it: `Anna Nowak`, and the list form `Nowak, Anna`.
  const addName = (v: unknown): void => {
    if (typeof v !== 'string') return;
    for (const n of personalNameForms(v)) add('username', n);
  };
  for (const d of assets) {
    if (d.kind === 'user') {
      for (const v of inventory.valuesOf('user.name', d.name)) add('username', v.value);
      for (const a of d.aliases ?? []) for (const v of inventory.valuesOf('user.name', a)) add('username', v.value);
      addName(d.owner);
    } else if (d.kind === 'host' && (d.role === 'workstation' || inventory.isWorkstation(d.name))) {
      add('hostname', d.name);
      for (const a of d.aliases ?? []) add('hostname', a);
      for (const ip of d.ips ?? []) if (typeof ip === 'string' && inventory.isInternalIp(ip)) add('internal-ip', ip);
      addName(d.owner);
    }
  }
  if (!privacy) return { known: [...known.values()], restricted: [] };
  for (const r of privacy.shown(tenant))
    if (r.kind === 'user' && /\s/.test(r.value)) addName(r.value);
    else add(KIND[r.kind] ?? 'username', r.value);
  const restricted = privacy.restrictions(tenant).flatMap((r) => subjectValues(parseSubject(r.subject)));
  return { known: [...known.values()], restricted };
}
