/**
 * @module
 * `bench store-call`: per-call latency of the identity and audit stores on PostgreSQL through the
 * synchronous bridge (`openSyncPg`: a worker thread owns the client, the caller blocks on
 * `Atomics.wait`), against the same statements sent directly with the async `postgres` client,
 * and against the SQLite stores (a WAL file, as the node keeps it). Calls run one after another,
 * as a request handler makes them: `SELECT 1` (the bridge's own cost), `tokens.resolve` (every
 * authenticated request) and `audit.append` (lock, read the head, insert: three round trips on
 * the bridge, one transaction on the direct client). Wall time per call is noisy on a loaded
 * machine, so the process CPU time per call (main and worker threads) is given beside it.
 * Value: bridge resolves/s; baseline: direct async resolves/s (ratio = bridge / direct).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { AppError, systemContext } from '@intersoc/core';
import { openDatabase, openSqliteAuthStores } from '@intersoc/storage';
import type { AuthStores } from '@intersoc/storage';
import { createScratchDb, migratePg, openPg, openPgAuthStores, openSyncPg } from '@intersoc/storage/postgres';
import type { PgSql } from '@intersoc/storage/postgres';
import { benchResult, type BenchModule, type BenchResult } from './types.js';

interface Figures {
  /** Median and 95th percentile wall time per call, microseconds. */
  readonly p50_us: number;
  readonly p95_us: number;
  /** Process CPU time (all threads) per call, microseconds. */
  readonly cpu_us: number;
}

async function measure(n: number, call: (i: number) => unknown): Promise<Figures> {
  for (let i = 0; i < Math.min(100, n); i++) await call(i);
  const times = new Float64Array(n);
  const cpu = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await call(i);
    times[i] = performance.now() - t;
  }
  const used = process.cpuUsage(cpu);
  times.sort();
  const us = (ms: number | undefined): number => Math.round((ms ?? 0) * 10_000) / 10;
  return {
    p50_us: us(times[Math.floor(n * 0.5)]),
    p95_us: us(times[Math.floor(n * 0.95)]),
    cpu_us: Math.round(((used.user + used.system) / n) * 10) / 10,
  };
}

const operator = systemContext('default');
const acme = systemContext('acme');

/** A tenant, a user and a token: what resolving needs. */
async function seed(stores: AuthStores): Promise<string> {
  await stores.tenants.create(operator, { name: 'acme' });
  await stores.users.create(acme, { name: 'alice', role: 'analyst' });
  return (await stores.tokens.create(acme, { user: 'alice', name: 'bench' })).secret;
}

const RESOLVE = `SELECT k.id, k.tenant, k.user_name, k.hash, k.expires, k.revoked, k.last_used, u.role
  FROM api_tokens k JOIN users u ON u.tenant = k.tenant AND u.name = k.user_name JOIN tenants t ON t.name = k.tenant
  WHERE k.hash = $1 AND NOT u.disabled AND NOT t.disabled`;

/** `audit.append`'s statements on the async client, in one transaction. */
async function directAppend(sql: PgSql, i: number): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(hashtext('intersoc.audit'), hashtext('direct'))`;
    const [head] = await tx<
      { seq: number }[]
    >`SELECT seq FROM audit_log WHERE tenant = 'direct' ORDER BY seq DESC LIMIT 1`;
    const seq = (head?.seq ?? 0) + 1;
    await tx`INSERT INTO audit_log (tenant, seq, time, actor, actor_tenant, action, outcome, prev_hash, hash)
      VALUES ('direct', ${seq}, ${Date.now()}, ${`u${i}`}, 'direct', 'bench.call', 'success', 'x', 'y')`;
  });
}

export const bench: BenchModule = {
  description: 'identity/audit store calls: PostgreSQL bridge vs direct async client vs SQLite',
  async run(o): Promise<BenchResult> {
    const n = o.events ?? (o.quick ? 1_000 : 5_000);
    const load = loadavg()[0] ?? 0;
    const entry = (i: number) =>
      ({ tenant: 'acme', actor: `u${i}`, actorTenant: 'acme', action: 'bench.call', outcome: 'success' }) as const;

    const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-bench-call-'));
    const db = openDatabase(path.join(dir, 'intersoc.db'));
    const lite = openSqliteAuthStores(db);
    const liteSecret = await seed(lite);
    const sqlite = {
      resolve: await measure(n, () => lite.tokens.resolve(liteSecret)),
      append: await measure(n, (i) => lite.audit.append(entry(i))),
    };
    db.close();
    rmSync(dir, { recursive: true, force: true });
    o.log(`sqlite: resolve p50 ${sqlite.resolve.p50_us} us, append p50 ${sqlite.append.p50_us} us`);

    const scratch = await createScratchDb('intersoc_bench');
    if (!('url' in scratch)) throw new AppError('UNAVAILABLE', scratch.unavailable);
    await migratePg(scratch.url);
    const stores = openPgAuthStores(scratch.url);
    const sql = openPg(scratch.url, { max: 1 });
    const bridge = openSyncPg(scratch.url);
    try {
      const secret = await seed(stores);
      const hash = createHash('sha256').update(secret).digest();
      const pg = {
        select1_bridge: await measure(n, () => bridge.query('SELECT 1 AS x')),
        select1_direct: await measure(n, () => sql`SELECT 1 AS x`),
        resolve_bridge: await measure(n, () => stores.tokens.resolve(secret)),
        resolve_direct: await measure(n, () => sql.unsafe(RESOLVE, [hash], { prepare: true })),
        append_bridge: await measure(n, (i) => stores.audit.append(entry(i))),
        append_direct: await measure(n, (i) => directAppend(sql, i)),
      };
      if (!(await stores.audit.verify(acme)).ok) throw new AppError('INTERNAL', 'the benchmark chain does not verify');
      o.log(`postgres: resolve p50 bridge ${pg.resolve_bridge.p50_us} us, direct ${pg.resolve_direct.p50_us} us`);
      const perSecond = (f: Figures): number => Math.round(1e6 / f.p50_us);
      return benchResult({
        name: 'store-call',
        unit: 'resolves/s (1 / median call)',
        value: perSecond(pg.resolve_bridge),
        baseline_value: perSecond(pg.resolve_direct),
        cores: 2,
        extra: {
          calls: n,
          load_avg_1m: Math.round(load * 10) / 10,
          sqlite_resolve: sqlite.resolve,
          sqlite_append: sqlite.append,
          ...pg,
          note: 'sequential calls, PostgreSQL on 127.0.0.1 of the same 2-core machine; cpu_us = process CPU (all threads) per call',
        },
      });
    } finally {
      await bridge.close();
      await stores.close();
      await sql.end({ timeout: 5 });
      await scratch.drop();
    }
  },
};
