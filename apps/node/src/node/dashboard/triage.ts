/**
 * @module
 * The node's alert queue and live alert feed: triage state in the event database (beside the
 * alerts the writer stores) and committed alerts from the bus subject `alerts.<tenant>`.
 */
import type { Alert, AuthContext } from '@intersoc/core';
import type { AlertFeed, AlertTriageService } from '@intersoc/api';
import type { Bus } from '@intersoc/bus';
import type { SqliteAlertTriage } from '@intersoc/storage';
import type { Searcher } from '../search/searcher.js';

/** The queue over the store's triage table; listing (a query over alerts) runs on the searcher. */
export function triageService(triage: SqliteAlertTriage, searcher: Searcher): AlertTriageService {
  return {
    async list(ctx, q) {
      const page = await searcher.run(ctx, 'triage', {
        q: q.q,
        limit: q.limit,
        ...(q.from === undefined ? {} : { from: q.from }),
        ...(q.to === undefined ? {} : { to: q.to }),
        ...(q.statuses === undefined ? {} : { statuses: q.statuses }),
        ...(q.minSeverity === undefined ? {} : { minSeverity: q.minSeverity }),
        ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
      });
      return { items: page.items, ...(page.next === undefined ? {} : { nextCursor: page.next }) };
    },
    async get(ctx, id) {
      return triage.get(ctx, id);
    },
    async setStatus(ctx, ids, change) {
      return triage.setStatus(ctx, ids, change);
    },
  };
}

/**
 * Live alerts from the bus. The listener runs synchronously and never awaits, so one slow
 * browser cannot hold the bus (the SSE route drops for a client that reads too slowly).
 */
export function alertFeed(bus: Bus): AlertFeed {
  return {
    subscribe(ctx: AuthContext, listener: (alert: Alert) => void) {
      const sub = bus.subscribe(`alerts.${ctx.tenant}`, (message) => {
        const a = message as Alert;
        // The subject already names the tenant; the check keeps a mis-published alert out anyway.
        if (a && a.tenant === ctx.tenant) listener(a);
      });
      return () => sub.unsubscribe();
    },
  };
}
