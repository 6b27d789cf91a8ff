/**
 * @module
 * The streaming anomaly detector (`createContextDetector`, the one `intersoc anomaly nab`
 * measures) on the node's own series: per tenant, the number of events per source
 * (`events:<format>@<peer or listener>`) and the bytes per host of flow events
 * (`bytes:<source.ip>`, source plus destination bytes), counted per bucket of event time. Each
 * closed bucket is one row of each series (0 when the series had nothing); a row whose score
 * reaches the threshold raises an `anomaly` alert with the series, the value and the range the
 * detector expected. The detectors' state and the next bucket to read are kept in the node
 * database after every bucket, so the series survive restarts and no bucket is read twice.
 * Bounded: at most `maxSeries` series per tenant and family (the first seen), `maxEvents` events
 * read per bucket, `maxBuckets` buckets caught up per run.
 */
import { systemContext, type Alert, type SocEvent } from '@intersoc/core';
import { createContextDetector, type ContextDetector, type ContextState } from '@intersoc/learn';
import { migrate, type EventReader, type SqliteDb } from '@intersoc/storage';
import { nodeAlert } from './node-alerts.js';

const STEPS = [
  `CREATE TABLE ml_live_series (
     tenant TEXT NOT NULL,
     series TEXT NOT NULL,
     state TEXT NOT NULL,
     updated INTEGER NOT NULL,
     PRIMARY KEY (tenant, series)
   ) WITHOUT ROWID;
   CREATE TABLE ml_live_marks (tenant TEXT PRIMARY KEY, next INTEGER NOT NULL) WITHOUT ROWID;`,
];

/** Settings of the live series. */
export interface LiveSeriesOptions {
  /** Bucket length, ms (default 5 minutes). */
  readonly bucketMs?: number;
  /** Buckets each series learns from before it scores (default 288, a day of 5-minute buckets; at least 50). */
  readonly probation?: number;
  /** Score at or above which an alert is raised (default 0.85, the detector's own firing level). */
  readonly threshold?: number;
  /** Series kept per tenant and family (default 25). */
  readonly maxSeries?: number;
  /** Events read per bucket (default 200,000). */
  readonly maxEvents?: number;
  /** Buckets caught up per run (default 288). */
  readonly maxBuckets?: number;
  /** A bucket is read this long after it closed, so late commits are in (default 60 s). */
  readonly graceMs?: number;
}

/** One anomaly. */
export interface LiveAnomaly {
  readonly tenant: string;
  readonly series: string;
  readonly from: number;
  readonly to: number;
  readonly value: number;
  readonly expected?: { readonly low: number; readonly high: number };
  readonly score: number;
  readonly alert: Alert;
}

interface Tracked {
  readonly detector: ContextDetector;
  dirty: boolean;
}

function familyOf(series: string): string {
  return series.slice(0, series.indexOf(':'));
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v !== '' ? Number(v) || 0 : 0;
}

/** What one event adds to which series. */
function observe(e: SocEvent, add: (series: string, v: number) => void): void {
  add(`events:${e.source.format}@${e.source.peer ?? e.source.name}`, 1);
  const sb = e.ecs['source.bytes'];
  const db = e.ecs['destination.bytes'];
  const ip = e.ecs['source.ip'];
  if ((sb !== undefined || db !== undefined) && typeof ip === 'string') add(`bytes:${ip}`, num(sb) + num(db));
}

const round = (x: number): number => Math.round(x * 100) / 100;

/** The live series of every tenant, over the node database (state) and the event reader (counts). */
export class LiveSeries {
  private readonly bucketMs: number;
  private readonly probation: number;
  private readonly threshold: number;
  private readonly maxSeries: number;
  private readonly maxEvents: number;
  private readonly maxBuckets: number;
  private readonly graceMs: number;
  private readonly tracked = new Map<string, Map<string, Tracked>>();

  constructor(
    private readonly db: SqliteDb,
    private readonly reader: EventReader,
    o: LiveSeriesOptions = {},
  ) {
    migrate(db, 'ml-live', STEPS);
    this.bucketMs = o.bucketMs ?? 300_000;
    this.probation = Math.max(50, o.probation ?? 288);
    this.threshold = o.threshold ?? 0.85;
    this.maxSeries = o.maxSeries ?? 25;
    this.maxEvents = o.maxEvents ?? 200_000;
    this.maxBuckets = o.maxBuckets ?? 288;
    this.graceMs = o.graceMs ?? 60_000;
  }

  /** The tenant's series, loaded from the database the first time. */
  private seriesOf(tenant: string): Map<string, Tracked> {
    let m = this.tracked.get(tenant);
    if (m) return m;
    m = new Map();
    const rows = this.db.prepare('SELECT series, state FROM ml_live_series WHERE tenant = ?').all(tenant) as {
      series: string;
      state: string;
    }[];
    for (const r of rows) {
      m.set(r.series, {
        detector: createContextDetector({ probation: this.probation }, JSON.parse(r.state) as ContextState),
        dirty: false,
      });
    }
    this.tracked.set(tenant, m);
    return m;
  }

  /** Names of the tenant's series (for tests and health). */
  names(tenant: string): string[] {
    return [...this.seriesOf(tenant).keys()].sort();
  }

  /** Reads every closed bucket of the tenant since the last run, scores it; the anomalies found. */
  async run(tenant: string, now = Date.now()): Promise<LiveAnomaly[]> {
    const mark = this.db.prepare('SELECT next FROM ml_live_marks WHERE tenant = ?').get(tenant) as
      { next: number } | undefined;
    const closedEnd = Math.floor((now - this.graceMs) / this.bucketMs) * this.bucketMs;
    // A first run starts with the last closed bucket: history before the node watched is not replayed.
    let next = mark?.next ?? closedEnd - this.bucketMs;
    // After a long stop only the latest buckets are read (the gap counts as nothing seen).
    next = Math.max(next, closedEnd - this.maxBuckets * this.bucketMs);
    const out: LiveAnomaly[] = [];
    for (; next + this.bucketMs <= closedEnd; next += this.bucketMs) {
      out.push(...(await this.bucket(tenant, next)));
      this.save(tenant, next + this.bucketMs, now);
    }
    return out;
  }

  private async bucket(tenant: string, from: number): Promise<LiveAnomaly[]> {
    const ctx = systemContext(tenant);
    const to = from + this.bucketMs - 1;
    const sums = new Map<string, number>();
    const add = (s: string, v: number): void => void sums.set(s, (sums.get(s) ?? 0) + v);
    let read = 0;
    let cursor: string | undefined;
    do {
      const page = this.reader.searchEvents(ctx, {
        q: '',
        from,
        to,
        limit: 2000,
        deadline: Date.now() + 50,
        ...(cursor ? { cursor } : {}),
      });
      for (const e of page.items) observe(e, add);
      read += page.items.length;
      cursor = page.next;
      // A serving node keeps answering between pages.
      await new Promise<void>((r) => setImmediate(r));
    } while (cursor !== undefined && read < this.maxEvents);

    const series = this.seriesOf(tenant);
    const perFamily = new Map<string, number>();
    for (const s of series.keys()) perFamily.set(familyOf(s), (perFamily.get(familyOf(s)) ?? 0) + 1);
    // New series, the largest first, while their family has room.
    for (const [s] of [...sums].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) {
      if (series.has(s)) continue;
      const f = familyOf(s);
      if ((perFamily.get(f) ?? 0) >= this.maxSeries) continue;
      perFamily.set(f, (perFamily.get(f) ?? 0) + 1);
      series.set(s, { detector: createContextDetector({ probation: this.probation }), dirty: true });
    }
    const out: LiveAnomaly[] = [];
    for (const [s, t] of series) {
      const value = sums.get(s) ?? 0;
      const expected = t.detector.expected();
      const score = t.detector.update(to, value);
      t.dirty = true;
      if (score < this.threshold) continue;
      out.push(this.anomaly(tenant, s, from, to, value, score, expected));
    }
    return out;
  }

  private anomaly(
    tenant: string,
    series: string,
    from: number,
    to: number,
    value: number,
    score: number,
    expected: { low: number; high: number } | undefined,
  ): LiveAnomaly {
    const family = familyOf(series);
    const subject = series.slice(family.length + 1);
    const minutes = Math.round(this.bucketMs / 60_000);
    const range = expected
      ? `expected ${round(Math.max(0, expected.low))}–${round(expected.high)}`
      : 'nothing expected yet';
    const what = family === 'bytes' ? `bytes from ${subject}` : `events from ${subject}`;
    const summary = `${what}: ${round(value)} in ${minutes} min, ${range} (anomaly score ${score.toFixed(2)})`;
    const alert = nodeAlert(
      tenant,
      {
        time: to,
        detector: {
          kind: 'anomaly',
          ruleId: `anomaly:${family}`,
          ruleTitle: family === 'bytes' ? 'bytes per host out of pattern' : 'event rate per source out of pattern',
        },
        severity: score >= 0.95 ? 'medium' : 'low',
        tactics: [],
        techniques: [],
        entities: family === 'bytes' ? [{ type: 'ip', value: subject, role: 'source' }] : [],
        eventIds: [],
        summary,
        details: {
          series,
          value,
          ...(expected ? { expected: { low: round(expected.low), high: round(expected.high) } } : {}),
          score,
          threshold: this.threshold,
          bucket: { from, to: to + 1 },
        },
      },
      [series, String(from)],
    );
    return {
      tenant,
      series,
      from,
      to: to + 1,
      value,
      ...(expected ? { expected } : {}),
      score,
      alert,
    };
  }

  private save(tenant: string, next: number, now: number): void {
    const series = this.seriesOf(tenant);
    const put = this.db.prepare(
      `INSERT INTO ml_live_series (tenant, series, state, updated) VALUES (?, ?, ?, ?)
       ON CONFLICT (tenant, series) DO UPDATE SET state = excluded.state, updated = excluded.updated`,
    );
    this.db.transaction(() => {
      for (const [s, t] of series) {
        if (!t.dirty) continue;
        put.run(tenant, s, JSON.stringify(t.detector.snapshot()), now);
        t.dirty = false;
      }
      this.db
        .prepare(
          'INSERT INTO ml_live_marks (tenant, next) VALUES (?, ?) ON CONFLICT (tenant) DO UPDATE SET next = excluded.next',
        )
        .run(tenant, next);
    })();
  }
}
