/**
 * @module
 * Counts of a simulated stream by label, format, source and story, for reports and tests.
 */
import type { SimFormat, SimRecord } from '../types.js';

/** Counts over a stream of records. */
export interface SimSummary {
  total: number;
  /** Records labelled `benign`. */
  benign: number;
  readonly byLabel: Record<string, number>;
  readonly byFormat: Record<SimFormat, number>;
  readonly bySource: Record<string, number>;
  /** Records per story instance (`rdp-intrusion#1`). */
  readonly byScenario: Record<string, number>;
  /** Time of the first and last record, epoch ms (undefined when empty). */
  first: number | undefined;
  last: number | undefined;
}

function bump(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

/** Counts records by label, format, source and story instance. Consumes the iterable. */
export function summary(records: Iterable<SimRecord>): SimSummary {
  const s: SimSummary = {
    total: 0,
    benign: 0,
    byLabel: {},
    byFormat: { windows: 0, syslog: 0, auditd: 0, zeek: 0 },
    bySource: {},
    byScenario: {},
    first: undefined,
    last: undefined,
  };
  for (const r of records) {
    s.total++;
    if (r.label === 'benign') s.benign++;
    bump(s.byLabel, r.label);
    s.byFormat[r.format]++;
    bump(s.bySource, r.source);
    if (r.scenario !== undefined) bump(s.byScenario, r.scenario);
    s.first ??= r.time;
    s.last = r.time;
  }
  return s;
}
