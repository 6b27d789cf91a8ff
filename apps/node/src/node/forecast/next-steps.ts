/**
 * @module
 * The node's closed incidents as training sequences for the next-step model: each incident's
 * techniques in the order its timeline first shows them.
 */
import path from 'node:path';
import type { AuthContext, Config } from '@intersoc/core';
import { SqliteIncidentStore, type Incident, type IncidentStore } from '@intersoc/correlate';
import { extendModel, type NextStepModelData } from '@intersoc/forecast';
import { NODE_DB_FILE, openDatabase } from '@intersoc/storage';

/** Most closed incidents read for training. */
const MAX_INCIDENTS = 5000;

/** An incident's techniques in the order they first appear in its timeline. */
export function incidentSequence(i: Incident): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const e of [...i.timeline].sort((a, b) => a.time - b.time))
    for (const t of e.techniques)
      if (!seen.has(t)) {
        seen.add(t);
        out.push(t);
      }
  for (const t of i.techniques) if (!seen.has(t)) out.push(t);
  return out;
}

/** Closed incidents of the caller's tenant as sequences. */
export function closedSequences(store: IncidentStore, ctx: AuthContext): string[][] {
  const page = store.list(ctx, { statuses: ['closed'], limit: MAX_INCIDENTS });
  return page.items.map(incidentSequence).filter((s) => s.length >= 2);
}

/** The released model plus the tenant's closed incidents (read from the node's database). */
export function withClosedIncidents(config: Config, ctx: AuthContext, base: NextStepModelData): NextStepModelData {
  const db = openDatabase(path.join(config.data, NODE_DB_FILE));
  try {
    const store = new SqliteIncidentStore(db);
    return extendModel(base, {
      name: `closed incidents of ${ctx.tenant}`,
      kind: 'incidents',
      sequences: closedSequences(store, ctx),
    });
  } finally {
    db.close();
  }
}
