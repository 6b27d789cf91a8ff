/**
 * The nftables connector on real packets: two network namespaces joined by a veth pair, a TCP
 * service in one, a client in the other. A playbook blocks the client's address at the server's
 * firewall (approved by an analyst), the connection then fails; rolling the run back deletes the
 * element and the connection works again. Needs root, `ip` and `nft` (CI installs nftables).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthContext } from '@intersoc/core';
import { FileAgentDirectory } from '../../agents/directory.js';
import { intersocExecutor } from '../../commands/intersoc/index.js';
import { Engine } from '../../engine/engine.js';
import { fid, playbookOf } from '../../internal/fixtures.js';
import { addPlaybook, testStore } from '../../internal/testing.js';
import { nftablesConnector } from './index.js';

function has(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const root = typeof process.getuid === 'function' && process.getuid() === 0;
const ready = root && has('ip', ['-V']) && has('nft', ['--version']);
const why = !root ? 'needs root (network namespaces)' : 'needs ip and nft (apt-get install nftables)';

const tag = `${process.pid % 100000}`;
const SERVER = `rsp-s${tag}`;
const CLIENT = `rsp-c${tag}`;
const SERVER_IP = '10.77.0.2';
const CLIENT_IP = '10.77.0.1';
const PORT = 7777;

let server: ChildProcess | undefined;
let data: string;

function ns(name: string, ...args: string[]): void {
  execFileSync('ip', ['netns', 'exec', name, ...args], { stdio: 'ignore' });
}

/** True when the client reaches the server's TCP service within a second. */
function reachable(): boolean {
  try {
    const out = execFileSync(
      'ip',
      [
        'netns',
        'exec',
        CLIENT,
        'node',
        '-e',
        `const s=require('net').connect(${PORT},'${SERVER_IP}');s.setTimeout(1000,()=>process.exit(2));s.on('data',d=>{process.stdout.write(d);process.exit(0)});s.on('error',()=>process.exit(3))`,
      ],
      { timeout: 5000 },
    );
    return out.toString().includes('pong');
  } catch {
    return false;
  }
}

describe.skipIf(!ready)(`nftables connector (${ready ? 'root, ip, nft' : why})`, () => {
  beforeAll(async () => {
    execFileSync('ip', ['netns', 'add', SERVER]);
    execFileSync('ip', ['netns', 'add', CLIENT]);
    execFileSync('ip', ['link', 'add', `veth-s${tag}`, 'type', 'veth', 'peer', 'name', `veth-c${tag}`]);
    execFileSync('ip', ['link', 'set', `veth-s${tag}`, 'netns', SERVER]);
    execFileSync('ip', ['link', 'set', `veth-c${tag}`, 'netns', CLIENT]);
    ns(SERVER, 'ip', 'addr', 'add', `${SERVER_IP}/24`, 'dev', `veth-s${tag}`);
    ns(CLIENT, 'ip', 'addr', 'add', `${CLIENT_IP}/24`, 'dev', `veth-c${tag}`);
    for (const [n, dev] of [
      [SERVER, `veth-s${tag}`],
      [CLIENT, `veth-c${tag}`],
    ] as const) {
      ns(n, 'ip', 'link', 'set', dev, 'up');
      ns(n, 'ip', 'link', 'set', 'lo', 'up');
    }
    server = spawn(
      'ip',
      [
        'netns',
        'exec',
        SERVER,
        'node',
        '-e',
        `require('net').createServer(s=>s.end('pong')).listen(${PORT},'${SERVER_IP}',()=>console.log('up'))`,
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    await new Promise<void>((resolve) => server?.stdout?.once('data', () => resolve()));
    data = mkdtempSync(path.join(tmpdir(), 'respond-nft-'));
  });

  afterAll(() => {
    server?.kill();
    for (const n of [SERVER, CLIENT]) {
      try {
        execFileSync('ip', ['netns', 'del', n]);
      } catch {
        // already gone
      }
    }
    rmSync(data, { recursive: true, force: true });
  });

  it('blocks an address so packets are dropped, and the rollback lets them through again', async () => {
    expect(reachable()).toBe(true);
    const t = testStore();
    const directory = new FileAgentDirectory(data);
    const firewall = fid('linux', 1);
    directory.putAgents('t1', [
      {
        match: firewall,
        kind: 'nftables',
        netns: SERVER,
        table: 'intersoc',
        set4: 'blocked4',
        set6: 'blocked6',
        nft: 'nft',
      },
    ]);
    const engine = new Engine({
      store: t.store,
      directory,
      executors: [intersocExecutor({})],
      connectors: [nftablesConnector],
    });
    const [start, act, end] = [fid('start', 1), fid('action', 1), fid('end', 1)];
    const pb = playbookOf(
      1,
      start,
      {
        [start]: { type: 'start', on_completion: act },
        [act]: {
          type: 'action',
          name: 'Block the attacker',
          commands: [{ type: 'intersoc', command: 'block-ip', content: '{"ip":"__attacker__:value"}' }],
          agent: firewall,
          on_completion: end,
        },
        [end]: { type: 'end' },
      },
      {
        playbook_variables: { __attacker__: { type: 'ipv4-addr', value: '', external: true } },
        agent_definitions: { [firewall]: { type: 'linux', name: 'server firewall' } },
      },
    );
    const alice: AuthContext = { tenant: 't1', user: 'alice', roles: ['analyst'], via: 'session' };
    addPlaybook(t.store, alice, pb);
    const run = await engine.startRun(alice, { playbook: pb.id, variables: { __attacker__: CLIENT_IP } });
    await engine.idle();
    // Blocking needs one approver: nothing is blocked yet.
    expect(t.store.getRun(alice, run.id)?.status).toBe('waiting');
    expect(reachable()).toBe(true);
    await engine.approve({ ...alice, user: 'bob' }, run.id, act);
    await engine.idle();
    expect(t.store.getRun(alice, run.id)?.status).toBe('succeeded');
    const actions = t.store.actions(alice, run.id);
    expect(actions.map((a) => a.summary)).toEqual([
      `blocked ${CLIENT_IP} in netns ${SERVER} table inet intersoc set blocked4`,
    ]);
    expect(reachable()).toBe(false);

    const rb = await engine.rollback({ ...alice, user: 'bob' }, run.id);
    expect(rb.reverted.map((r) => r.ok)).toEqual([true]);
    expect(t.store.actions(alice, run.id)[0]?.state).toBe('reverted');
    expect(reachable()).toBe(true);
    await engine.close();
    t.db.close();
  });
});
