import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ERROR_CODES, AppError } from '@intersoc/core';
import type { AppErrorCode } from '@intersoc/core';
import { createHarness } from '../internal/testing.js';
import type { Harness } from '../internal/testing.js';
import { HTTP_STATUS, toHttpError } from './error-table.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ apiOptions: { jsonBodyLimit: 4096, bodyLimit: 64 * 1024 } });
});
afterAll(async () => {
  await h.close();
});

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
async function call(method: Method, url: string, payload?: string | object, headers: Record<string, string> = {}) {
  const r = await h.app.inject({
    method,
    url,
    headers: { ...h.bearer('default/root'), ...headers },
    ...(payload === undefined ? {} : { payload }),
  });
  return {
    status: r.statusCode,
    body: r.json<{ error: { code: string; message: string; details?: unknown } }>(),
    headers: r.headers,
  };
}

describe('error table', () => {
  it('maps every AppErrorCode, client mistakes to 4xx', () => {
    expect(Object.keys(HTTP_STATUS).sort()).toEqual(Object.keys(APP_ERROR_CODES).sort());
    const client: AppErrorCode[] = [
      'BAD_REQUEST',
      'VALIDATION',
      'PARSE',
      'UNAUTHENTICATED',
      'FORBIDDEN',
      'NOT_FOUND',
      'CONFLICT',
      'PAYLOAD_TOO_LARGE',
      'UNSUPPORTED',
      'RATE_LIMITED',
    ];
    for (const code of client) expect(HTTP_STATUS[code], code).toBeLessThan(500);
  });

  it('hides internal messages but keeps client ones, and adds Retry-After', () => {
    const internal = toHttpError(new Error('SQLITE_CORRUPT at /secret/path'), 'req-1');
    expect(internal.status).toBe(500);
    expect(internal.body.error.message).not.toContain('/secret/path');
    expect(internal.body.error.message).toContain('req-1');
    const busy = toHttpError(new AppError('BACKPRESSURE', 'queue full', { details: { retryAfterSeconds: 2.5 } }), 'r');
    expect(busy).toMatchObject({
      status: 503,
      headers: { 'retry-after': '3' },
      body: { error: { code: 'BACKPRESSURE', message: 'queue full' } },
    });
  });
});

describe('validation and client errors', () => {
  it('400 with the failing path for bad bodies', async () => {
    const cases: [Method, string, object, RegExp][] = [
      ['POST', '/api/users', { name: 'bob' }, /^body\.role: /],
      ['POST', '/api/users', { name: 'bad name!', role: 'viewer' }, /^body\.name: /],
      ['POST', '/api/users', { name: 'bob', role: 'god' }, /^body\.role: /],
      ['POST', '/api/users', { name: 'bob', role: 'viewer', password: 'short' }, /^body\.password: at least 12/],
      ['POST', '/api/tenants', { name: 'UPPER' }, /^body\.name: /],
      ['POST', '/api/tokens', { name: '' }, /^body\.name: /],
      ['POST', '/api/tokens', { name: 'x', expiresInSeconds: 5 }, /^body\.expiresInSeconds: /],
      ['PATCH', '/api/users/root', {}, /nothing to change/],
      ['POST', '/api/auth/login', { username: 'root', password: 7 }, /^body\.password: /],
    ];
    for (const [method, url, payload, message] of cases) {
      const r = await call(method, url, payload);
      expect(r.status, `${method} ${url} ${JSON.stringify(payload)}`).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION');
      expect(r.body.error.message).toMatch(message);
    }
  });

  it('400 for bad query strings and path parameters', async () => {
    for (const url of [
      '/api/events?limit=abc',
      '/api/events?limit=0',
      '/api/events?from=yesterday-ish',
      '/api/audit?before=-3',
      '/api/events/NOT-AN-ID',
      '/api/alerts?minSeverity=apocalyptic',
      '/api/users?tenant=../etc',
    ]) {
      const r = await call('GET', url);
      expect(r.status, url).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION');
      expect(r.body.error.message).toMatch(/^(querystring|params)\./);
    }
  });

  it('400 for malformed JSON and empty bodies, 415 for unknown media types', async () => {
    const bad = await call('POST', '/api/users', '{"name": "x",', { 'content-type': 'application/json' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('BAD_REQUEST');
    const empty = await call('POST', '/api/users', '', { 'content-type': 'application/json' });
    expect(empty.status).toBe(400);
    const form = await call('POST', '/api/users', 'name=x&role=admin', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBe(415);
    expect(form.body.error.code).toBe('UNSUPPORTED');
    const text = await call('POST', '/api/users', 'hello', { 'content-type': 'text/plain' });
    expect(text.status).toBe(400);
  });

  it('413 for oversized bodies, compressed or not', async () => {
    const big = await call('POST', '/api/users', { name: 'x', role: 'viewer', pad: 'x'.repeat(8000) });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const ingest = await call('POST', '/api/ingest', 'y'.repeat(70 * 1024), { 'content-type': 'text/plain' });
    expect(ingest.status).toBe(413);
    const bomb = gzipSync(Buffer.alloc(1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const r = await h.app.inject({
      method: 'POST',
      url: '/api/ingest',
      headers: { ...h.bearer('default/root'), 'content-encoding': 'gzip', 'content-type': 'application/x-ndjson' },
      payload: bomb,
    });
    expect(r.statusCode).toBe(413);
    const notGzip = await call('POST', '/api/ingest', 'plain', { 'content-encoding': 'gzip' });
    expect(notGzip.status).toBe(400);
    const br = await call('POST', '/api/ingest', 'plain', { 'content-encoding': 'br' });
    expect(br.status).toBe(415);
  });

  it('404 with the envelope for unknown routes and methods', async () => {
    for (const [method, url] of [
      ['GET', '/api/nope'],
      ['DELETE', '/api/users'],
      ['GET', '/'],
    ] as const) {
      const r = await call(method, url);
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('NOT_FOUND');
    }
  });

  it('409 for conflicts', async () => {
    const r = await call('POST', '/api/tenants', { name: 'acme' });
    expect(r.status).toBe(409);
    const last = await call('PATCH', '/api/users/gina?tenant=globex', { role: 'viewer' });
    expect(last.status).toBe(409);
    expect(last.body.error.message).toMatch(/last enabled admin/);
  });

  it('never answers 500 to hostile input', async () => {
    const junk: (string | object)[] = [
      '\u0000\u0001\u0002',
      '[]',
      '"str"',
      'null',
      '{"__proto__":{"admin":true}}',
      JSON.stringify({ name: 'a'.repeat(3000), role: 'admin' }),
      JSON.stringify({ name: ['array'], role: 'admin' }),
      '{'.repeat(2000),
      Buffer.from([0xff, 0xfe, 0xfd]).toString('latin1'),
    ];
    const routes = h.routes.filter((r) => r.method !== 'GET');
    for (const route of routes) {
      const url = route.url.replace(/:[A-Za-z]+/g, '0123456789abcdef0123456789abcdef');
      for (const payload of junk) {
        const r = await call(route.method as Method, url, payload, { 'content-type': 'application/json' });
        expect(r.status, `${route.method} ${url} ${String(payload).slice(0, 30)}`).toBeLessThan(500);
        expect(r.body.error ?? { code: 'none' }).toHaveProperty('code');
      }
    }
  });
});
