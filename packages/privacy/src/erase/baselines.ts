/**
 * @module
 * Erasure from the host behaviour baselines (`<data>/baselines.db`, `@intersoc/learn`): every row
 * of the tenant whose entity, item or label names the subject is deleted — the user's logon
 * history, the host's process pairs, a host or user's rate profile — so a later event of the
 * subject starts from nothing. Baselines are derived state, so no legal hold keeps them. Reads the
 * tables directly (as the rest of this package does), tolerating a database that lacks them.
 */
import type { SqliteDb } from '@intersoc/storage';
import { hasTable } from '../internal/tables.js';
import { mentions, subjectValues, valuesPattern, type Subject } from '../subject/subject.js';

/** Deletes the subject's baseline rows of one tenant; returns how many rows went. */
export function eraseBaselinesIn(db: SqliteDb, spec: { readonly tenant: string; readonly subject: Subject }): number {
  if (!hasTable(db, 'baseline_entities')) return 0;
  const re = valuesPattern(subjectValues(spec.subject)) as RegExp;
  const touches = (s: string): boolean => mentions(re, s);
  const { tenant } = spec;
  let n = 0;
  db.pragma('secure_delete = ON');
  db.transaction(() => {
    const delItem = db.prepare('DELETE FROM baseline_items WHERE tenant = ? AND kind = ? AND entity = ? AND item = ?');
    const delItems = db.prepare('DELETE FROM baseline_items WHERE tenant = ? AND kind = ? AND entity = ?');
    const delEntity = db.prepare('DELETE FROM baseline_entities WHERE tenant = ? AND kind = ? AND entity = ?');
    const delRate = db.prepare('DELETE FROM baseline_rates WHERE tenant = ? AND kind = ? AND entity = ?');
    for (const e of db.prepare('SELECT kind, entity FROM baseline_entities WHERE tenant = ?').all(tenant) as {
      kind: string;
      entity: string;
    }[])
      if (touches(e.entity)) {
        n += delItems.run(tenant, e.kind, e.entity).changes;
        n += delEntity.run(tenant, e.kind, e.entity).changes;
      }
    for (const i of db.prepare('SELECT kind, entity, item, label FROM baseline_items WHERE tenant = ?').all(tenant) as {
      kind: string;
      entity: string;
      item: string;
      label: string;
    }[])
      if (touches(i.item) || touches(i.label)) n += delItem.run(tenant, i.kind, i.entity, i.item).changes;
    // The entities' distinct counts follow what is left.
    db.prepare(
      `UPDATE baseline_entities SET items = (SELECT count(*) FROM baseline_items i WHERE i.tenant = baseline_entities.tenant
         AND i.kind = baseline_entities.kind AND i.entity = baseline_entities.entity) WHERE tenant = ?`,
    ).run(tenant);
    for (const r of db.prepare('SELECT kind, entity FROM baseline_rates WHERE tenant = ?').all(tenant) as {
      kind: string;
      entity: string;
    }[])
      if (touches(r.entity)) n += delRate.run(tenant, r.kind, r.entity).changes;
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec('VACUUM');
  db.pragma('wal_checkpoint(TRUNCATE)');
  return n;
}
