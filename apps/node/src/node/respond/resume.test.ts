/**
 * Kill the node mid-run: a real `intersoc serve` drives a playbook of HTTP calls to a server in
 * this test; while the third call is in flight the node is killed with SIGKILL, then started
 * again. The run resumes where it stopped: the calls already made are not made again; the one in
 * flight (a POST, not idempotent) waits for a person, who says it was done; then the last call is
 * made. A second run shows the other rule: an idempotent step in flight (PUT) runs again by itself.
 * Playbook commands go through the CLI, which hands them to the serving node.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../../bin/intersoc');
const ENV = { ...process.env, INTERSOC_HTTP_PORT: '0', INTERSOC_SYSLOG_ENABLED: 'false', INTERSOC_INGEST_WORKERS: '0' };
const id = (t: string, n: number) => `${t}--00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

let data: string;
let target: http.Server;
let base = '';
/** Requests per path; a path in `hold` gets no answer until released. */
const hits = new Map<string, number>();
const hold = new Map<string, () => void>();
let node: ChildProcess | undefined;

function cli(...args: string[]): { status: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args, '--data', data], {
    env: ENV,
    encoding: 'utf8',
    timeout: 180_000,
  });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

async function serve(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, 'serve', '--data', data], {
    env: ENV,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes('INTERSOC node listening')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${log}`)));
  });
  return child;
}

async function until<T>(f: () => T | undefined, what: string, ms = 180_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function runOf(run: string): {
  run: { status: string; reason?: string };
  waits: { step: string; wait: { kind: string } }[];
} {
  const r = cli('playbook', 'runs', run, '--json');
  return JSON.parse(r.out) as never;
}

/** start → four HTTP calls (method each) → end; no approval (auto), so the node runs it alone. */
function playbook(n: number, methods: readonly string[]): object {
  const steps = methods.map((_, i) => id('action', n * 10 + i));
  const workflow: Record<string, object> = { [id('start', n)]: { type: 'start', on_completion: steps[0] } };
  methods.forEach((m, i) => {
    workflow[steps[i] as string] = {
      type: 'action',
      name: `call ${i + 1}`,
      commands: [{ type: 'http-api', command: `${m} /run${n}/step${i + 1} HTTP/1.1`, content: '{}' }],
      agent: id('http-api', 1),
      on_completion: steps[i + 1] ?? id('end', n),
      step_extensions: { 'extension-definition--7a1e2f59-5d3b-4c1e-9a6f-3f0c4b2d8e11': { approval: 'auto' } },
    };
  });
  workflow[id('end', n)] = { type: 'end' };
  return {
    type: 'playbook',
    spec_version: 'cacao-2.0',
    id: id('playbook', n),
    name: `four calls ${n}`,
    created_by: id('identity', 1),
    created: '2025-01-01T00:00:00.000Z',
    modified: '2025-01-01T00:00:00.000Z',
    workflow_start: id('start', n),
    workflow,
    agent_definitions: { [id('http-api', 1)]: { type: 'http-api', name: 'target', address: { ipv4: ['127.0.0.1'] } } },
    extension_definitions: {
      'extension-definition--7a1e2f59-5d3b-4c1e-9a6f-3f0c4b2d8e11': {
        type: 'extension-definition',
        name: 'intersoc-respond',
        created_by: id('identity', 2),
        schema: 'https://intersoc.example/schemas/respond-extension-1.json',
        version: '1.0.0',
      },
    },
  };
}

beforeAll(async () => {
  data = mkdtempSync(path.join(tmpdir(), 'respond-resume-'));
  target = http.createServer((req, res) => {
    const p = req.url ?? '';
    hits.set(p, (hits.get(p) ?? 0) + 1);
    const answer = () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    if (hold.has(p)) hold.set(p, answer);
    else answer();
  });
  // Node's default 5 s keep-alive lets the server drop an idle pooled connection just as a slow
  // (loaded) node reuses it for the next step; a non-idempotent POST then fails with ECONNRESET,
  // by design never retried. That race is the target's, not the resume path this test is about.
  target.keepAliveTimeout = 300_000;
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(target.address() as AddressInfo).port}/`;
  mkdirSync(path.join(data, 'respond', 'default'), { recursive: true });
  writeFileSync(
    path.join(data, 'respond', 'default', 'agents.json'),
    JSON.stringify({ agents: [{ match: id('http-api', 1), kind: 'http', url: base }] }),
  );
  for (const n of [1, 2]) {
    const f = path.join(data, `pb${n}.json`);
    writeFileSync(
      f,
      JSON.stringify(playbook(n, n === 1 ? ['POST', 'POST', 'POST', 'POST'] : ['POST', 'POST', 'PUT', 'POST'])),
    );
    expect(cli('playbook', 'add', f).status).toBe(0);
  }
}, 120_000);

afterAll(async () => {
  node?.kill('SIGKILL');
  for (const release of hold.values()) release();
  target.close();
  rmSync(data, { recursive: true, force: true });
});

describe('a node killed mid-run', () => {
  it('resumes after restart with no step done twice; the step in flight waits for a person', async () => {
    node = await serve();
    hold.set('/run1/step3', () => undefined);
    const started = cli('playbook', 'run', id('playbook', 1), '--json');
    expect(started.status).toBe(0);
    const run = (JSON.parse(started.out) as { run: { id: string } }).run.id;
    await until(() => (hits.get('/run1/step3') ? true : undefined), 'the third call');
    node.kill('SIGKILL');
    await new Promise((r) => node?.once('exit', r));
    expect(Object.fromEntries(hits)).toEqual({ '/run1/step1': 1, '/run1/step2': 1, '/run1/step3': 1 });

    node = await serve();
    const waiting = await until(() => {
      const v = runOf(run);
      return v.run.status === 'waiting' ? v : undefined;
    }, 'the run to wait');
    expect(waiting.waits.map((w) => [w.step, w.wait.kind])).toEqual([[id('action', 12), 'in-doubt']]);
    expect(hits.get('/run1/step3')).toBe(1);
    // The analyst checks the target: the call went through. The node goes on from there.
    expect(cli('playbook', 'resolve', run, id('action', 12), 'done').status).toBe(0);
    await until(() => (runOf(run).run.status === 'succeeded' ? true : undefined), 'the run to finish');
    expect(Object.fromEntries([...hits].filter(([k]) => k.startsWith('/run1/')))).toEqual({
      '/run1/step1': 1,
      '/run1/step2': 1,
      '/run1/step3': 1,
      '/run1/step4': 1,
    });

    // An idempotent step (PUT) in flight runs again by itself after the restart.
    hold.set('/run2/step3', () => undefined);
    const r2 = (JSON.parse(cli('playbook', 'run', id('playbook', 2), '--json').out) as { run: { id: string } }).run.id;
    await until(() => (hits.get('/run2/step3') ? true : undefined), 'the PUT');
    node.kill('SIGKILL');
    await new Promise((r) => node?.once('exit', r));
    hold.delete('/run2/step3');
    node = await serve();
    await until(() => (runOf(r2).run.status === 'succeeded' ? true : undefined), 'the second run');
    expect(Object.fromEntries([...hits].filter(([k]) => k.startsWith('/run2/')))).toEqual({
      '/run2/step1': 1,
      '/run2/step2': 1,
      '/run2/step3': 2,
      '/run2/step4': 1,
    });
    const audit = cli('audit', 'verify');
    expect(audit.status).toBe(0);
    node.kill('SIGTERM');
    await new Promise((r) => node?.once('exit', r));
    node = undefined;
  }, 900_000);
});
