/**
 * @module
 * `bench taxii`: TAXII 2.1 throughput over real HTTP on this machine. 100,000 generated STIX
 * indicators are POSTed in envelopes of 1,000 to the node's TAXII server (SQLite backend), then
 * read back with paged GETs (limit 1,000, following `next`). The value is objects/s of the paged
 * GET; POST objects/s is reported beside it. Baseline, in the same run: `JSON.stringify` +
 * `JSON.parse` of the same envelopes in-process (the serialisation floor of any HTTP API).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { systemContext } from '@intersoc/core';
import { openSqliteTaxiiBackend, taxiiServer, TaxiiClient } from '@intersoc/cti';
import { benchResult, type BenchModule, type BenchOptions } from './types.js';

const ENVELOPE = 1000;

function indicators(n: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const hex = i.toString(16).padStart(12, '0');
    out.push({
      type: 'indicator',
      spec_version: '2.1',
      id: `indicator--00000000-0000-4000-8000-${hex}`,
      created: '2024-01-01T00:00:00.000Z',
      modified: '2024-01-01T00:00:00.000Z',
      name: `generated ${i}`,
      pattern: `[ipv4-addr:value = '10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}']`,
      pattern_type: 'stix',
      valid_from: '2024-01-01T00:00:00Z',
      indicator_types: ['malicious-activity'],
    });
  }
  return out;
}

async function run(o: BenchOptions) {
  const n = o.quick ? 10_000 : 100_000;
  const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-bench-taxii-'));
  const backend = openSqliteTaxiiBackend(path.join(dir, 'taxii.db'), [
    { name: 'bench', title: 'bench', maxContentLength: 50_000_000 },
  ]);
  backend.putCollection({
    apiRoot: 'bench',
    id: '00000000-0000-4000-8000-00000000b0b0',
    alias: 'bench',
    title: 'bench',
    mediaTypes: ['application/stix+json;version=2.1'],
    acl: { tenant: 'bench', read: [], write: [] },
  });
  const app = Fastify({ bodyLimit: 60_000_000 });
  const ctx = systemContext('bench');
  await app.register(taxiiServer, {
    prefix: '/taxii2',
    backend,
    maxPageSize: ENVELOPE,
    authenticate: async (req) => (req.authorization === 'Bearer bench' ? ctx : undefined),
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const root = `${address}/taxii2/bench/`;
  const client = new TaxiiClient({ token: 'bench' });
  try {
    const objects = indicators(n);
    o.log(`POST ${n} objects in envelopes of ${ENVELOPE}`);
    const t0 = process.hrtime.bigint();
    let ok = 0;
    for (let at = 0; at < n; at += ENVELOPE) {
      const s = await client.push(root, 'bench', objects.slice(at, at + ENVELOPE));
      ok += s.success_count;
    }
    const postSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    o.log(`GET ${n} objects in pages of ${ENVELOPE}`);
    const t1 = process.hrtime.bigint();
    const pulled = await client.pull(root, 'bench', { pageSize: ENVELOPE });
    const getSeconds = Number(process.hrtime.bigint() - t1) / 1e9;
    if (pulled.objects.length !== n || ok !== n)
      throw new Error(`expected ${n} objects, posted ${ok}, read ${pulled.objects.length}`);
    const t2 = process.hrtime.bigint();
    let bytes = 0;
    for (let at = 0; at < n; at += ENVELOPE) {
      const text = JSON.stringify({ objects: objects.slice(at, at + ENVELOPE) });
      bytes += text.length;
      if ((JSON.parse(text) as { objects: unknown[] }).objects.length === 0) throw new Error('unreachable');
    }
    const baseSeconds = Number(process.hrtime.bigint() - t2) / 1e9;
    const getRate = n / getSeconds;
    const postRate = n / postSeconds;
    o.log(`POST ${Math.round(postRate)} objects/s, paged GET ${Math.round(getRate)} objects/s (${pulled.pages} pages)`);
    return benchResult({
      name: 'taxii',
      unit: 'objects/s',
      value: Math.round(getRate),
      baseline_value: Math.round(n / baseSeconds),
      cores: 1,
      extra: {
        objects: n,
        envelope: ENVELOPE,
        post_objects_per_s: Math.round(postRate),
        get_objects_per_s: Math.round(getRate),
        get_pages: pulled.pages,
        post_seconds: Math.round(postSeconds * 100) / 100,
        get_seconds: Math.round(getSeconds * 100) / 100,
        payload_mb: Math.round((bytes / 1048576) * 10) / 10,
      },
    });
  } finally {
    await app.close();
    backend.db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The benchmark. */
export const bench: BenchModule = {
  description: 'TAXII 2.1 over HTTP: POST and paged GET of 100k objects vs in-process JSON round trip',
  run,
};
