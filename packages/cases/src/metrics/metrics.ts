/**
 * @module
 * Case metrics: per case the time to detect (first malicious activity → the node raised it),
 * acknowledge (→ someone took it), contain and resolve (both from detection); per tenant their
 * means (MTTD, MTTA, MTTC, MTTR) overall and per time bucket, counts by status and resolution,
 * and how NIS2 deadlines were kept.
 */
import type { Case, CaseStatus, Resolution } from '../cases/types.js';
import { nis2Deadlines } from '../nis2/deadlines.js';

/** The four durations of one case, ms (absent until the case gets there). */
export interface CaseMetrics {
  readonly ttd?: number;
  readonly tta?: number;
  readonly ttc?: number;
  readonly ttr?: number;
}

/** Means of the cases detected within one bucket. */
export interface MetricsBucket {
  readonly start: number;
  readonly cases: number;
  readonly mttd?: number;
  readonly mtta?: number;
  readonly mttc?: number;
  readonly mttr?: number;
}

/** The metrics of a tenant over a window. */
export interface TenantMetrics {
  readonly from: number;
  readonly to: number;
  readonly bucketMs: number;
  readonly cases: number;
  readonly byStatus: Readonly<Record<CaseStatus, number>>;
  readonly byResolution: Readonly<Record<Resolution, number>>;
  readonly mttd?: number;
  readonly mtta?: number;
  readonly mttc?: number;
  readonly mttr?: number;
  readonly buckets: readonly MetricsBucket[];
  readonly nis2: { readonly significant: number; readonly met: number; readonly missed: number; readonly open: number };
}

const span = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined || b === undefined ? undefined : Math.max(0, b - a);

/** The durations of one case. */
export function caseMetrics(c: Case): CaseMetrics {
  const ttd = span(c.occurredAt, c.detectedAt);
  const tta = span(c.detectedAt, c.acknowledgedAt);
  const ttc = span(c.detectedAt, c.containedAt);
  const ttr = span(c.detectedAt, c.resolvedAt);
  return {
    ...(ttd === undefined ? {} : { ttd }),
    ...(tta === undefined ? {} : { tta }),
    ...(ttc === undefined ? {} : { ttc }),
    ...(ttr === undefined ? {} : { ttr }),
  };
}

function mean(values: readonly (number | undefined)[]): number | undefined {
  const v = values.filter((x): x is number => x !== undefined);
  return v.length === 0 ? undefined : Math.round(v.reduce((a, b) => a + b, 0) / v.length);
}

function means(list: readonly CaseMetrics[]): Omit<MetricsBucket, 'start' | 'cases'> {
  const d = mean(list.map((m) => m.ttd));
  const a = mean(list.map((m) => m.tta));
  const c = mean(list.map((m) => m.ttc));
  const r = mean(list.map((m) => m.ttr));
  return {
    ...(d === undefined ? {} : { mttd: d }),
    ...(a === undefined ? {} : { mtta: a }),
    ...(c === undefined ? {} : { mttc: c }),
    ...(r === undefined ? {} : { mttr: r }),
  };
}

/** Metrics of the cases detected within [from, to], in `buckets` buckets. */
export function tenantMetrics(
  all: readonly Case[],
  w: { readonly from: number; readonly to: number; readonly buckets: number },
  now: number,
): TenantMetrics {
  const cases = all.filter((c) => c.detectedAt >= w.from && c.detectedAt <= w.to);
  const bucketMs = Math.max(1, Math.ceil((w.to - w.from + 1) / Math.max(1, w.buckets)));
  const byStatus: Record<CaseStatus, number> = { new: 0, 'in-progress': 0, contained: 0, resolved: 0, closed: 0 };
  const byResolution: Record<Resolution, number> = { 'true-positive': 0, 'false-positive': 0, benign: 0, duplicate: 0 };
  const metrics = cases.map((c) => {
    byStatus[c.status]++;
    if (c.resolution) byResolution[c.resolution]++;
    return { c, m: caseMetrics(c) };
  });
  const buckets: MetricsBucket[] = [];
  for (let i = 0; i < Math.max(1, w.buckets); i++) {
    const start = w.from + i * bucketMs;
    const inside = metrics.filter((x) => x.c.detectedAt >= start && x.c.detectedAt < start + bucketMs);
    buckets.push({ start, cases: inside.length, ...means(inside.map((x) => x.m)) });
  }
  let met = 0;
  let missed = 0;
  let open = 0;
  const significant = cases.filter((c) => c.significant);
  for (const c of significant) {
    for (const d of nis2Deadlines(
      { awareAt: c.awareAt ?? c.detectedAt, timeZone: c.timeZone, submitted: c.submitted },
      now,
    )) {
      if (d.state === 'submitted') met++;
      else if (d.state === 'late' || d.state === 'overdue') missed++;
      else open++;
    }
  }
  return {
    from: w.from,
    to: w.to,
    bucketMs,
    cases: cases.length,
    byStatus,
    byResolution,
    ...means(metrics.map((x) => x.m)),
    buckets,
    nis2: { significant: significant.length, met, missed, open },
  };
}

/** Alerts closed in a window, wherever they were closed. */
export interface AlertClosures {
  /** Distinct alerts closed, in the queue or with their case. */
  readonly closed: number;
  readonly inQueue: number;
  readonly inCases: number;
  /** Queue closures by reason. */
  readonly byReason: Readonly<Record<string, number>>;
}

/**
 * Counts alerts closed in the alert queue and alerts closed with their case together: most alerts
 * are closed in the queue and never become a case, so case figures alone undercount the work.
 * An alert closed both ways counts once in `closed`.
 */
export function alertClosures(
  queue: readonly { readonly id: string; readonly reason: string }[],
  inCases: Iterable<string>,
): AlertClosures {
  const byReason: Record<string, number> = {};
  for (const a of queue) byReason[a.reason || 'unspecified'] = (byReason[a.reason || 'unspecified'] ?? 0) + 1;
  const caseIds = new Set(inCases);
  const all = new Set([...queue.map((a) => a.id), ...caseIds]);
  return { closed: all.size, inQueue: new Set(queue.map((a) => a.id)).size, inCases: caseIds.size, byReason };
}
