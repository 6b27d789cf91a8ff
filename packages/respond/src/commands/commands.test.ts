/**
 * A playbook of our own that uses every step type and the command types that reach systems, each
 * against a real local server: http-api (HTTP), openc2-http (an OpenC2 consumer), bash (a local
 * shell agent), ssh (an SSH server with a pinned host key), manual (answered by an analyst, in a
 * child playbook), and the intersoc set's webhook, SMTP and host-isolation connectors. Then the
 * run is rolled back and every inverse reaches its system: the OpenC2 `allow`, the webhook's
 * retraction, the retraction mail in reply to the notice, the host's release. (The `sigma` hunt
 * and the node's own verbs run against a real node in apps/node; nftables in its own test.)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Server as SshServer, utils as sshUtils } from 'ssh2';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthContext } from '@intersoc/core';
import { FileAgentDirectory } from '../agents/directory.js';
import { RESPOND_EXTENSION_DEFINITION, RESPOND_EXTENSION_ID } from '../cacao/extension.js';
import type { Playbook, WorkflowStep } from '../cacao/types.js';
import { isolationConnector } from '../connectors/isolation/index.js';
import { smtpConnector, SmtpAgentSchema } from '../connectors/smtp/index.js';
import { webhookConnector } from '../connectors/webhook/index.js';
import { Engine } from '../engine/engine.js';
import { foldRun } from '../engine/state.js';
import { fid } from '../internal/fixtures.js';
import { addPlaybook, testStore } from '../internal/testing.js';
import { validatePlaybook } from '../validate/validate.js';
import { httpApiExecutor } from './http-api/index.js';
import { intersocExecutor } from './intersoc/index.js';
import { openc2Connector, openc2Executor } from './openc2-http/index.js';
import { bashExecutor } from './shell/bash.js';
import { sshExecutor, sshFingerprint } from './shell/ssh.js';

const AUTO = { step_extensions: { [RESPOND_EXTENSION_ID]: { approval: 'auto' } } } as Partial<WorkflowStep>;
const requests: { method: string; url: string; body: string; headers: http.IncomingHttpHeaders }[] = [];
const mails: string[] = [];
let web: http.Server;
let smtp: SMTPServer;
let ssh: SshServer;
let webUrl = '';
let smtpPort = 0;
let sshPort = 0;
let hostKey = '';
let data: string;

function action(
  n: number,
  commands: NonNullable<WorkflowStep['commands']>,
  agent: string,
  next: string,
  more: Partial<WorkflowStep> = {},
): WorkflowStep {
  return { type: 'action', name: `step ${n}`, commands, agent, on_completion: next, ...AUTO, ...more };
}

const A = {
  web: fid('http-api', 1),
  openc2: fid('http-api', 2),
  shell: fid('linux', 1),
  ssh: fid('ssh', 1),
  hook: fid('http-api', 3),
  smtp: fid('individual', 2),
  edr: fid('http-api', 4),
  analyst: fid('individual', 1),
};

function kitchenSink(): Playbook {
  const s = (t: string, n: number) => fid(t, 100 + n);
  const openc2 = Buffer.from(
    JSON.stringify({
      action: 'deny',
      target: { ipv4_connection: { src_addr: '__attacker__:value' } },
      args: { response_requested: 'complete' },
    }),
  ).toString('base64');
  const wf: Record<string, WorkflowStep> = {
    [s('start', 1)]: { type: 'start', on_completion: s('parallel', 1) },
    [s('parallel', 1)]: {
      type: 'parallel',
      next_steps: [s('action', 1), s('action', 2), s('action', 3), s('action', 4)],
      on_completion: s('if-condition', 1),
    },
    [s('action', 1)]: action(1, [{ type: 'http-api', command: 'GET /status HTTP/1.1' }], A.web, s('end', 1), {
      out_args: ['__status__'],
      step_variables: { __status__: { type: 'string' } },
    }),
    [s('action', 2)]: action(
      2,
      [{ type: 'openc2-http', command: 'POST /openc2 HTTP/1.1', content_b64: openc2 }],
      A.openc2,
      s('end', 2),
    ),
    [s('action', 3)]: action(3, [{ type: 'bash', command: 'echo -n hello __who__:value' }], A.shell, s('end', 3), {
      out_args: ['__greeting__'],
      step_variables: { __greeting__: { type: 'string' } },
    }),
    [s('action', 4)]: action(4, [{ type: 'ssh', command: 'echo -n ssh says __who__:value' }], A.ssh, s('end', 4), {
      out_args: ['__remote__'],
      step_variables: { __remote__: { type: 'string' } },
    }),
    [s('if-condition', 1)]: {
      type: 'if-condition',
      condition: "[variable:__greeting__ = 'hello world; rm -rf /']",
      on_true: s('action', 5),
      on_false: s('end', 5),
      on_completion: s('switch-condition', 1),
    },
    [s('action', 5)]: action(
      5,
      [
        {
          type: 'intersoc',
          command: 'notify',
          content: '{"message":"contained __attacker__:value","data":{"status":"__status__:value"}}',
        },
      ],
      A.hook,
      s('end', 6),
    ),
    [s('switch-condition', 1)]: {
      type: 'switch-condition',
      switch: '__channel__:value',
      cases: { mail: s('action', 6), default: s('end', 7) },
      on_completion: s('while-condition', 1),
    },
    [s('action', 6)]: action(
      6,
      [
        {
          type: 'intersoc',
          command: 'mail',
          content:
            '{"to":["duty@soc.example"],"subject":"Host __host__:value contained","body":"Remote said: __remote__:value"}',
        },
      ],
      A.smtp,
      s('end', 8),
    ),
    [s('while-condition', 1)]: {
      type: 'while-condition',
      condition: '[variable:__n__ < 3]',
      on_true: s('action', 7),
      on_completion: s('playbook-action', 1),
    },
    [s('action', 7)]: action(
      7,
      [{ type: 'bash', command: 'expr __n__:value + 1 | tr -d "\\n"' }],
      A.shell,
      s('end', 9),
      { out_args: ['__n__'] },
    ),
    [s('playbook-action', 1)]: {
      type: 'playbook-action',
      playbook_id: fid('playbook', 201),
      in_args: ['__host__'],
      out_args: ['__verdict__'],
      on_completion: s('action', 8),
    },
    [s('action', 8)]: action(
      8,
      [{ type: 'intersoc', command: 'isolate-host', content: '{"host":"__host__:value"}' }],
      A.edr,
      s('end', 10),
    ),
  };
  for (const e of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) wf[s('end', e)] = { type: 'end' };
  return {
    type: 'playbook',
    spec_version: 'cacao-2.0',
    id: fid('playbook', 200),
    name: 'every step and command type',
    created_by: fid('identity', 1),
    created: '2025-01-01T00:00:00.000Z',
    modified: '2025-01-01T00:00:00.000Z',
    workflow_start: s('start', 1),
    workflow: wf,
    playbook_variables: {
      __attacker__: { type: 'ipv4-addr', value: '203.0.113.66', external: true },
      __host__: { type: 'string', value: 'wks-042', external: true },
      __who__: { type: 'string', value: 'world; rm -rf /', external: true },
      __channel__: { type: 'string', value: 'mail', external: true },
      __n__: { type: 'integer', value: '0' },
      __verdict__: { type: 'string', value: '' },
    },
    agent_definitions: {
      [A.web]: { type: 'http-api', name: 'status API', address: { dname: ['status.soc.example'] } },
      [A.openc2]: { type: 'http-api', name: 'edge firewall (OpenC2)', address: { dname: ['fw.soc.example'] } },
      [A.shell]: { type: 'linux', name: 'responder box', address: { dname: ['responder.soc.example'] } },
      [A.ssh]: { type: 'ssh', name: 'jump host', address: { dname: ['jump.soc.example'] } },
      [A.hook]: { type: 'http-api', name: 'chat webhook', address: { dname: ['chat.soc.example'] } },
      [A.smtp]: { type: 'individual', name: 'duty officer' },
      [A.edr]: { type: 'http-api', name: 'EDR agent', address: { dname: ['edr.soc.example'] } },
      [A.analyst]: { type: 'individual', name: 'analyst' },
    },
    extension_definitions: { [RESPOND_EXTENSION_ID]: RESPOND_EXTENSION_DEFINITION },
  };
}

function childPlaybook(): Playbook {
  const [start, act, end] = [fid('start', 201), fid('action', 201), fid('end', 201)];
  return {
    type: 'playbook',
    spec_version: 'cacao-2.0',
    id: fid('playbook', 201),
    name: 'analyst confirms',
    created_by: fid('identity', 1),
    created: '2025-01-01T00:00:00.000Z',
    modified: '2025-01-01T00:00:00.000Z',
    workflow_start: start,
    workflow: {
      [start]: { type: 'start', on_completion: act },
      [act]: {
        type: 'action',
        name: 'confirm',
        commands: [{ type: 'manual', command: 'Is __host__:value really compromised?' }],
        agent: A.analyst,
        out_args: ['__verdict__'],
        on_completion: end,
      },
      [end]: { type: 'end' },
    },
    playbook_variables: { __host__: { type: 'string', value: '' }, __verdict__: { type: 'string', value: '' } },
    agent_definitions: { [A.analyst]: { type: 'individual', name: 'analyst' } },
  };
}

beforeAll(async () => {
  web = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', body, headers: req.headers });
      res.setHeader('content-type', 'application/json');
      if (req.url === '/status') return res.end('{"state":"green"}');
      if (req.url === '/openc2') return res.end('{"status":200,"results":{}}');
      return res.end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, cb) {
      let m = '';
      stream.on('data', (d: Buffer) => (m += d.toString()));
      stream.on('end', () => {
        mails.push(m);
        cb();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  smtpPort = (smtp.server.address() as AddressInfo).port;
  const keys = sshUtils.generateKeyPairSync('ed25519');
  const pub = sshUtils.parseKey(keys.public);
  if (pub instanceof Error) throw pub;
  hostKey = sshFingerprint(pub.getPublicSSH());
  ssh = new SshServer({ hostKeys: [keys.private] }, (client) => {
    client.on('authentication', (ctx) =>
      ctx.method === 'password' && ctx.username === 'responder' && ctx.password === 's3cret-pass'
        ? ctx.accept()
        : ctx.reject(),
    );
    client.on('session', (accept) => {
      accept().on('exec', (acc, _rej, info) => {
        const stream = acc();
        const child = spawn('bash', ['-c', info.command]);
        child.stdout.on('data', (d: Buffer) => stream.write(d));
        child.on('close', (code) => {
          stream.exit(code ?? 1);
          stream.end();
        });
      });
    });
  });
  await new Promise<void>((r) => ssh.listen(0, '127.0.0.1', r));
  sshPort = (ssh.address() as AddressInfo).port;
  data = mkdtempSync(path.join(tmpdir(), 'respond-commands-'));
});

afterAll(async () => {
  web.close();
  ssh.close();
  await new Promise<void>((r) => smtp.close(r));
  rmSync(data, { recursive: true, force: true });
});

describe('every step type and command type against real systems', () => {
  it('runs, records inverses, and rolls back through every connector', async () => {
    const directory = new FileAgentDirectory(data);
    directory.putAgents('t1', [
      { match: A.web, kind: 'http', url: webUrl },
      { match: A.openc2, kind: 'openc2', url: webUrl },
      { match: A.shell, kind: 'local-shell' },
      {
        match: A.ssh,
        kind: 'ssh',
        host: '127.0.0.1',
        port: sshPort,
        username: 'responder',
        password: 'ssh-pass',
        hostKey,
      },
      { match: A.hook, kind: 'webhook', url: `${webUrl}/hook`, secret: 'hook-key' },
      { match: A.smtp, kind: 'smtp', host: '127.0.0.1', port: smtpPort, from: 'soc@soc.example' },
      { match: A.edr, kind: 'isolation-agent', url: `${webUrl}/edr/`, secret: 'edr-token' },
    ]);
    directory.putSecrets('t1', { 'ssh-pass': 's3cret-pass', 'hook-key': 'k3y', 'edr-token': 'tok-123' });
    const secret = (tenant: string, ref: string) => directory.secret(tenant, ref);
    const t = testStore();
    const engine = new Engine({
      store: t.store,
      directory,
      executors: [httpApiExecutor, openc2Executor, bashExecutor, sshExecutor, intersocExecutor({})],
      connectors: [
        openc2Connector(directory),
        webhookConnector(secret),
        smtpConnector((tenant, match) => {
          const r = SmtpAgentSchema.safeParse(directory.agent(tenant, match, undefined));
          return r.success ? r.data : undefined;
        }, secret),
        isolationConnector(secret),
      ],
    });
    const pb = kitchenSink();
    expect(validatePlaybook(pb).errors).toEqual([]);
    const alice: AuthContext = { tenant: 't1', user: 'alice', roles: ['analyst'], via: 'session' };
    addPlaybook(t.store, alice, pb);
    addPlaybook(t.store, alice, childPlaybook());
    const run = await engine.startRun(alice, { playbook: pb.id });
    await engine.idle();
    // The child playbook's manual task waits for the analyst.
    const [child] = t.store.childRuns(alice, run.id);
    const waits = t.store.openWaits(alice, child);
    expect(waits.map((w) => [w.wait.kind, w.wait.task])).toEqual([['manual', 'Is wks-042 really compromised?']]);
    await engine.answer(alice, child as string, fid('action', 201), { __verdict__: 'yes' });
    await engine.idle();
    const done = t.store.getRun(alice, run.id);
    expect(done?.reason).toBeUndefined();
    expect(done?.status).toBe('succeeded');

    const vars = foldRun('t1', run.id, t.store.transitions(alice, run.id)).vars;
    expect(vars.get('__status__')).toBe('{"state":"green"}');
    // A hostile value reaches the shell as one quoted word, not as code.
    expect(vars.get('__greeting__')).toBe('hello world; rm -rf /');
    expect(vars.get('__remote__')).toBe('ssh says world; rm -rf /');
    expect(vars.get('__n__')).toBe('3');
    expect(vars.get('__verdict__')).toBe('yes');

    const openc2 = requests.find((r) => r.url === '/openc2');
    expect(openc2?.headers['content-type']).toBe('application/openc2-cmd+json;version=1.0');
    expect(JSON.parse(openc2?.body ?? '{}')).toMatchObject({
      action: 'deny',
      target: { ipv4_connection: { src_addr: '203.0.113.66' } },
    });
    const hook = requests.find((r) => r.url === '/hook');
    expect(JSON.parse(hook?.body ?? '{}')).toMatchObject({
      event: 'notice',
      message: 'contained 203.0.113.66',
      data: { status: '{"state":"green"}' },
    });
    expect(String(hook?.headers['x-intersoc-signature'])).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatch(/Subject: Host wks-042 contained/);
    const isolate = requests.find((r) => r.url === '/edr/isolate');
    expect(isolate?.headers['authorization']).toBe('Bearer tok-123');
    expect(JSON.parse(isolate?.body ?? '{}')).toEqual({ host: 'wks-042' });
    // The audit log never holds a secret.
    const log = JSON.stringify(
      (await t.audit.list({ tenant: 't1', user: 'x', roles: ['admin'], via: 'system' }, { limit: 1000 })).items,
    );
    expect(log).not.toMatch(/s3cret-pass|k3y"|tok-123/);

    const actions = t.store.actions(alice, run.id);
    expect(actions.map((a) => a.connector).sort()).toEqual(['isolation', 'openc2', 'smtp', 'webhook']);
    const rb = await engine.rollback({ ...alice, user: 'bob' }, run.id);
    expect(rb.reverted.every((r) => r.ok)).toBe(true);
    // Newest first: the isolation (last step) is undone first.
    expect(rb.reverted[0]?.connector).toBe('isolation');
    expect(requests.some((r) => r.url === '/edr/release' && r.body === '{"host":"wks-042"}')).toBe(true);
    const allow = requests.filter((r) => r.url === '/openc2').at(-1);
    expect(JSON.parse(allow?.body ?? '{}')).toMatchObject({
      action: 'allow',
      target: { ipv4_connection: { src_addr: '203.0.113.66' } },
    });
    const retraction = requests.filter((r) => r.url === '/hook').at(-1);
    expect(JSON.parse(retraction?.body ?? '{}')).toMatchObject({
      event: 'retraction',
      retracts: JSON.parse(hook?.body ?? '{}').delivery,
    });
    expect(mails).toHaveLength(2);
    expect(mails[1]).toMatch(/Subject: Withdrawn: Host wks-042 contained/);
    expect(mails[1]).toMatch(/In-Reply-To: </);
    expect(t.store.actions(alice, run.id).every((a) => a.state === 'reverted')).toBe(true);
    await engine.close();
    t.db.close();
  });
});
