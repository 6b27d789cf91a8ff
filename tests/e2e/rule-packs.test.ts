/**
 * Rule packs shared through the PostgreSQL store (issue 19: "`intersoc rules add` stores rule
 * packs where every role can read them"), with real processes: a test-owned nats-server, a scratch
 * PostgreSQL database, one `serve --role correlate` and one `serve --role detect` whose `--data`
 * folders hold no rules of their own. `rules add --store` puts a pack in the store before the
 * roles start: the detect role alerts on it. A second pack added while the roles run, and a rule
 * disabled with `rules disable --store`, take effect without a restart.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '@intersoc/core';
import { createScratchDb, migratePg, openPgEventStore, type ScratchDb } from '@intersoc/storage/postgres';
import { findNatsServer, TestNatsServer } from './_nats-server.js';
import { cliRunner, startRole } from './_roles.js';

const RULE_ONE = '5f0c6a1e-7b1d-4e0a-9c33-8a2b9e000001';
const RULE_TWO = '5f0c6a1e-7b1d-4e0a-9c33-8a2b9e000002';

const bin = findNatsServer();
if (bin === undefined) console.warn('SKIP rule pack test: nats-server not found (PATH, /usr/sbin, NATS_SERVER_BIN)');
const db = bin !== undefined ? await createScratchDb('intersoc_rulepacks') : { unavailable: 'not tried' };
if ('unavailable' in db) console.warn(`SKIP rule pack test: ${db.unavailable}`);
const live = 'url' in db ? (db as ScratchDb) : undefined;

const ENV = {
  ...process.env,
  INTERSOC_BUS_RULES_POLL_MS: '300',
  INTERSOC_SYSLOG_ENABLED: 'false',
  INTERSOC_LOG_LEVEL: 'silent',
};
const dirs: string[] = [];
const children: ChildProcess[] = [];
const run = cliRunner(ENV, children);

function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'intersoc-rulepacks-'));
  dirs.push(d);
  return d;
}

function rule(id: string, needle: string): string {
  return [
    `title: Canary command line ${needle}`,
    `id: ${id}`,
    'status: test',
    'logsource: {category: process_creation, product: windows}',
    `detection: {sel: {CommandLine|contains: ${needle}}, condition: sel}`,
    'level: high',
    '',
  ].join('\n');
}

/** A pack folder holding one rule. */
function packDir(name: string, id: string, needle: string): string {
  const d = path.join(tempDir(), name);
  mkdirSync(d);
  writeFileSync(path.join(d, `${name}.yml`), rule(id, needle));
  return d;
}

/** Sysmon process starts as NXLog writes them, one per command line, numbered from `first`. */
function events(commands: string[], first: number): string {
  const d = tempDir();
  const file = path.join(d, `sysmon-${first}.json`);
  const lines = commands.map((cmd, i) =>
    JSON.stringify({
      Hostname: 'wks-07.corp.example',
      Channel: 'Microsoft-Windows-Sysmon/Operational',
      EventID: 1,
      SourceName: 'Microsoft-Windows-Sysmon',
      RecordNumber: first + i,
      '@timestamp': new Date(Date.UTC(2026, 11, 1, 10, 0, first + i)).toISOString(),
      ProcessId: String(4000 + first + i),
      Image: 'C:\\Windows\\System32\\cmd.exe',
      CommandLine: cmd,
      User: 'CORP\\rconti',
      ParentImage: 'C:\\Windows\\explorer.exe',
    }),
  );
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function alertsByRule(url: string): Promise<Record<string, number>> {
  const store = await openPgEventStore(url, { max: 1 });
  try {
    const page = await store.searchAlerts(systemContext('default'), { q: '', limit: 1_000 });
    const out: Record<string, number> = {};
    for (const a of page.items) out[a.detector.ruleId] = (out[a.detector.ruleId] ?? 0) + 1;
    return out;
  } finally {
    await store.close();
  }
}

async function cli(args: string[]): Promise<string> {
  const r = await run(args).done;
  expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(0);
  return r.out;
}

/** Waits until `child` logged `text` on stderr. */
async function logged(child: ChildProcess, seen: { err: string }, text: string): Promise<void> {
  const end = Date.now() + 60_000;
  while (!seen.err.includes(text)) {
    if (child.exitCode !== null) throw new Error(`role exited: ${seen.err}`);
    if (Date.now() > end) throw new Error(`no "${text}" in: ${seen.err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(live === undefined)('rule packs in the PostgreSQL store reach every role', () => {
  let nats: TestNatsServer;
  const url = live?.url ?? '';

  beforeAll(async () => {
    nats = await TestNatsServer.start(bin ?? '');
    await migratePg(url);
  }, 120_000);

  afterAll(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
    await nats?.stop();
    await live?.drop();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('a pack added before the roles start, one added while they run, and a rule disabled', async () => {
    const added = JSON.parse(
      await cli(['rules', 'add', packDir('canary-one', RULE_ONE, 'canary-one'), '--store', url, '--json']),
    ) as { revision: number; loaded: number };
    expect(added).toMatchObject({ revision: 1, loaded: 1 });

    await startRole(run, 'correlate', { bus: nats.url, store: url, data: tempDir() });
    const detect = await startRole(run, 'detect', { bus: nats.url, store: url, data: tempDir() });
    const seen = { err: '' };
    detect.stderr?.on('data', (b: Buffer) => (seen.err += b.toString()));

    const ingest = async (file: string): Promise<void> => {
      await cli(['ingest', file, '--bus', nats.url, '--data', tempDir(), '--json']);
    };
    await ingest(events(['cmd /c canary-one', 'cmd /c canary-two', 'cmd /c dir'], 1));
    let by = await alertsByRule(url);
    expect(by[RULE_ONE]).toBe(1);
    expect(by[RULE_TWO]).toBeUndefined();

    // A second pack while the roles run: the detect role reloads without a restart.
    await cli(['rules', 'add', packDir('canary-two', RULE_TWO, 'canary-two'), '--store', url, '--json']);
    await logged(detect, seen, 'rules: revision 2 applied');
    await ingest(events(['cmd /c canary-two again', 'cmd /c canary-one again'], 100));
    by = await alertsByRule(url);
    expect(by[RULE_TWO]).toBe(1);
    expect(by[RULE_ONE]).toBe(2);

    // Tuning through the store: the first rule off for every role.
    await cli(['rules', 'disable', RULE_ONE, '--store', url]);
    await logged(detect, seen, 'rules: revision 3 applied');
    await ingest(events(['cmd /c canary-one third', 'cmd /c canary-two third'], 200));
    by = await alertsByRule(url);
    expect(by[RULE_ONE]).toBe(2);
    expect(by[RULE_TWO]).toBe(2);

    const list = JSON.parse(await cli(['rules', 'list', '--store', url, '--json'])) as {
      packs: string[];
      tuning: { disabled?: string[] };
      revision: number;
    };
    expect(list).toMatchObject({ packs: ['canary-one', 'canary-two'], tuning: { disabled: [RULE_ONE] }, revision: 3 });
  }, 300_000);
});
