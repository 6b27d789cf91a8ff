/**
 * @module
 * Row shapes of the respond tables and their mapping to the store's types, shared by the SQLite and
 * PostgreSQL stores (the tables have the same columns in both).
 */
import type { Playbook } from '../cacao/types.js';
import type { RunSummary, RunTrigger, Transition } from '../engine/types.js';
import type { StoredPlaybook } from './types.js';

/** A run row. */
export interface RunRow {
  tenant: string;
  id: string;
  playbook_id: string;
  playbook_version: string;
  playbook_name: string;
  status: RunSummary['status'];
  /** 0/1 in SQLite, a boolean in PostgreSQL. */
  dry_run: number | boolean;
  requested_by: string;
  trigger: string;
  parent_run: string | null;
  created: number;
  updated: number;
  reason: string | null;
}

/** A playbook version row. */
export interface PlaybookRow {
  tenant: string;
  id: string;
  version: string;
  name: string;
  digest: string;
  source: string;
  tlp: string | null;
  signed_by: string;
  added_by: string;
  added_at: number;
  doc: string;
}

/** A run row as the engine sees it. */
export function toSummary(r: RunRow): RunSummary {
  return {
    tenant: r.tenant,
    id: r.id,
    playbookId: r.playbook_id,
    playbookVersion: r.playbook_version,
    playbookName: r.playbook_name,
    status: r.status,
    dryRun: r.dry_run === true || r.dry_run === 1,
    requestedBy: r.requested_by,
    trigger: JSON.parse(r.trigger) as RunTrigger,
    created: r.created,
    updated: r.updated,
    ...(r.reason === null ? {} : { reason: r.reason }),
    ...(r.parent_run === null ? {} : { parentRun: r.parent_run }),
  };
}

/** A playbook row as stored. */
export function toStored(r: PlaybookRow): StoredPlaybook {
  return {
    tenant: r.tenant,
    id: r.id,
    version: r.version,
    name: r.name,
    digest: r.digest,
    source: r.source,
    ...(r.tlp === null ? {} : { tlp: r.tlp }),
    signedBy: JSON.parse(r.signed_by) as string[],
    addedBy: r.added_by,
    addedAt: r.added_at,
    playbook: JSON.parse(r.doc) as Playbook,
  };
}

/** Freezes a parsed document shared between callers. */
export function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

/**
 * A transition's JSON without its seq and time (they have columns). Copied key by key: an object
 * rest (`{ seq, time, ...body }`) over transitions of many shapes is slow on Node 20.
 */
export function bodyJson(t: Transition): string {
  const body: Record<string, unknown> = {};
  for (const k of Object.keys(t))
    if (k !== 'seq' && k !== 'time') body[k] = (t as unknown as Record<string, unknown>)[k];
  return JSON.stringify(body);
}
