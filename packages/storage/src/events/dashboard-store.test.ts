import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dayOf, eventId, flattenInto, systemContext, type AuthContext, type FlatFields } from '@intersoc/core';
import {
  alertAggregates,
  alertRuleCounts,
  alertTechniqueCounts,
  arrivalMark,
  arrivalsSince,
  eventHistogram,
} from './aggregate.js';
import { SqliteAlertTriage } from './alert-triage.js';
import { encodeBlock, type BlockEvent } from './block.js';
import { openEventReader, type SqliteEventReader } from './reader.js';
import type { EventHydrator } from './types.js';
import { openEventWriter, type SqliteEventWriter } from './writer.js';
import { numberedAlert } from '../internal/fixtures.js';

const hydrator: EventHydrator = {
  hydrate(e) {
    const fields: FlatFields = {};
    flattenInto(fields, JSON.parse(e.raw));
    return { fields, ecs: typeof fields['host'] === 'string' ? { 'host.name': fields['host'] } : {} };
  },
};

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 4, 1);
const A = systemContext('acme');
const B = systemContext('beta');
const analyst: AuthContext = { tenant: 'acme', user: 'annie', roles: ['analyst'], via: 'session' };
const viewer: AuthContext = { tenant: 'acme', user: 'victor', roles: ['viewer'], via: 'session' };

function ev(tenant: string, i: number, time: number, rec: Record<string, unknown>): BlockEvent {
  const raw = JSON.stringify(rec);
  return {
    id: eventId(tenant, `f:${i}`, raw),
    time,
    ingested: time,
    source: { format: 'json', kind: 'file', name: 'f' },
    raw,
  };
}

const alert = numberedAlert;

describe('alert triage and dashboard aggregates', () => {
  let dir: string;
  let w: SqliteEventWriter;
  let r: SqliteEventReader;
  let triage: SqliteAlertTriage;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'intersoc-dash-'));
    const file = path.join(dir, 'events.db');
    w = openEventWriter(file, hydrator);
    r = openEventReader(file, hydrator);
    triage = new SqliteAlertTriage(r.db, () => T0 + 99 * HOUR);
    // 48 acme events, one every 30 minutes over a day; every 4th is a login failure.
    const events = Array.from({ length: 48 }, (_, i) =>
      ev('acme', i, T0 + i * 1_800_000, { host: `wks-${i % 3}`, action: i % 4 === 0 ? 'logon-failed' : 'ok' }),
    );
    const blocks = [];
    for (let i = 0; i < events.length; i += 10) blocks.push(encodeBlock('acme', dayOf(T0), events.slice(i, i + 10)));
    blocks.push(encodeBlock('beta', dayOf(T0), [ev('beta', 0, T0, { host: 'beta-host', action: 'logon-failed' })]));
    w.write({
      blocks,
      alerts: [...Array.from({ length: 12 }, (_, i) => alert('acme', i)), alert('beta', 0)],
      deadLetters: [],
    });
    w.indexPending(100);
  });
  afterEach(() => {
    r.close();
    w.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the queue newest first with states, filters and cursor pages', () => {
    const all = triage.list(A, {});
    expect(all.items).toHaveLength(12);
    expect(all.items[0]?.alert.id).toBe('acme-alert-0011');
    expect(all.items.every((x) => x.state.status === 'new')).toBe(true);
    expect(triage.list(A, { minSeverity: 'high' }).items).toHaveLength(6);
    expect(triage.list(A, { q: 'rule:"Rule A"' }).items.map((x) => x.alert.id)).toEqual([
      'acme-alert-0009',
      'acme-alert-0006',
      'acme-alert-0003',
      'acme-alert-0000',
    ]);
    const p1 = triage.list(A, { limit: 5 });
    expect(p1.items).toHaveLength(5);
    const p2 = triage.list(A, { limit: 5, cursor: p1.next! });
    const p3 = triage.list(A, { limit: 5, cursor: p2.next! });
    const ids = [...p1.items, ...p2.items, ...p3.items].map((x) => x.alert.id);
    expect(new Set(ids).size).toBe(12);
    expect(triage.list(B, {}).items.map((x) => x.alert.id)).toEqual(['beta-alert-0000']);
  });

  it('finds an entity under any of its spellings', () => {
    for (const q of ['host:HOST-1', 'host:host-1.corp.example.com', 'host:"HOST-1.corp.example.com"'])
      expect([q, triage.list(A, { q }).items.length]).toEqual([q, 6]);
    for (const q of ['user:bob', 'user:CORP\\bob', 'user:bob@corp.example.com'])
      expect([q, triage.list(A, { q }).items.length]).toEqual([q, 7]);
    expect(triage.list(A, { q: 'host:host-2' }).items).toHaveLength(0);
    const day = { from: T0, to: T0 + 24 * HOUR - 1, buckets: 6 };
    expect(eventHistogram(r, A, { ...day, q: 'host:WKS-1.corp.example.com AND action:ok' }).total).toBe(12);
    expect(eventHistogram(r, A, { ...day, q: 'host.name:WKS-1 AND action:ok' }).total).toBe(12);
  });

  it('acknowledges and closes in bulk, with reasons, within the tenant only', () => {
    const res = triage.setStatus(analyst, ['acme-alert-0001', 'acme-alert-0002', 'beta-alert-0000', 'nope'], {
      status: 'acknowledged',
      reason: 'looking',
    });
    expect(res).toEqual({ updated: 2, missing: ['beta-alert-0000', 'nope'] });
    expect(triage.get(B, 'beta-alert-0000')?.state).toEqual({ status: 'new' });
    expect(triage.get(A, 'acme-alert-0001')?.state).toEqual({
      status: 'acknowledged',
      reason: 'looking',
      by: 'annie',
      changed: T0 + 99 * HOUR,
    });
    expect(() => triage.setStatus(analyst, ['acme-alert-0003'], { status: 'closed' })).toThrow(/reason/);
    triage.setStatus(analyst, ['acme-alert-0002', 'acme-alert-0003'], { status: 'closed', reason: 'benign admin' });
    expect(triage.list(A, { statuses: ['closed'] }).items.map((x) => x.alert.id)).toEqual([
      'acme-alert-0003',
      'acme-alert-0002',
    ]);
    expect(triage.list(A, { statuses: ['new'] }).items).toHaveLength(9);
    expect(triage.counts(A, 0, Number.MAX_SAFE_INTEGER)).toEqual({ new: 9, acknowledged: 1, closed: 2 });
    // Closures by when they were made (case metrics count them), with the reason, tenant's own only.
    expect(
      triage
        .closedBetween(A, T0 + 99 * HOUR, T0 + 99 * HOUR)
        .map((x) => `${x.id} ${x.reason}`)
        .sort(),
    ).toEqual(['acme-alert-0002 benign admin', 'acme-alert-0003 benign admin']);
    expect(triage.closedBetween(A, T0 + 100 * HOUR, T0 + 101 * HOUR)).toEqual([]);
    expect(triage.closedBetween(B, 0, Number.MAX_SAFE_INTEGER)).toEqual([]);
    expect(triage.states(A, ['acme-alert-0003', 'acme-alert-0004']).get('acme-alert-0003')?.status).toBe('closed');
    expect(() => triage.setStatus(viewer, ['acme-alert-0005'], { status: 'acknowledged' })).toThrow(/analyst/);
    expect(triage.get(A, 'acme-alert-0005')?.state.status).toBe('new');
  });

  it('aggregates alerts by severity over time and ranks rules, techniques, hosts and users', () => {
    const agg = alertAggregates(r, A, { from: T0, to: T0 + 12 * HOUR - 1, buckets: 4 }, 2);
    expect(agg.bucketMs).toBe(3 * HOUR);
    expect(agg.total).toBe(12);
    expect(agg.bySeverity.map((b) => b.high)).toEqual([2, 1, 2, 1]);
    expect(agg.bySeverity.map((b) => b.low)).toEqual([1, 2, 1, 2]);
    expect(agg.topRules).toEqual([
      { key: 'rule-b', label: 'Rule B', count: 8 },
      { key: 'rule-a', label: 'Rule A', count: 4 },
    ]);
    expect(agg.topTechniques).toEqual([
      { key: 'T1078', count: 8 },
      { key: 'T1110.001', count: 8 },
    ]);
    expect(agg.topHosts).toEqual([
      { key: 'host-0', count: 6 },
      { key: 'host-1', count: 6 },
    ]);
    expect(agg.topUsers[0]).toEqual({ key: 'bob', count: 7 });
    expect(agg.topUsers).toHaveLength(2);
    expect(alertAggregates(r, B, { from: T0, to: T0 + HOUR, buckets: 1 }).total).toBe(1);
    expect(alertTechniqueCounts(r, A).get('T1003.001')).toBe(4);
    expect(alertRuleCounts(r, A).get('rule-a')).toEqual({ count: 4, last: T0 + 9 * HOUR });
    expect(() => alertAggregates(r, A, { from: 5, to: 1, buckets: 4 })).toThrow(/from <= to/);
  });

  it('counts events per bucket for any query, exactly, within the tenant', () => {
    const day = { from: T0, to: T0 + 24 * HOUR - 1, buckets: 6 };
    const all = eventHistogram(r, A, { ...day, q: '' });
    expect(all.counts).toEqual([8, 8, 8, 8, 8, 8]);
    expect(all.total).toBe(48);
    expect(all.partial).toBe(false);
    const failed = eventHistogram(r, A, { ...day, q: 'action:logon-failed' });
    expect(failed.counts).toEqual([2, 2, 2, 2, 2, 2]);
    const host = eventHistogram(r, A, { ...day, q: 'host.name:wks-1 AND action:ok' });
    expect(host.total).toBe(12);
    expect(eventHistogram(r, B, { ...day, q: '' }).total).toBe(1);
    expect(eventHistogram(r, A, { from: T0 + 2 * HOUR, to: T0 + 3 * HOUR - 1, buckets: 2, q: '' }).counts).toEqual([
      1, 1,
    ]);
  });

  it('counts arrivals after a mark', () => {
    const mark = arrivalMark(r, A);
    expect(arrivalsSince(r, A, { block: 0, deadLetter: 0 }).events).toBe(48);
    expect(arrivalsSince(r, A, mark)).toEqual({ events: 0, deadLetters: 0, mark });
    w.write({
      blocks: [encodeBlock('acme', dayOf(T0), [ev('acme', 100, T0, { host: 'late' })])],
      alerts: [],
      deadLetters: [
        {
          tenant: 'acme',
          time: T0,
          source: { format: 'json', kind: 'http', name: 'api' },
          reason: 'bad',
          raw: new Uint8Array([1]),
        },
        {
          tenant: 'beta',
          time: T0,
          source: { format: 'json', kind: 'http', name: 'api' },
          reason: 'bad',
          raw: new Uint8Array([1]),
        },
      ],
    });
    const after = arrivalsSince(r, A, mark);
    expect(after.events).toBe(1);
    expect(after.deadLetters).toBe(1);
    expect(arrivalsSince(r, B, arrivalMark(r, B)).events).toBe(0);
  });
});
