import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../internal/testing.js';
import { registerWebApp } from './plugin.js';

let dir: string;
let built: Harness;
let bare: Harness;
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(4000))});`;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'intersoc-web-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(
    path.join(dir, 'index.html'),
    '<!doctype html><div id="root"></div><script src="/assets/app-3f9a.js"></script>',
  );
  writeFileSync(path.join(dir, 'assets', 'app-3f9a.js'), SCRIPT);
  writeFileSync(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  built = await createHarness();
  expect(registerWebApp(built.app, { root: dir }).files).toBe(3);
  bare = await createHarness();
  registerWebApp(bare.app, { root: path.join(dir, 'missing') });
});

afterAll(async () => {
  await built.close();
  await bare.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('web app serving', () => {
  it('serves the shell with a strict policy and revalidation', async () => {
    const r = await built.app.inject({ method: 'GET', url: '/' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(r.body).toContain('id="root"');
  });

  it('answers client-side routes with the shell, so a reload keeps the view', async () => {
    for (const url of ['/alerts', '/alerts/abc123?x=1', '/search', '/intel/indicator--x']) {
      const r = await built.app.inject({ method: 'GET', url });
      expect(r.statusCode, url).toBe(200);
      expect(r.body, url).toContain('id="root"');
    }
  });

  it('caches hashed assets forever, compresses them, and honours ETags', async () => {
    const r = await built.app.inject({
      method: 'GET',
      url: '/assets/app-3f9a.js',
      headers: { 'accept-encoding': 'gzip, br' },
    });
    expect(r.statusCode).toBe(200);
    expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(r.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(r.rawPayload).toString('utf8')).toBe(SCRIPT);
    const again = await built.app.inject({
      method: 'GET',
      url: '/assets/app-3f9a.js',
      headers: { 'if-none-match': String(r.headers['etag']) },
    });
    expect(again.statusCode).toBe(304);
    const plain = await built.app.inject({ method: 'GET', url: '/favicon.svg' });
    expect(plain.headers['cache-control']).toBe('no-cache');
    expect(plain.headers['content-type']).toBe('image/svg+xml');
  });

  it('keeps API paths and missing files as JSON 404s, never the shell', async () => {
    for (const url of ['/api/nothing-here', '/api', '/metrics/x', '/assets/gone-1234.js', '/%2e%2e/etc/passwd.txt']) {
      const r = await built.app.inject({ method: 'GET', url });
      expect(r.statusCode, url).toBe(404);
      expect(r.json<{ error: { code: string } }>().error.code, url).toBe('NOT_FOUND');
    }
    const api = await built.app.inject({ method: 'GET', url: '/api/health' });
    expect(api.statusCode).toBe(200);
  });

  it('explains how to build the app when there is no build', async () => {
    const r = await bare.app.inject({ method: 'GET', url: '/overview' });
    expect(r.statusCode).toBe(503);
    expect(r.body).toContain('npm run build');
  });
});
