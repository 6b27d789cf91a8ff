/**
 * @module
 * The entity service behind host and user pages: composes the alert queue, the incident store,
 * the asset inventory and event search for one canonical host or account. Activity is counted
 * over the days up to the entity's newest event (not up to now), so a replayed or imported data
 * set shows its activity too.
 */
import { accountName, AppError, shortHostName, type AuthContext } from '@intersoc/core';
import type { AlertTriageService, EntityService, OverviewService, SearchService } from '@intersoc/api';
import type { AssetStore, IncidentStore } from '@intersoc/correlate';
import { briefOf } from '../incidents/services.js';

const HOUR = 3_600_000;
/** Alerts and incidents shown on one page. */
const MAX_ALERTS = 200;
const MAX_INCIDENTS = 100;
/** Newest events whose sources are counted. */
const SOURCE_SAMPLE = 500;

/** What the entity service reads. */
export interface EntityDeps {
  readonly triage: AlertTriageService;
  readonly search: SearchService;
  readonly overview: OverviewService;
  readonly incidents: IncidentStore;
  readonly assets: AssetStore;
}

/** `host:wks-03`, quoted when the name holds anything but letters, digits, `.`, `_` and `-`. */
export function entityTerm(kind: 'host' | 'user', name: string): string {
  return `${kind}:${/^[\w.-]+$/.test(name) ? name : JSON.stringify(name)}`;
}

/** The entity service of a node. */
export function entityService(d: EntityDeps): EntityService {
  return {
    async profile(ctx: AuthContext, kind, raw, o) {
      const name = kind === 'host' ? shortHostName(raw) : accountName(raw);
      const query = entityTerm(kind, name);
      const [alerts, recent] = await Promise.all([
        d.triage.list(ctx, { q: query, limit: MAX_ALERTS }),
        d.search.searchEvents(ctx, { q: query, limit: SOURCE_SAMPLE }),
      ]);
      const lastSeen = recent.items.reduce<number | undefined>(
        (m, e) => (m === undefined || e.time > m ? e.time : m),
        undefined,
      );
      const asset = d.assets.get(ctx, kind, name);
      // A name the tenant has never seen is not a page: the same answer as any unknown record.
      if (recent.items.length === 0 && alerts.items.length === 0 && !asset)
        throw new AppError('NOT_FOUND', `no ${kind} ${name}`);
      const sources = new Map<string, { format: string; name: string; count: number }>();
      for (const e of recent.items) {
        const key = `${e.source.format}\u0000${e.source.name}`;
        const s = sources.get(key);
        if (s) s.count++;
        else sources.set(key, { format: e.source.format, name: e.source.name, count: 1 });
      }
      const to = Math.ceil(((lastSeen ?? Date.now()) + 1) / HOUR) * HOUR;
      const from = to - o.days * 24 * HOUR;
      const histogram = await d.overview.histogram(ctx, { q: query, from, to, buckets: o.days * 24 });
      // The incident store's text filter narrows the scan; the host/user lists decide.
      const incidents = d.incidents
        .list(ctx, { q: name, limit: 1000 })
        .items.filter((i) => (kind === 'host' ? i.hosts : i.users).some((v) => canonical(kind, v) === name))
        .slice(0, MAX_INCIDENTS)
        .map(briefOf);
      return {
        kind,
        name,
        query,
        ...(asset ? { asset } : {}),
        ...(lastSeen === undefined ? {} : { lastSeen }),
        sources: [...sources.values()].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name)),
        alerts: alerts.items,
        moreAlerts: alerts.nextCursor !== undefined,
        incidents,
        activity: {
          from: histogram.from,
          to: histogram.to,
          bucketMs: histogram.bucketMs,
          counts: histogram.counts,
          total: histogram.total,
          partial: histogram.partial,
        },
      };
    },
  };
}

function canonical(kind: 'host' | 'user', v: string): string {
  return kind === 'host' ? shortHostName(v) : accountName(v);
}
