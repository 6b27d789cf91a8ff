import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '@intersoc/core';
import { createHarness } from '../internal/testing.js';
import type { Harness } from '../internal/testing.js';

interface EventOut {
  id: string;
  time: number;
  tenant: string;
  raw: string;
  ecs: Record<string, unknown>;
  source: { kind: string; peer?: string };
}
interface PageOut<T> {
  items: T[];
  nextCursor?: string;
}

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ capacity: 200 });
});
afterAll(async () => {
  await h.close();
});

const T0 = Date.parse('2025-03-01T10:00:00Z');
const lines = Array.from({ length: 25 }, (_, i) =>
  JSON.stringify({
    '@timestamp': new Date(T0 + i * 60_000).toISOString(),
    host: i % 2 ? 'ws-odd' : 'ws-even',
    user: `u${i}`,
    message: `logon ${i}`,
  }),
);

async function ingest(body: string | Buffer, headers: Record<string, string> = {}, query = '') {
  return h.app.inject({
    method: 'POST',
    url: `/api/ingest${query}`,
    headers: { ...h.bearer('acme/annie'), ...headers },
    payload: body,
  });
}

async function get<T>(url: string, who = 'acme/victor'): Promise<T> {
  const r = await h.app.inject({ method: 'GET', url, headers: h.bearer(who) });
  expect(r.statusCode, `${url}: ${r.body}`).toBe(200);
  return r.json<T>();
}

describe('event routes over the service interfaces', () => {
  it('ingests NDJSON and reads it back by query, time range, page and id', async () => {
    const r = await ingest(`${lines.join('\n')}\n{broken\n`, { 'content-type': 'application/x-ndjson' });
    expect(r.statusCode).toBe(202);
    expect(r.json()).toEqual({ accepted: 25, rejected: 1, deadLettered: 1 });

    const odd = await get<PageOut<EventOut>>('/api/events?q=host.name:ws-odd&limit=100');
    expect(odd.items).toHaveLength(12);
    expect(odd.items.every((e) => e.ecs['host.name'] === 'ws-odd' && e.tenant === 'acme')).toBe(true);
    expect(odd.items[0]?.source).toMatchObject({ kind: 'http', peer: '127.0.0.1' });

    const from = new Date(T0 + 10 * 60_000).toISOString();
    const window = await get<PageOut<EventOut>>(`/api/events?from=${from}&to=${T0 + 14 * 60_000}`);
    expect(window.items.map((e) => e.time)).toEqual([14, 13, 12, 11, 10].map((i) => T0 + i * 60_000));

    const seen = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page: PageOut<EventOut> = await get(`/api/events?limit=10${cursor ? `&cursor=${cursor}` : ''}`);
      page.items.forEach((e) => seen.add(e.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== undefined);
    expect(pages).toBe(3);
    expect(seen.size).toBe(25);

    const one = odd.items[0]!;
    const byId = await get<EventOut>(`/api/events/${one.id}`);
    expect(byId.raw).toBe(one.raw);
    expect(
      (await h.app.inject({ method: 'GET', url: `/api/events/${'0'.repeat(32)}`, headers: h.bearer('acme/victor') }))
        .statusCode,
    ).toBe(404);
  });

  it('re-ingesting the same records does not duplicate them (deterministic ids)', async () => {
    await ingest(lines.slice(0, 5).join('\n'));
    const all = await get<PageOut<EventOut>>('/api/events?limit=1000');
    expect(all.items).toHaveLength(25);
  });

  it('accepts gzip, JSON arrays and ?format=, and refuses unknown formats with 415', async () => {
    const gz = await ingest(gzipSync('{"message":"zipped-record"}\n'), {
      'content-encoding': 'gzip',
      'content-type': 'application/x-ndjson',
    });
    expect(gz.json()).toMatchObject({ accepted: 1 });
    const arr = await ingest(JSON.stringify([{ message: 'array-1' }, { message: 'array-2' }]), {
      'content-type': 'application/json',
    });
    expect(arr.json()).toMatchObject({ accepted: 2 });
    const text = await ingest(
      '<13>Mar  1 10:00:00 host app: text-record\n',
      { 'content-type': 'text/plain' },
      '?format=text',
    );
    expect(text.json()).toMatchObject({ accepted: 1 });
    const noType = await h.app.inject({
      method: 'POST',
      url: '/api/ingest',
      headers: h.bearer('acme/annie'),
      payload: '{"message":"untyped-record"}',
    });
    expect(noType.statusCode).toBe(202);
    for (const q of ['zipped-record', 'array-2', 'text-record', 'untyped-record']) {
      expect((await get<PageOut<EventOut>>(`/api/events?q=${q}`)).items, q).toHaveLength(1);
    }
    const unknown = await ingest('{}', {}, '?format=nosuch');
    expect(unknown.statusCode).toBe(415);
    expect(unknown.json()).toMatchObject({ error: { code: 'UNSUPPORTED' } });
    const bad = await ingest('{}', {}, '?format=NO SUCH');
    expect(bad.statusCode).toBe(400);
    const empty = await ingest('');
    expect(empty.statusCode).toBe(400);
  });

  it('answers 503 with Retry-After when the service applies backpressure', async () => {
    const big = Array.from({ length: 300 }, (_, i) => `{"n":${i}}`).join('\n');
    const r = await ingest(big);
    expect(r.statusCode).toBe(503);
    expect(r.headers['retry-after']).toBe('2');
    expect(r.json()).toMatchObject({ error: { code: 'BACKPRESSURE', details: { retryAfterSeconds: 2 } } });
  });

  it('lists dead letters with their reason, raw bytes and a safe preview', async () => {
    await ingest('{"ok":1}\n\u0007bell-and-junk\n');
    const page = await get<PageOut<{ reason: string; rawBase64: string; preview: string; size: number }>>(
      '/api/dead-letters',
      'acme/annie',
    );
    expect(page.items.length).toBe(2);
    const bell = page.items.find((d) => d.preview.includes('bell-and-junk'));
    expect(bell?.reason).toMatch(/invalid JSON/);
    expect(Buffer.from(bell!.rawBase64, 'base64').toString()).toBe('\u0007bell-and-junk');
    expect(bell?.preview.startsWith('\ufffd')).toBe(true);
    expect(bell?.size).toBe(14);
  });

  it('searches alerts by text and minimum severity', async () => {
    const ctx = systemContext('acme');
    for (const [severity, summary] of [
      ['low', 'port scan'],
      ['high', 'mimikatz run'],
      ['critical', 'lsass dump'],
    ] as const) {
      h.events.raise(ctx, {
        time: T0,
        detector: { kind: 'sigma', ruleId: summary, ruleTitle: summary },
        severity,
        tactics: [],
        techniques: ['T1003'],
        entities: [],
        eventIds: [],
        summary,
      });
    }
    const high = await get<PageOut<{ summary: string }>>('/api/alerts?minSeverity=high');
    expect(high.items.map((a) => a.summary).sort()).toEqual(['lsass dump', 'mimikatz run']);
    const text = await get<PageOut<{ summary: string }>>('/api/alerts?q=scan');
    expect(text.items.map((a) => a.summary)).toEqual(['port scan']);
  });
});
