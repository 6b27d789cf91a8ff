/**
 * The `respond` role killed mid-run: `intersoc serve --role respond --store postgres://…` drives a
 * playbook of four HTTP calls to a server in this test; while the third call (a POST) is in flight
 * the role is killed with SIGKILL, then started again. The run resumes from its transition log in
 * PostgreSQL: the calls already made are not made again, the POST in flight (not idempotent) waits
 * for a person, who says it was done, and the last call is made. A second instance started while
 * the first drives stands by (one engine per store) and takes over after the kill; it is killed in
 * turn and the role restarted, and the run still waits with nothing re-run. The playbook
 * and the operations go in through the store's tables (a playbook row, queued requests), as the
 * api role or a CLI hands them to the engine. Real processes, a scratch PostgreSQL database.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDb, migratePg, openPg, type PgSql, type ScratchDb } from '@intersoc/storage/postgres';
import { cliRunner } from './_roles.js';

const probe = await createScratchDb('intersoc_respond_probe');
if ('unavailable' in probe) console.warn(`respond role test skipped: ${probe.unavailable}`);
else await probe.drop();

const EXT = 'extension-definition--7a1e2f59-5d3b-4c1e-9a6f-3f0c4b2d8e11';
const id = (t: string, n: number) => `${t}--00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const ALICE = { tenant: 'default', user: 'alice', roles: ['analyst'], via: 'session' };
const BOB = { ...ALICE, user: 'bob' };

/** start → four POSTs → end; no approval (auto), so the engine runs it alone. */
function playbook(): object {
  const steps = [0, 1, 2, 3].map((i) => id('action', 10 + i));
  const workflow: Record<string, object> = { [id('start', 1)]: { type: 'start', on_completion: steps[0] } };
  steps.forEach((s, i) => {
    workflow[s] = {
      type: 'action',
      name: `call ${i + 1}`,
      commands: [{ type: 'http-api', command: `POST /run/step${i + 1} HTTP/1.1`, content: '{}' }],
      agent: id('http-api', 1),
      on_completion: steps[i + 1] ?? id('end', 1),
      step_extensions: { [EXT]: { approval: 'auto' } },
    };
  });
  workflow[id('end', 1)] = { type: 'end' };
  return {
    type: 'playbook',
    spec_version: 'cacao-2.0',
    id: id('playbook', 1),
    name: 'four calls',
    created_by: id('identity', 1),
    created: '2025-01-01T00:00:00.000Z',
    modified: '2025-01-01T00:00:00.000Z',
    workflow_start: id('start', 1),
    workflow,
    agent_definitions: { [id('http-api', 1)]: { type: 'http-api', name: 'target', address: { ipv4: ['127.0.0.1'] } } },
    extension_definitions: {
      [EXT]: {
        type: 'extension-definition',
        name: 'intersoc-respond',
        created_by: id('identity', 2),
        schema: 'https://intersoc.example/schemas/respond-extension-1.json',
        version: '1.0.0',
      },
    },
  };
}

let db: ScratchDb | undefined;
let sql: PgSql | undefined;
let data = '';
let target: http.Server;
const hits = new Map<string, number>();
const hold = new Map<string, () => void>();
const children: ChildProcess[] = [];
const run = cliRunner({ ...process.env, INTERSOC_HTTP_PORT: '0' }, children);
/** What each role printed on stderr so far. */
const logs = new Map<ChildProcess, string>();
const logOf = (c: ChildProcess): string => logs.get(c) ?? '';

async function until<T>(f: () => Promise<T | undefined>, what: string, ms = 180_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts `serve --role respond`; resolves once it logged `line`. */
async function respondRole(line: string): Promise<ChildProcess> {
  const { child, done } = run(['serve', '--role', 'respond', '--store', db!.url, '--data', data]);
  child.stderr?.on('data', (b: Buffer) => logs.set(child, logOf(child) + b.toString()));
  await until(async () => {
    if (child.exitCode !== null) throw new Error(`respond role exited: ${(await done).err}`);
    return logOf(child).includes(line) ? true : undefined;
  }, `the respond role to log "${line}"`);
  return child;
}

/** Queues an operation for the engine (`respond_requests`, as `queuedOps` does) and waits for its outcome. */
async function request(caller: object, op: string, args: unknown[]): Promise<unknown> {
  const [row] = await sql!<{ id: number }[]>`INSERT INTO respond_requests (tenant, caller, op, args, created)
    VALUES ('default', ${JSON.stringify(caller)}, ${op}, ${JSON.stringify(args)}, ${Date.now()}) RETURNING id`;
  return until(async () => {
    const [r] = await sql!<{ done: boolean; result: string | null; error: string | null }[]>`
      SELECT done, result, error FROM respond_requests WHERE id = ${row!.id}`;
    if (!r?.done) return undefined;
    if (r.error) throw new Error(`${op}: ${r.error}`);
    return JSON.parse(r.result ?? 'null') as unknown;
  }, `request ${op}`);
}

async function runRow(runId: string): Promise<{ status: string } | undefined> {
  const [r] = await sql!<
    { status: string }[]
  >`SELECT status FROM respond_runs WHERE tenant = 'default' AND id = ${runId}`;
  return r;
}

async function killed(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

describe.skipIf(!('url' in probe))('respond role on PostgreSQL', () => {
  beforeAll(async () => {
    const scratch = await createScratchDb('intersoc_respond_role');
    if (!('url' in scratch)) throw new Error(scratch.unavailable);
    db = scratch;
    await migratePg(db.url);
    sql = openPg(db.url, { max: 1 });
    data = mkdtempSync(path.join(tmpdir(), 'respond-role-'));
    target = http.createServer((req, res) => {
      const p = req.url ?? '';
      hits.set(p, (hits.get(p) ?? 0) + 1);
      const answer = () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      if (hold.has(p)) hold.set(p, answer);
      else answer();
    });
    // As in the embedded resume test: no idle drop of a pooled connection under a slow engine.
    target.keepAliveTimeout = 300_000;
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(target.address() as AddressInfo).port}/`;
    mkdirSync(path.join(data, 'respond', 'default'), { recursive: true });
    writeFileSync(
      path.join(data, 'respond', 'default', 'agents.json'),
      JSON.stringify({ agents: [{ match: id('http-api', 1), kind: 'http', url: base }] }),
    );
    const pb = playbook();
    await sql`INSERT INTO respond_playbooks (tenant, id, version, name, digest, source, signed_by, added_by, added_at, doc)
      VALUES ('default', ${id('playbook', 1)}, '2025-01-01T00:00:00.000Z', 'four calls', 'test', 'local', '[]', 'alice',
              ${Date.now()}, ${JSON.stringify(pb)})`;
  }, 120_000);

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    for (const release of hold.values()) release();
    target?.close();
    await sql?.end({ timeout: 5 });
    await db?.drop();
    if (data) rmSync(data, { recursive: true, force: true });
  });

  it('resumes after SIGKILL with no step done twice; a standby takes over; the POST in flight waits for a person', async () => {
    const first = await respondRole('respond: driving runs');
    const standby = await respondRole('standing by');
    hold.set('/run/step3', () => undefined);
    const started = (await request(ALICE, 'startRun', [{ playbook: id('playbook', 1) }])) as { id: string };
    await until(async () => (hits.get('/run/step3') ? true : undefined), 'the third call');
    await killed(first);
    expect(Object.fromEntries(hits)).toEqual({ '/run/step1': 1, '/run/step2': 1, '/run/step3': 1 });

    // The standby gets the lock (freed with the killed process's connection) and resumes the run.
    await until(
      async () => (logOf(standby).includes('respond: driving runs (resumed 1, 1 step(s) in doubt)') ? true : undefined),
      'the standby to take over',
    );
    await until(async () => ((await runRow(started.id))?.status === 'waiting' ? true : undefined), 'the run to wait');
    const [wait] = await sql!<
      { doc: string }[]
    >`SELECT doc FROM respond_waits WHERE tenant = 'default' AND run = ${started.id}`;
    const w = JSON.parse(wait!.doc) as { step: string; wait: { kind: string } };
    expect([w.step, w.wait.kind]).toEqual([id('action', 12), 'in-doubt']);
    expect(hits.get('/run/step3')).toBe(1);

    // That one is killed too, and the role started again: the run is still waiting, nothing re-ran.
    await killed(standby);
    const restarted = await respondRole('respond: driving runs');
    expect((await runRow(started.id))?.status).toBe('waiting');
    expect(Object.fromEntries(hits)).toEqual({ '/run/step1': 1, '/run/step2': 1, '/run/step3': 1 });

    // The analyst checks the target: the call went through. The engine goes on from there.
    await request(BOB, 'resolve', [started.id, id('action', 12), 'done']);
    await until(
      async () => ((await runRow(started.id))?.status === 'succeeded' ? true : undefined),
      'the run to finish',
    );
    expect(Object.fromEntries(hits)).toEqual({
      '/run/step1': 1,
      '/run/step2': 1,
      '/run/step3': 1,
      '/run/step4': 1,
    });
    const [n] = await sql!<
      { n: number }[]
    >`SELECT count(*)::int AS n FROM respond_log l JOIN respond_runs r ON r.no = l.run_no WHERE r.id = ${started.id}`;
    const [seqs] = await sql!<
      { n: number }[]
    >`SELECT count(DISTINCT seq)::int AS n FROM respond_log l JOIN respond_runs r ON r.no = l.run_no WHERE r.id = ${started.id}`;
    expect(n?.n).toBe(seqs?.n);
    const [audit] = await sql!<{ n: number }[]>`SELECT count(*)::int AS n FROM audit_log WHERE tenant = 'default'`;
    expect(audit?.n).toBeGreaterThan(0);

    const stopped = new Promise((r) => restarted.once('exit', r));
    restarted.kill('SIGTERM');
    expect(await stopped).toBe(0);
  }, 600_000);
});
