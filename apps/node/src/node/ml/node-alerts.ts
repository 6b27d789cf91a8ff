/**
 * @module
 * Alerts the node raises itself, outside the parse pipeline (a model's input drift, an anomaly in
 * one of the node's own series). They go into the event database's `alerts` table on the main
 * thread's connection, as the alert queue's state does (SQLite serialises the write with the
 * writer thread's commits), with ids derived from what they are about, so a check that runs again
 * raises nothing twice. The caller publishes the new ones (`alerts.<tenant>`) like pipeline alerts.
 */
import { stableId, type Alert, type AlertDraft } from '@intersoc/core';
import type { SqliteDb } from '@intersoc/storage';

/** An alert from a draft, its id from `key` (the same key gives the same alert). */
export function nodeAlert(tenant: string, draft: AlertDraft, key: readonly string[], now = Date.now()): Alert {
  return { ...draft, id: stableId(tenant, draft.detector.kind, draft.detector.ruleId, ...key), tenant, created: now };
}

/** Stores the alerts that are not stored yet; returns those. */
export function storeNodeAlerts(events: SqliteDb, alerts: readonly Alert[]): Alert[] {
  if (alerts.length === 0) return [];
  const insert = events.prepare(
    'INSERT OR IGNORE INTO alerts (id, tenant, time, created, severity, rule_id, doc) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const added: Alert[] = [];
  events.transaction(() => {
    for (const a of alerts) {
      const r = insert.run(a.id, a.tenant, a.time, a.created, a.severity, a.detector.ruleId, JSON.stringify(a));
      if (r.changes > 0) added.push(a);
    }
  })();
  return added;
}
