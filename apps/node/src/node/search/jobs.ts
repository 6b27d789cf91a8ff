/**
 * @module
 * The read jobs that walk the event store (event and alert search, histograms, the alert queue,
 * the overview's store figures) and the one function that runs them against a reader. Reader
 * threads run it; so does the main thread when the node has no reader threads.
 */
import { AppError, toAppError, type Alert, type AuthContext, type SocEvent } from '@intersoc/core';
import {
  alertAggregates,
  eventHistogram,
  SqliteAlertTriage,
  type AlertAggregates,
  type AlertStatus,
  type BucketWindow,
  type EventHistogram,
  type QueryLimits,
  type SearchPage,
  type SearchRequest,
  type SqliteEventReader,
  type StoreStats,
  type TriagePage,
  type TriageQuery,
} from '@intersoc/storage';

/** The store figures of the dashboard overview for one window. */
export interface OverviewFigures {
  readonly alerts: AlertAggregates;
  readonly events: EventHistogram;
  readonly states: Record<AlertStatus, number>;
  readonly stats: StoreStats;
  readonly deadLettersInWindow: number;
}

/** Each job's input (without the guard fields the runner adds) and its result. */
export interface JobTypes {
  readonly events: { in: Omit<SearchRequest, 'limits' | 'deadline'>; out: SearchPage<SocEvent> };
  readonly alerts: { in: Omit<SearchRequest, 'limits' | 'deadline'>; out: SearchPage<Alert> };
  readonly histogram: { in: BucketWindow & { readonly q: string }; out: EventHistogram };
  readonly triage: { in: Omit<TriageQuery, 'limits' | 'deadline'>; out: TriagePage };
  readonly overview: { in: BucketWindow; out: OverviewFigures };
}

/** A job's name. */
export type JobOp = keyof JobTypes;

/** A job as it crosses to a reader thread. */
export interface Job<K extends JobOp = JobOp> {
  readonly op: K;
  readonly ctx: AuthContext;
  readonly args: JobTypes[K]['in'];
}

/** What bounds one run: the query limits and the deadline (epoch ms) of the time budget. */
export interface Guard {
  readonly limits: QueryLimits;
  readonly deadline: number;
}

/** A job's outcome as it crosses back; errors keep their AppError code. */
export type JobOutcome =
  | { readonly ok: true; readonly value: unknown }
  | {
      readonly ok: false;
      readonly error: { code: AppError['code']; message: string; details?: Record<string, unknown> };
    };

/** The reader-side state jobs run against. */
export class JobRunner {
  private triage: SqliteAlertTriage | undefined;

  constructor(private readonly reader: SqliteEventReader) {}

  /** Runs `job` within `guard`. */
  run<K extends JobOp>(job: Job<K>, guard: Guard): JobTypes[K]['out'] {
    const { ctx } = job;
    const j = job as Job;
    switch (j.op) {
      case 'events':
        return this.reader.searchEvents(ctx, { ...(j.args as JobTypes['events']['in']), ...guard }) as never;
      case 'alerts':
        return this.reader.searchAlerts(ctx, { ...(j.args as JobTypes['alerts']['in']), ...guard }) as never;
      case 'histogram':
        return eventHistogram(this.reader, ctx, { ...(j.args as JobTypes['histogram']['in']), ...guard }) as never;
      case 'triage':
        return this.queue().list(ctx, { ...(j.args as JobTypes['triage']['in']), ...guard }) as never;
      case 'overview':
        return this.overview(ctx, j.args as BucketWindow, guard) as never;
    }
  }

  /** Runs `job` and turns any failure into a cloneable outcome. */
  settle(job: Job, guard: Guard): JobOutcome {
    try {
      return { ok: true, value: this.run(job, guard) };
    } catch (err) {
      const e = toAppError(err);
      return {
        ok: false,
        error: { code: e.code, message: e.message, ...(e.details ? { details: { ...e.details } } : {}) },
      };
    }
  }

  private queue(): SqliteAlertTriage {
    return (this.triage ??= new SqliteAlertTriage(this.reader.db));
  }

  private overview(ctx: AuthContext, w: BucketWindow, guard: Guard): OverviewFigures {
    const db = this.reader.db;
    return {
      alerts: alertAggregates(this.reader, ctx, w, 10),
      events: eventHistogram(this.reader, ctx, { ...w, q: '', deadline: guard.deadline }),
      states: this.queue().counts(ctx, w.from, w.to),
      stats: this.reader.stats(ctx),
      deadLettersInWindow: (
        db
          .prepare('SELECT COUNT(*) AS n FROM dead_letters WHERE tenant = ? AND time >= ? AND time <= ?')
          .get(ctx.tenant, w.from, w.to) as { n: number }
      ).n,
    };
  }
}

/** Rebuilds the AppError of a failed outcome. */
export function outcomeError(o: Extract<JobOutcome, { ok: false }>): AppError {
  return new AppError(o.error.code, o.error.message, o.error.details ? { details: o.error.details } : {});
}
