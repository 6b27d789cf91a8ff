/**
 * @module
 * The dashboard's store reads over the shared PostgreSQL store, for the `api` role: the same
 * jobs the embedded node's searcher runs on its reader threads (`search/jobs.ts`), with the same
 * admission per user, query limits and time budget, but run on the PostgreSQL event store
 * (search) and on the tables the detect roles write (`ev_alerts`, `ev_blocks`,
 * `ev_dead_letters`, `alert_status`) for the aggregates SQLite computes in `events/aggregate.ts`.
 *
 * The empty query's histogram (the overview's events) is counted from block metadata and event
 * times (`PgEventStore.countEvents`); other histograms from the event search's pages (the
 * PostgreSQL reader has no columnar count): exact when the search ends within the time budget,
 * else `partial`, as on SQLite when its block budget runs out.
 */
import { accountName, SEVERITIES, shortHostName, type Alert, type AuthContext, type Severity } from '@intersoc/core';
import type { AlertFeed } from '@intersoc/api';
import {
  bucketWidth,
  type AlertAggregates,
  type Arrivals,
  type BucketWindow,
  type EventHistogram,
  type QueryLimits,
  type TopEntry,
} from '@intersoc/storage';
import { PgAlertTriage, type PgEventStore, type SqlParam, type SyncPg } from '@intersoc/storage/postgres';
import type { Guard, Job, JobOp, JobTypes, OverviewFigures } from '../search/jobs.js';
import type { Searcher, SearchSettings } from '../search/searcher.js';
import { UserGate } from '../search/user-gate.js';
import type { ArrivalSource } from './overview.js';
import type { AlertHitCounts } from './rules.js';

/** Events read per search page while counting a histogram. */
const HISTOGRAM_PAGE = 5_000;
/** Entries of each top list of the overview (as the embedded job). */
const TOP = 10;

/** Counts the events matching `q` per bucket from the event search's pages. */
export async function pgEventHistogram(
  events: PgEventStore,
  ctx: AuthContext,
  req: BucketWindow & { readonly q: string; readonly limits?: QueryLimits; readonly deadline?: number },
): Promise<EventHistogram> {
  const bucketMs = bucketWidth(req);
  if (req.q.trim() === '') {
    // Every event: counted from block metadata and event times, nothing re-parsed.
    const c = await events.countEvents(
      ctx,
      { from: req.from, to: req.to, buckets: req.buckets, bucketMs },
      req.deadline,
    );
    return {
      from: req.from,
      bucketMs,
      counts: c.counts,
      total: c.total,
      partial: c.partial,
      scannedBlocks: c.scannedBlocks,
      prunedBlocks: 0,
    };
  }
  const counts = new Array<number>(req.buckets).fill(0);
  let total = 0;
  let scannedBlocks = 0;
  let prunedBlocks = 0;
  let partial = false;
  let cursor: string | undefined;
  for (;;) {
    const page = await events.searchEvents(ctx, {
      q: req.q,
      from: req.from,
      to: req.to,
      limit: HISTOGRAM_PAGE,
      ...(cursor === undefined ? {} : { cursor }),
      ...(req.limits ? { limits: req.limits } : {}),
      ...(req.deadline === undefined ? {} : { deadline: req.deadline }),
    });
    for (const e of page.items) {
      if (e.time < req.from || e.time > req.to) continue;
      const k = Math.min(req.buckets - 1, Math.floor((e.time - req.from) / bucketMs));
      counts[k] = (counts[k] ?? 0) + 1;
      total++;
    }
    scannedBlocks += page.scannedBlocks;
    prunedBlocks += page.prunedBlocks;
    if (page.next === undefined) break;
    if (page.timedOut || (req.deadline !== undefined && Date.now() > req.deadline)) {
      partial = true;
      break;
    }
    cursor = page.next;
  }
  return { from: req.from, bucketMs, counts, total, partial, scannedBlocks, prunedBlocks };
}

function emptySeverities(): Record<Severity, number> {
  return { informational: 0, low: 0, medium: 0, high: 0, critical: 0 };
}

/** Alerts by severity over time and the top rules, techniques, hosts and users (as `alertAggregates`). */
export function pgAlertAggregates(pg: SyncPg, ctx: AuthContext, w: BucketWindow, top = TOP): AlertAggregates {
  const bucketMs = bucketWidth(w);
  const bySeverity = Array.from({ length: w.buckets }, emptySeverities);
  let total = 0;
  const sevRows = pg.query<{ b: number; severity: string; n: number }>(
    `SELECT (time - $1::int8) / $2::int8 AS b, severity, COUNT(*) AS n FROM ev_alerts
     WHERE tenant = $3 AND time >= $1 AND time <= $4 GROUP BY 1, 2`,
    [w.from, bucketMs, ctx.tenant, w.to],
  );
  for (const r of sevRows) {
    const bucket = bySeverity[Math.min(w.buckets - 1, Math.max(0, Math.trunc(r.b)))];
    if (bucket && (SEVERITIES as readonly string[]).includes(r.severity)) {
      bucket[r.severity as Severity] += r.n;
      total += r.n;
    }
  }
  const args: SqlParam[] = [ctx.tenant, w.from, w.to, top];
  // Ties in byte order, as SQLite orders text.
  const topRules = pg
    .query<{ key: string; label: string | null; count: number }>(
      `SELECT rule_id AS key, MAX(doc::jsonb #>> '{detector,ruleTitle}') AS label, COUNT(*) AS count
       FROM ev_alerts WHERE tenant = $1 AND time >= $2 AND time <= $3
       GROUP BY rule_id ORDER BY count DESC, rule_id COLLATE "C" LIMIT $4`,
      args,
    )
    .map((r) => (r.label === null ? { key: r.key, count: r.count } : { key: r.key, label: r.label, count: r.count }));
  const topTechniques = pg
    .query<{ k: string; n: number }>(
      `SELECT t.k, COUNT(*) AS n FROM ev_alerts a,
         jsonb_array_elements_text(COALESCE(a.doc::jsonb -> 'techniques', '[]'::jsonb)) AS t(k)
       WHERE a.tenant = $1 AND a.time >= $2 AND a.time <= $3 GROUP BY t.k ORDER BY n DESC, t.k COLLATE "C" LIMIT $4`,
      args,
    )
    .map((r) => ({ key: r.k, count: r.n }));
  return {
    from: w.from,
    bucketMs,
    bySeverity,
    total,
    topRules,
    topTechniques,
    topHosts: topEntities(pg, ctx, w, 'host', top),
    topUsers: topEntities(pg, ctx, w, 'user', top),
  };
}

/**
 * One machine or account under several spellings counts once per alert, under its canonical
 * name (the node's `shortHostName` / `accountName`, which SQL does not have: the distinct
 * (alert, spelling) pairs are folded here).
 */
function topEntities(pg: SyncPg, ctx: AuthContext, w: BucketWindow, type: 'host' | 'user', top: number): TopEntry[] {
  const rows = pg.query<{ id: string; v: string }>(
    `SELECT DISTINCT a.id, e.value ->> 'value' AS v FROM ev_alerts a,
       jsonb_array_elements(COALESCE(a.doc::jsonb -> 'entities', '[]'::jsonb)) AS e(value)
     WHERE a.tenant = $1 AND a.time >= $2 AND a.time <= $3 AND e.value ->> 'type' = $4 AND e.value ->> 'value' IS NOT NULL`,
    [ctx.tenant, w.from, w.to, type],
  );
  const byKey = new Map<string, Set<string>>();
  for (const r of rows) {
    const k = type === 'host' ? shortHostName(r.v) : accountName(r.v);
    let ids = byKey.get(k);
    if (!ids) byKey.set(k, (ids = new Set()));
    ids.add(r.id);
  }
  return [...byKey.entries()]
    .map(([key, ids]) => ({ key, count: ids.size }))
    .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .slice(0, top);
}

/** Rule and technique hits over all the tenant's alerts (as `alertRuleCounts` / `alertTechniqueCounts`). */
export function pgHitCounts(pg: SyncPg): AlertHitCounts {
  return {
    rules(ctx) {
      const rows = pg.query<{ key: string; n: number; last: number }>(
        'SELECT rule_id AS key, COUNT(*) AS n, MAX(time) AS last FROM ev_alerts WHERE tenant = $1 GROUP BY rule_id',
        [ctx.tenant],
      );
      return new Map(rows.map((r) => [r.key, { count: r.n, last: r.last }]));
    },
    techniques(ctx) {
      const rows = pg.query<{ k: string; n: number }>(
        `SELECT t.k, COUNT(*) AS n FROM ev_alerts a,
           jsonb_array_elements_text(COALESCE(a.doc::jsonb -> 'techniques', '[]'::jsonb)) AS t(k)
         WHERE a.tenant = $1 GROUP BY t.k`,
        [ctx.tenant],
      );
      return new Map(rows.map((r) => [r.k, r.n]));
    },
  };
}

/**
 * Arrivals from the block and dead-letter ids of the tenant. Ids are taken before commit, so a
 * block committed after a higher id was sampled is not counted in any sample: rates may read
 * low while writers commit out of order, never high.
 */
export function pgArrivals(pg: SyncPg): ArrivalSource {
  return {
    mark(ctx) {
      const [r] = pg.query<{ b: number | null; d: number | null }>(
        `SELECT (SELECT MAX(id) FROM ev_blocks WHERE tenant = $1) AS b,
                (SELECT MAX(id) FROM ev_dead_letters WHERE tenant = $1) AS d`,
        [ctx.tenant],
      );
      return { block: r?.b ?? 0, deadLetter: r?.d ?? 0 };
    },
    since(ctx, after): Arrivals {
      const [r] = pg.query<{ n: number; b: number | null; dn: number; d: number | null }>(
        `SELECT b.n, b.m AS b, d.n AS dn, d.m AS d FROM
           (SELECT COALESCE(SUM(count), 0)::int8 AS n, MAX(id) AS m FROM ev_blocks WHERE tenant = $1 AND id > $2) b,
           (SELECT COUNT(*) AS n, MAX(id) AS m FROM ev_dead_letters WHERE tenant = $1 AND id > $3) d`,
        [ctx.tenant, after.block, after.deadLetter],
      );
      return {
        events: r?.n ?? 0,
        deadLetters: r?.dn ?? 0,
        mark: { block: r?.b ?? after.block, deadLetter: r?.d ?? after.deadLetter },
      };
    },
  };
}

/** The api role's searcher: the embedded jobs over the PostgreSQL store, on the calling thread. */
export function pgSearcher(events: PgEventStore, pg: SyncPg, settings: SearchSettings): Searcher {
  const gate = new UserGate(settings.maxConcurrentPerUser);
  const limits: QueryLimits = {
    maxWildcardSegments: settings.maxWildcardSegments,
    maxClauses: settings.maxClauses,
    maxDepth: settings.maxDepth,
    leadingWildcardMaxDays: settings.leadingWildcardMaxDays,
  };
  const triage = new PgAlertTriage(pg);
  const run = async (job: Job, guard: Guard): Promise<unknown> => {
    const { ctx } = job;
    switch (job.op) {
      case 'events':
        return events.searchEvents(ctx, { ...(job.args as JobTypes['events']['in']), ...guard });
      case 'alerts':
        return events.searchAlerts(ctx, { ...(job.args as JobTypes['alerts']['in']), ...guard });
      case 'histogram':
        return pgEventHistogram(events, ctx, { ...(job.args as JobTypes['histogram']['in']), ...guard });
      case 'triage':
        return triage.list(ctx, { ...(job.args as JobTypes['triage']['in']), ...guard });
      case 'overview': {
        const w = job.args as BucketWindow;
        const [d] = pg.query<{ n: number }>(
          'SELECT COUNT(*) AS n FROM ev_dead_letters WHERE tenant = $1 AND time >= $2 AND time <= $3',
          [ctx.tenant, w.from, w.to],
        );
        const figures: OverviewFigures = {
          alerts: pgAlertAggregates(pg, ctx, w),
          events: await pgEventHistogram(events, ctx, { ...w, q: '', deadline: guard.deadline }),
          states: triage.counts(ctx, w.from, w.to),
          stats: await events.stats(ctx),
          deadLettersInWindow: d?.n ?? 0,
        };
        return figures;
      }
    }
  };
  return {
    async run<K extends JobOp>(ctx: AuthContext, op: K, args: JobTypes[K]['in']): Promise<JobTypes[K]['out']> {
      const deadline = Date.now() + settings.timeBudgetMs;
      const leave = gate.enter(ctx, deadline);
      try {
        return (await run({ op, ctx, args } as Job, { limits, deadline })) as JobTypes[K]['out'];
      } finally {
        leave();
      }
    },
    terminated: 0,
    close: async () => undefined,
  };
}

/** How often the alert feed looks for new alerts. */
const FEED_POLL_MS = 2_000;
/**
 * Alerts younger than this (by `created`) wait for the next look, so a detect worker's batch
 * committed within that time is not passed over (the incident feed's `settleMs`, `incident-feed.ts`).
 */
const FEED_SETTLE_MS = 5_000;
/** Alerts handed on per look and subscriber; more wait for the next look. */
const FEED_BATCH = 500;

/**
 * The live alert feed of the api role: there is no bus here, so each subscriber polls
 * `ev_alerts` for its tenant's alerts in (`created`, id) order from when it subscribed. Alerts
 * appear `FEED_SETTLE_MS` to `FEED_SETTLE_MS + FEED_POLL_MS` after they are written.
 */
export function pgAlertFeed(
  pg: SyncPg,
  onError: (err: unknown) => void,
  pollMs = FEED_POLL_MS,
  settleMs = FEED_SETTLE_MS,
): AlertFeed {
  return {
    subscribe(ctx: AuthContext, listener: (alert: Alert) => void) {
      let at = { created: Date.now() - settleMs, id: '\uffff' };
      const look = (): void => {
        try {
          const rows = pg.query<{ created: number; id: string; doc: string }>(
            `SELECT created, id, doc FROM ev_alerts
             WHERE tenant = $1 AND (created, id) > ($2::int8, $3::text COLLATE "C") AND created <= $4
             ORDER BY created, id LIMIT $5`,
            [ctx.tenant, at.created, at.id, Date.now() - settleMs, FEED_BATCH],
          );
          for (const r of rows) {
            at = { created: r.created, id: r.id };
            const a = JSON.parse(r.doc) as Alert;
            if (a.tenant === ctx.tenant) listener(a);
          }
        } catch (err) {
          onError(err);
        }
      };
      const timer = setInterval(look, pollMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
