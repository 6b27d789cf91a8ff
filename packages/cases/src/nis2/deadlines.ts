/**
 * @module
 * NIS2 Article 23 deadlines of a significant incident, counted from when the SOC became aware:
 * an early warning within 24 hours, an incident notification within 72 hours, and a final report
 * one month after the notification was submitted (until it is, one month after its deadline).
 * Hours are elapsed time, so a daylight-saving change in between does not move them; the month
 * is a calendar month in the case's time zone. Each deadline warns some time before it passes.
 */
import type { Nis2ReportKind } from '../cases/types.js';
import { addMonths, formatLocal } from './zoned-time.js';

const HOUR = 3_600_000;

/** Where a deadline stands at a given moment. */
export type DeadlineState = 'pending' | 'due-soon' | 'overdue' | 'submitted' | 'late';

/** One deadline. */
export interface Nis2Deadline {
  readonly kind: Nis2ReportKind;
  /** Due, epoch ms. */
  readonly due: number;
  /** Due, ISO-8601 in the case's time zone with its offset. */
  readonly dueLocal: string;
  /** From when it warns, epoch ms. */
  readonly warnFrom: number;
  /** How it was counted. */
  readonly basis: string;
  readonly submitted?: number;
  readonly state: DeadlineState;
  /** Ms until due (negative when passed). */
  readonly remainingMs: number;
}

/** How long before each deadline the node warns. */
export const WARN_BEFORE: Readonly<Record<Nis2ReportKind, number>> = {
  'early-warning': 6 * HOUR,
  notification: 12 * HOUR,
  final: 7 * 24 * HOUR,
};

/** What the deadlines are computed from. */
export interface DeadlineInput {
  readonly awareAt: number;
  readonly timeZone: string;
  readonly submitted: Readonly<Partial<Record<Nis2ReportKind, number>>>;
}

function stateOf(due: number, warnFrom: number, submitted: number | undefined, now: number): DeadlineState {
  if (submitted !== undefined) return submitted <= due ? 'submitted' : 'late';
  if (now > due) return 'overdue';
  return now >= warnFrom ? 'due-soon' : 'pending';
}

/** The three deadlines at `now`. */
export function nis2Deadlines(i: DeadlineInput, now: number): Nis2Deadline[] {
  const early = i.awareAt + 24 * HOUR;
  const notification = i.awareAt + 72 * HOUR;
  const notified = i.submitted.notification;
  const final = addMonths(notified ?? notification, 1, i.timeZone);
  const make = (kind: Nis2ReportKind, due: number, basis: string): Nis2Deadline => {
    const warnFrom = due - WARN_BEFORE[kind];
    const submitted = i.submitted[kind];
    return {
      kind,
      due,
      dueLocal: formatLocal(due, i.timeZone),
      warnFrom,
      basis,
      ...(submitted === undefined ? {} : { submitted }),
      state: stateOf(due, warnFrom, submitted, now),
      remainingMs: due - now,
    };
  };
  return [
    make('early-warning', early, '24 hours after the SOC became aware'),
    make('notification', notification, '72 hours after the SOC became aware'),
    make(
      'final',
      final,
      notified === undefined
        ? `one calendar month (${i.timeZone}) after the notification deadline; moves to one month after the notification once submitted`
        : `one calendar month (${i.timeZone}) after the notification was submitted`,
    ),
  ];
}
