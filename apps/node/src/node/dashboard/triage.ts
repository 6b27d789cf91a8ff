/**
 * @module
 * The node's alert queue and live alert feed: triage state in the event database (beside the
 * alerts the writer stores) and committed alerts from the bus subject `alerts.<tenant>`.
 */
import type { Alert, AuthContext } from '@intersoc/core';
import type { AlertFeed, AlertTriageService, TriagedAlert } from '@intersoc/api';
import type { Bus } from '@intersoc/bus';
import type { SqliteIncidentStore } from '@intersoc/correlate';
import type { AlertTriage } from '@intersoc/storage';
import type { ObservableEnricher } from '@intersoc/cases';
import { intelMatcher } from '../intel-matches.js';
import type { Searcher } from '../search/searcher.js';

/**
 * What the queue reads of an incident store: the SQLite and PostgreSQL stores both have these
 * (they are not part of `IncidentStore`, which the incident builder writes through).
 */
export type TriageIncidents = Pick<SqliteIncidentStore, 'incidentsOfAlerts' | 'alerts' | 'closeWithReason'>;

/** Close reasons that say the alert was a false positive. */
const FALSE_POSITIVE = /\bfalse[\s-]?positive\b/i;

/**
 * The queue over the store's triage table; listing (a query over alerts) runs on the searcher.
 * With the incident store, each alert carries its incident (and case), and closing the last
 * open alerts of an incident as false positives closes the incident with that reason; with the
 * CTI enricher, each alert carries the indicators that match its entities.
 */
export function triageService(
  triage: AlertTriage,
  searcher: Searcher,
  incidents?: TriageIncidents,
  intel?: ObservableEnricher,
): AlertTriageService {
  const withIncidents = (ctx: AuthContext, items: readonly TriagedAlert[]): TriagedAlert[] => {
    if (items.length === 0) return [...items];
    const refs = incidents?.incidentsOfAlerts(
      ctx,
      items.map((i) => i.alert.id),
    );
    const match = intel ? intelMatcher(intel, ctx) : undefined;
    return items.map((i) => {
      const incident = refs?.get(i.alert.id);
      const known = match?.(i.alert.entities) ?? [];
      return {
        ...i,
        ...(incident === undefined ? {} : { incident }),
        ...(known.length === 0 ? {} : { intel: known }),
      };
    });
  };
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
      return {
        items: withIncidents(ctx, page.items),
        ...(page.next === undefined ? {} : { nextCursor: page.next }),
      };
    },
    async get(ctx, id) {
      const found = triage.get(ctx, id);
      return found && withIncidents(ctx, [found])[0];
    },
    async setStatus(ctx, ids, change) {
      const result = triage.setStatus(ctx, ids, change);
      if (incidents && change.status === 'closed' && FALSE_POSITIVE.test(change.reason ?? '')) {
        closeFalsePositiveIncidents(ctx, triage, incidents, ids, change.reason ?? '');
      }
      return result;
    },
  };
}

/** Closes the open incidents (outside cases) of `ids` whose alerts are now all closed as false positives. */
function closeFalsePositiveIncidents(
  ctx: AuthContext,
  triage: AlertTriage,
  incidents: TriageIncidents,
  ids: readonly string[],
  reason: string,
): void {
  const touched = new Set<string>();
  for (const ref of incidents.incidentsOfAlerts(ctx, ids).values()) {
    if (ref.status === 'open' && ref.caseId === undefined) touched.add(ref.id);
  }
  for (const id of touched) {
    const members = incidents.alerts(ctx, id).map((a) => a.id);
    const states = triage.states(ctx, members);
    const allFalse = members.every((m) => {
      const s = states.get(m);
      return s !== undefined && s.status === 'closed' && FALSE_POSITIVE.test(s.reason ?? '');
    });
    if (allFalse) incidents.closeWithReason(ctx, id, reason);
  }
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
