/**
 * @module
 * Playbooks through the `api` role (issue 19): `serve --role api` and `serve --role respond` on
 * one scratch PostgreSQL database, real processes. An analyst adds a playbook over HTTP with a
 * token, starts a run whose HTTP call needs one approval, finds it in the inbox, and a second
 * analyst approves it while the first watches the live stream; the respond role's engine makes
 * the call once and the run succeeds. Every operation went from the api process to the engine
 * through the store's request queue, and the live view came from the store (no bus here).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDb, migratePg, type ScratchDb } from '@intersoc/storage/postgres';
import { cliRunner } from './_roles.js';

const probe = await createScratchDb('intersoc_api_respond_probe');
if ('unavailable' in probe) console.warn(`SKIP api role playbook test: ${probe.unavailable}`);
else await probe.drop();

const EXT = 'extension-definition--7a1e2f59-5d3b-4c1e-9a6f-3f0c4b2d8e11';
const id = (t: string, n: number) => `${t}--00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const STEP = id('action', 1);

/** start → one POST needing one approval → end. */
function playbook(): object {
  return {
    type: 'playbook',
    spec_version: 'cacao-2.0',
    id: id('playbook', 7),
    name: 'block after approval',
    created_by: id('identity', 1),
    created: '2025-01-01T00:00:00.000Z',
    modified: '2025-01-01T00:00:00.000Z',
    workflow_start: id('start', 1),
    workflow: {
      [id('start', 1)]: { type: 'start', on_completion: STEP },
      [STEP]: {
        type: 'action',
        name: 'tell the firewall',
        commands: [{ type: 'http-api', command: 'POST /block HTTP/1.1', content: '{"ip":"203.0.113.9"}' }],
        agent: id('http-api', 1),
        on_completion: id('end', 1),
        step_extensions: { [EXT]: { approval: 'one' } },
      },
      [id('end', 1)]: { type: 'end' },
    },
    agent_definitions: {
      [id('http-api', 1)]: { type: 'http-api', name: 'firewall', address: { ipv4: ['127.0.0.1'] } },
    },
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

const children: ChildProcess[] = [];
const dirs: string[] = [];
const run = cliRunner({ ...process.env, INTERSOC_LOG_LEVEL: 'silent', INTERSOC_SYSLOG_ENABLED: 'false' }, children);
let db: ScratchDb | undefined;
let target: http.Server | undefined;
const hits: string[] = [];

function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'intersoc-api-respond-'));
  dirs.push(d);
  return d;
}

async function until<T>(get: () => Promise<T | undefined>, what: string, ms = 180_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Starts `serve` and waits for `line` on its stderr; answers its first capture group. */
async function serve(args: string[], line: RegExp): Promise<string> {
  const { child, done } = run(['serve', ...args]);
  let err = '';
  child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
  const m = await until(
    async () => {
      if (child.exitCode !== null) throw new Error(`serve ${args.join(' ')} exited: ${(await done).err}`);
      return line.exec(err) ?? undefined;
    },
    `serve ${args.join(' ')}`,
  );
  return m[1] ?? '';
}

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  target?.close();
  await db?.drop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(!('url' in probe))('playbooks through the api role on PostgreSQL', () => {
  let api = '';
  const tokens = new Map<string, string>();
  const call = async (user: string, method: string, p: string, body?: unknown) => {
    const res = await fetch(`${api}${p}`, {
      method,
      headers: {
        authorization: `Bearer ${tokens.get(user) ?? ''}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    const scratch = await createScratchDb('intersoc_api_respond');
    if (!('url' in scratch)) throw new Error(scratch.unavailable);
    db = scratch;
    await migratePg(db.url);
    const apiData = tempDir();
    for (const user of ['alice', 'bob']) {
      const add = await run([
        'admin',
        'user',
        'add',
        user,
        '--role',
        'analyst',
        '--no-password',
        '--store',
        db.url,
        '--data',
        apiData,
      ]).done;
      expect(add.code, add.err).toBe(0);
      const token = await run(['admin', 'token', 'add', '--user', user, '--store', db.url, '--data', apiData]).done;
      expect(token.code, token.err).toBe(0);
      tokens.set(user, token.out.trim());
    }
    target = http.createServer((req, res) => {
      hits.push(`${req.method ?? ''} ${req.url ?? ''}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((r) => target!.listen(0, '127.0.0.1', r));
    // The agents (and their secrets) live on the respond role's host.
    const respondData = tempDir();
    mkdirSync(path.join(respondData, 'respond', 'default'), { recursive: true });
    writeFileSync(
      path.join(respondData, 'respond', 'default', 'agents.json'),
      JSON.stringify({
        agents: [
          {
            match: id('http-api', 1),
            kind: 'http',
            url: `http://127.0.0.1:${(target.address() as AddressInfo).port}/`,
          },
        ],
      }),
    );
    await serve(['--role', 'respond', '--store', db.url, '--data', respondData], /(respond: driving runs)/);
    api = await serve(
      ['--role', 'api', '--store', db.url, '--data', apiData, '--port', '0'],
      /api: listening on (http:\S+)/,
    );
  }, 600_000);

  it('adds a playbook, runs it, holds it for approval, streams its progress and finishes it once', async () => {
    const added = await call('alice', 'POST', '/api/respond/playbooks', { playbook: playbook() });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expect(added.body).toMatchObject({ id: id('playbook', 7), added: true });
    const listed = await call('bob', 'GET', '/api/respond/playbooks');
    expect((listed.body.items as { id: string }[]).map((p) => p.id)).toEqual([id('playbook', 7)]);
    // Inline secrets cannot be kept here (they belong to the respond role's host).
    const secret = await call('alice', 'POST', '/api/respond/playbooks', {
      extractSecrets: true,
      playbook: {
        ...playbook(),
        id: id('playbook', 8),
        authentication_info_definitions: {
          [id('http-basic', 1)]: { type: 'http-basic', user_id: 'x', password: 'hunter2' },
        },
      },
    });
    expect(secret.status).toBe(400);
    expect(JSON.stringify(secret.body)).not.toContain('hunter2');

    // Bob watches the runs of the tenant from the start.
    const events: { id: string; status: string }[] = [];
    const stream = new AbortController();
    const res = await fetch(`${api}/api/respond/stream`, {
      headers: { authorization: `Bearer ${tokens.get('bob') ?? ''}` },
      signal: stream.signal,
    });
    expect(res.status).toBe(200);
    const reading = (async () => {
      let buf = '';
      const decoder = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = /^event: run\ndata: (.*)$/m.exec(frame)?.[1];
          if (data) events.push(JSON.parse(data) as { id: string; status: string });
        }
      }
    })().catch(() => undefined);

    const started = await call('alice', 'POST', '/api/respond/runs', { playbook: id('playbook', 7) });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const runId = started.body.id as string;
    const inbox = await until(async () => {
      const r = await call('bob', 'GET', '/api/respond/inbox');
      const items = r.body.items as { run: string; step: string; wait: { kind: string } }[];
      return items.length > 0 ? items : undefined;
    }, 'the approval in the inbox');
    expect(inbox.map((w) => [w.run, w.step, w.wait.kind])).toEqual([[runId, STEP, 'approval']]);
    expect(hits).toEqual([]);
    await until(
      async () => (events.some((e) => e.id === runId && e.status === 'waiting') ? true : undefined),
      'the waiting run on the stream',
    );

    const approved = await call('bob', 'POST', `/api/respond/runs/${runId}/steps/${STEP}/approve`, { reason: 'ok' });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const done = await until(async () => {
      const r = await call('alice', 'GET', `/api/respond/runs/${runId}`);
      return (r.body.run as { status?: string } | undefined)?.status === 'succeeded' ? r.body : undefined;
    }, 'the run to succeed');
    expect(hits).toEqual(['POST /block']);
    expect(JSON.stringify(done)).toContain('bob');
    await until(
      async () => (events.some((e) => e.id === runId && e.status === 'succeeded') ? true : undefined),
      'the finished run on the stream',
    );
    stream.abort();
    await reading;
  });
});
