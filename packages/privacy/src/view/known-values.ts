/**
 * @module
 * The personal values a node knows, for scrubbing free text before it leaves: account names and
 * workstation names (with their aliases and addresses) from the asset inventory, the values behind
 * pseudonyms shown in triage, and the values of subjects whose processing is restricted (their
 * objects are withheld from sharing).
 */
import type { SqliteDb } from '@intersoc/storage';
import type { Inventory } from '../inventory/inventory.js';
import { rowsOf } from '../internal/tables.js';
import { parseSubject, subjectValues } from '../subject/subject.js';

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

/** The values of `tenant` known to be personal, and the restricted subjects' values. */
export function sharingValues(db: SqliteDb, inventory: Inventory, tenant: string): SharingValues {
  const known = new Map<string, { kind: SharedKind; value: string }>();
  const add = (kind: SharedKind, v: unknown): void => {
    if (typeof v !== 'string') return;
    const value = v.trim();
    if (value.length >= 3 && !known.has(value.toLowerCase())) known.set(value.toLowerCase(), { kind, value });
  };
  for (const r of rowsOf<{ kind: string; name: string; doc: string }>(
    db,
    'assets',
    'SELECT kind, name, doc FROM assets WHERE tenant = ?',
    tenant,
  )) {
    const d = JSON.parse(r.doc) as { aliases?: unknown[]; ips?: unknown[]; role?: string };
    if (r.kind === 'user') {
      for (const v of inventory.valuesOf('user.name', r.name)) add('username', v.value);
      for (const a of d.aliases ?? []) for (const v of inventory.valuesOf('user.name', a)) add('username', v.value);
    } else if (r.kind === 'host' && (d.role === 'workstation' || inventory.isWorkstation(r.name))) {
      add('hostname', r.name);
      for (const a of d.aliases ?? []) add('hostname', a);
      for (const ip of d.ips ?? []) if (typeof ip === 'string' && inventory.isInternalIp(ip)) add('internal-ip', ip);
    }
  }
  for (const r of rowsOf<{ kind: string; value: string }>(
    db,
    'privacy_pseudonyms',
    'SELECT kind, value FROM privacy_pseudonyms WHERE tenant = ?',
    tenant,
  ))
    add(KIND[r.kind] ?? 'username', r.value);
  const restricted = rowsOf<{ subject: string }>(
    db,
    'privacy_restrictions',
    'SELECT subject FROM privacy_restrictions WHERE tenant = ?',
    tenant,
  ).flatMap((r) => subjectValues(parseSubject(r.subject)));
  return { known: [...known.values()], restricted };
}
