import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nis2Deadlines } from './deadlines.js';
import {
  NIS2_IMPACT_SEVERITIES,
  NIS2_OUTLOOKS,
  NIS2_PREDICATES,
  NIS2_ROOT_CAUSES,
  NIS2_SECTORS,
  NIS2_THREAT_SEVERITIES,
} from './vocab.js';
import { addMonths, formatLocal, instantOf, offsetAt } from './zoned-time.js';

const H = 3_600_000;

describe('calendar arithmetic in a time zone', () => {
  it('keeps the local time across a spring-forward change (Europe/Berlin)', () => {
    const aware = Date.parse('2025-03-10T10:00:00+01:00');
    const due = addMonths(aware, 1, 'Europe/Berlin');
    expect(formatLocal(due, 'Europe/Berlin')).toBe('2025-04-10T10:00:00+02:00');
    expect(due - aware).toBe(31 * 24 * H - H);
  });

  it('keeps the local time across a fall-back change (America/New_York)', () => {
    const aware = Date.parse('2025-10-20T09:30:00-04:00');
    const due = addMonths(aware, 1, 'America/New_York');
    expect(formatLocal(due, 'America/New_York')).toBe('2025-11-20T09:30:00-05:00');
    expect(due - aware).toBe(31 * 24 * H + H);
  });

  it('handles the southern hemisphere (Australia/Sydney leaves summer time in April)', () => {
    const aware = Date.parse('2025-03-15T12:00:00+11:00');
    expect(formatLocal(addMonths(aware, 1, 'Australia/Sydney'), 'Australia/Sydney')).toBe('2025-04-15T12:00:00+10:00');
  });

  it('clamps to the last day of a shorter month', () => {
    const aware = Date.parse('2025-01-31T23:00:00Z');
    expect(formatLocal(addMonths(aware, 1, 'UTC'), 'UTC')).toBe('2025-02-28T23:00:00+00:00');
    expect(formatLocal(addMonths(Date.parse('2024-01-31T08:00:00Z'), 1, 'UTC'), 'UTC')).toBe(
      '2024-02-29T08:00:00+00:00',
    );
    expect(formatLocal(addMonths(Date.parse('2025-12-15T08:00:00Z'), 1, 'UTC'), 'UTC')).toBe(
      '2026-01-15T08:00:00+00:00',
    );
  });

  it('moves a skipped local time forward and takes the earlier of a repeated one', () => {
    // 02:30 does not exist in Berlin on 30 March 2025; it becomes 03:30 CEST.
    const gap = instantOf(
      { year: 2025, month: 3, day: 30, hour: 2, minute: 30, second: 0, millisecond: 0 },
      'Europe/Berlin',
    );
    expect(formatLocal(gap, 'Europe/Berlin')).toBe('2025-03-30T03:30:00+02:00');
    // 02:30 happens twice on 26 October 2025; the first one is still summer time.
    const twice = instantOf(
      { year: 2025, month: 10, day: 26, hour: 2, minute: 30, second: 0, millisecond: 0 },
      'Europe/Berlin',
    );
    expect(new Date(twice).toISOString()).toBe('2025-10-26T00:30:00.000Z');
    expect(offsetAt(twice, 'Europe/Berlin')).toBe(2 * H);
  });
});

describe('NIS2 deadlines', () => {
  it('counts 24 and 72 hours as elapsed time even across a change of clocks', () => {
    // Aware on Saturday 29 March 2025 at 12:00 in Berlin; clocks go forward that night.
    const aware = Date.parse('2025-03-29T12:00:00+01:00');
    const [early, note, final] = nis2Deadlines({ awareAt: aware, timeZone: 'Europe/Berlin', submitted: {} }, aware);
    expect(early?.due).toBe(aware + 24 * H);
    expect(early?.dueLocal).toBe('2025-03-30T13:00:00+02:00');
    expect(note?.due).toBe(aware + 72 * H);
    expect(note?.dueLocal).toBe('2025-04-01T13:00:00+02:00');
    // The final report: one calendar month after the notification deadline until it is submitted.
    expect(final?.dueLocal).toBe('2025-05-01T13:00:00+02:00');
  });

  it('gives the same instants whatever zone they are shown in', () => {
    const aware = Date.parse('2025-06-01T08:00:00Z');
    const a = nis2Deadlines({ awareAt: aware, timeZone: 'Asia/Tokyo', submitted: {} }, aware);
    const b = nis2Deadlines({ awareAt: aware, timeZone: 'America/Los_Angeles', submitted: {} }, aware);
    expect(a[0]?.due).toBe(b[0]?.due);
    expect(a[1]?.due).toBe(b[1]?.due);
    expect(a[0]?.dueLocal).toBe('2025-06-02T17:00:00+09:00');
    expect(b[0]?.dueLocal).toBe('2025-06-02T01:00:00-07:00');
  });

  it('counts the final report from the submitted notification and tracks states', () => {
    const aware = Date.parse('2025-01-10T10:00:00Z');
    const submittedAt = aware + 50 * H;
    const d = nis2Deadlines(
      { awareAt: aware, timeZone: 'UTC', submitted: { 'early-warning': aware + 30 * H, notification: submittedAt } },
      aware + 60 * H,
    );
    expect(d.map((x) => x.state)).toEqual(['late', 'submitted', 'pending']);
    expect(d[2]?.dueLocal).toBe('2025-02-12T12:00:00+00:00');
    const soon = nis2Deadlines({ awareAt: aware, timeZone: 'UTC', submitted: {} }, aware + 20 * H);
    expect(soon[0]?.state).toBe('due-soon');
    const over = nis2Deadlines({ awareAt: aware, timeZone: 'UTC', submitted: {} }, aware + 25 * H);
    expect(over[0]?.state).toBe('overdue');
    expect(over[0]?.remainingMs).toBe(-H);
  });
});

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const corpora = process.env['INTERSOC_CORPORA'] ?? path.resolve(repo, '../shared/corpora');
const taxonomy = path.join(corpora, 'cti', 'misp-taxonomies', 'nis2', 'machinetag.json');

describe.skipIf(!existsSync(taxonomy))('NIS2 vocabularies against the published taxonomy', { tags: ['corpus'] }, () => {
  it('uses exactly the values of each predicate', () => {
    const t = JSON.parse(readFileSync(taxonomy, 'utf8')) as {
      namespace: string;
      values: { predicate: string; entry: { value: string }[] }[];
    };
    expect(t.namespace).toBe('nis2');
    const values = (p: string): string[] =>
      (t.values.find((v) => v.predicate === p)?.entry ?? []).map((e) => e.value).sort();
    expect([...NIS2_ROOT_CAUSES].sort()).toEqual(values(NIS2_PREDICATES.rootCause));
    expect([...NIS2_THREAT_SEVERITIES].sort()).toEqual(values(NIS2_PREDICATES.threatSeverity));
    expect([...NIS2_IMPACT_SEVERITIES].sort()).toEqual(values(NIS2_PREDICATES.impactSeverity));
    expect([...NIS2_OUTLOOKS].sort()).toEqual(values(NIS2_PREDICATES.outlook));
    expect([...NIS2_SECTORS].sort()).toEqual(values(NIS2_PREDICATES.sector));
  });
});
