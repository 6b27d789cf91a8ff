import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { systemContext } from '@intersoc/core';
import { EVENTS_DB_FILE, NODE_DB_FILE, openDatabase } from '@intersoc/storage';
import { SqliteTrainStore } from '@intersoc/train';
import { configFor } from '../node/options.js';
import { withIncidents } from '../node/incidents/offline.js';
import { register as registerDemo } from './demo.js';
import { openNodeAuthStores } from '../node/audit-keys.js';
import { register } from './training.js';

const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-training-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

async function training(args: string[]): Promise<Record<string, unknown>> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    out += String(c);
    return true;
  });
  const program = new Command('intersoc').exitOverride();
  register(program);
  const [sub = '', ...rest] = args;
  await program.parseAsync(['node', 'intersoc', 'training', sub, '--data', dir, '--json', ...rest]);
  vi.restoreAllMocks();
  return JSON.parse(out) as Record<string, unknown>;
}

async function addUsers(names: readonly string[]): Promise<void> {
  const db = openDatabase(path.join(dir, NODE_DB_FILE));
  try {
    const stores = openNodeAuthStores(db, dir);
    for (const name of names) await stores.users.create(systemContext('default'), { name, role: 'trainee' });
  } finally {
    db.close();
  }
}

const KYPO = {
  title: 'Junior',
  levels: [
    { level_type: 'INFO_LEVEL', title: 'Intro', content: 'Welcome' },
    { level_type: 'ACCESS_LEVEL', title: 'Get access', passkey: 'start', cloud_content: 'ssh in' },
    {
      level_type: 'TRAINING_LEVEL',
      title: 'Help',
      answer: '--help',
      max_score: 10,
      solution_penalized: false,
      incorrect_answer_limit: 10,
      hints: [{ title: 'h', content: 'man pages', hint_penalty: 1 }],
      solution: 'try --help',
    },
    {
      level_type: 'TRAINING_LEVEL',
      title: 'Port',
      answer: '2049',
      max_score: 15,
      solution_penalized: true,
      incorrect_answer_limit: 10,
      hints: [
        { title: 'a', content: 'nmap', hint_penalty: 2 },
        { title: 'b', content: 'nfs', hint_penalty: 4 },
      ],
      solution: '2049',
    },
    {
      level_type: 'TRAINING_LEVEL',
      title: 'File',
      answer: 'invoices2019.zip',
      max_score: 20,
      solution_penalized: true,
      incorrect_answer_limit: 10,
      hints: [{ title: 'a', content: 'ls', hint_penalty: 4 }],
      solution: 'invoices2019.zip',
    },
  ],
};

describe('intersoc training (the contract)', () => {
  it('imports a KYPO training, starts a run, takes answers, a hint and a solution, and reports KYPO scores', async () => {
    await addUsers(['tim']);
    const file = path.join(dir, 'training.json');
    writeFileSync(file, JSON.stringify(KYPO));
    const { id } = await training(['import', file]);
    expect(id).toMatch(/^ex-/);
    const start = await training(['start', String(id), '--trainee', 'tim']);
    expect(Object.keys(start)).toEqual(expect.arrayContaining(['run', 'tenant', 'levels']));
    expect(start['levels']).toEqual([
      { id: '1', title: 'Intro', type: 'info', max: 0 },
      { id: '2', title: 'Get access', type: 'access', max: 0 },
      { id: '3', title: 'Help', type: 'question', max: 10 },
      { id: '4', title: 'Port', type: 'question', max: 15 },
      { id: '5', title: 'File', type: 'question', max: 20 },
    ]);
    const run = String(start['run']);
    expect(await training(['answer', run, '1'])).toMatchObject({ correct: true });
    expect(await training(['answer', run, '2', 'start'])).toMatchObject({ correct: true });
    // An answer that begins with "-", after "--"; one wrong answer first (free).
    expect(await training(['answer', run, '3', '--', '-h'])).toMatchObject({ correct: false });
    // --json after the answer (past "--") is still the flag, not part of the answer.
    let printed = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
      printed += String(c);
      return true;
    });
    const program = new Command('intersoc').exitOverride();
    register(program);
    await program.parseAsync(['node', 'intersoc', 'training', 'answer', run, '3', '--', '-v', '--json', '--data', dir]);
    vi.restoreAllMocks();
    expect(JSON.parse(printed)).toMatchObject({ correct: false, attempts: 2 });
    expect(await training(['answer', run, '3', '--', '--help'])).toMatchObject({ correct: true, score: 10 });
    // Two hints (2 + 4): 9.
    expect(await training(['hint', run, '4'])).toMatchObject({ penalty: 2 });
    expect(await training(['hint', run, '4'])).toMatchObject({ penalty: 4 });
    expect(await training(['answer', run, '4', '2049'])).toMatchObject({ correct: true, score: 9 });
    // A penalised solution: 0.
    expect(await training(['solution', run, '5'])).toMatchObject({ solution: 'invoices2019.zip', penalized: true });
    await training(['answer', run, '5', 'invoices2019.zip']);
    const report = await training(['report', run]);
    expect(report).toMatchObject({ score: 19, max: 45 });
    expect(
      (report['levels'] as Record<string, unknown>[]).map(({ id: l, score, max, hints, attempts, solved }) => ({
        id: l,
        score,
        max,
        hints,
        attempts,
        solved,
      })),
    ).toEqual([
      { id: '1', score: 0, max: 0, hints: 0, attempts: 1, solved: true },
      { id: '2', score: 0, max: 0, hints: 0, attempts: 1, solved: true },
      { id: '3', score: 10, max: 10, hints: 0, attempts: 3, solved: true },
      { id: '4', score: 9, max: 15, hints: 2, attempts: 1, solved: true },
      { id: '5', score: 0, max: 20, hints: 0, attempts: 1, solved: true },
    ]);
    expect(await training(['progress'])).toMatchObject({ trainees: [{ trainee: 'tim', score: 19, max: 45 }] });
    expect(await training(['competence', 'tim'])).toMatchObject({ trainee: 'tim', runs: 1 });
  });

  it('access gives the trainee a token or a password for the training tenant only; answers is the key', async () => {
    await addUsers(['tia']);
    const { exercises } = (await training(['list'])) as { exercises: { id: string; title: string }[] };
    const junior = exercises.find((e) => e.title === 'Junior');
    const start = await training(['start', String(junior?.id), '--trainee', 'tia']);
    const run = String(start['run']);
    const tenant = String(start['tenant']);
    const key = (await training(['answers', run])) as { trainee: string; levels: { id: string; accepts: string[] }[] };
    expect(key.trainee).toBe('tia');
    expect(key.levels.map((l) => [l.id, l.accepts])).toEqual([
      ['1', []],
      ['2', ['start']],
      ['3', ['--help']],
      ['4', ['2049']],
      ['5', ['invoices2019.zip']],
    ]);
    const minted = await training(['access', run]);
    expect(minted).toMatchObject({ tenant, user: 'tia' });
    vi.spyOn(process, 'stdin', 'get').mockReturnValue(
      Readable.from([Buffer.from('cli-password-17\n')]) as unknown as typeof process.stdin,
    );
    expect(await training(['access', run, '--password'])).toEqual({ tenant, user: 'tia' });
    const db = openDatabase(path.join(dir, NODE_DB_FILE));
    try {
      const stores = openNodeAuthStores(db, dir);
      expect(await stores.tokens.resolve(String(minted['token']))).toMatchObject({ tenant, user: 'tia' });
      expect(await stores.users.verifyPassword(tenant, 'tia', 'cli-password-17')).toBeDefined();
      expect(await stores.users.verifyPassword('default', 'tia', 'cli-password-17')).toBeUndefined();
    } finally {
      db.close();
    }
  });

  it('replays a simulator scenario into each run’s own training tenant, renamed per trainee', async () => {
    await addUsers(['ana', 'bo']);
    const file = path.join(dir, 'sim.json');
    writeFileSync(
      file,
      JSON.stringify({
        format: 'intersoc-exercise/1',
        title: 'First host',
        scenario: { kind: 'simulator', seed: 7, hours: 1 },
        levels: [{ type: 'find', title: 'Which host was compromised first?', max_score: 30, target: 'first-host' }],
      }),
    );
    const { id } = await training(['import', file]);
    const a = await training(['start', String(id), '--trainee', 'ana']);
    const b = await training(['start', String(id), '--trainee', 'bo']);
    expect(a['replayed']).toBeGreaterThan(1000);
    expect(a['tenant']).not.toBe(b['tenant']);
    const db = openDatabase(path.join(dir, NODE_DB_FILE));
    const store = new SqliteTrainStore(db);
    const ta = store.run(String(a['run']))?.state.truth;
    const tb = store.run(String(b['run']))?.state.truth;
    db.close();
    expect(ta?.first_host).toBeDefined();
    expect(ta?.first_host).not.toBe(tb?.first_host);
    // The events are in the training tenant under the trainee's names.
    const events = openDatabase(path.join(dir, EVENTS_DB_FILE));
    try {
      const counts = events.prepare('SELECT tenant, SUM(count) AS n FROM blocks GROUP BY tenant').all() as {
        tenant: string;
        n: number;
      }[];
      expect(counts.find((c) => c.tenant === a['tenant'])?.n).toBeGreaterThan(1000);
      expect(counts.find((c) => c.tenant === b['tenant'])?.n).toBeGreaterThan(1000);
    } finally {
      events.close();
    }
    expect(await training(['answer', String(b['run']), '1', ta?.first_host ?? '?'])).toMatchObject({ correct: false });
    expect(await training(['answer', String(a['run']), '1', ta?.first_host ?? '?'])).toMatchObject({
      correct: true,
      score: 30,
    });
  }, 120_000);

  it('makes an exercise from a closed incident: renamed events, the confirmed facts as answers', async () => {
    await addUsers(['ida']);
    const quiet = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const program = new Command('intersoc').exitOverride();
    registerDemo(program);
    await program.parseAsync(['node', 'intersoc', 'demo', '--hours', '1', '--seed', '7', '--data', dir, '--json']);
    quiet.mockRestore();
    const ctx = systemContext('default');
    const inc = withIncidents(configFor({ data: dir }), ({ stage }) => {
      const first = stage.incidents.list(ctx, {}).items.find((i) => i.hosts.length > 1 && i.users.length > 0);
      if (first) stage.incidents.setStatus(ctx, [first.id], 'closed');
      return first;
    });
    expect(inc).toBeDefined();
    const made = await training(['from-incident', String(inc?.id)]);
    expect(made['levels']).toBe(5);
    // The privacy module pseudonymised the incident: no real host or user name is stored in the
    // exercise (records, truth, names, titles), nor in its export.
    const stored = await training(['export', String(made['id'])]);
    const text = JSON.stringify(stored).toLowerCase();
    const real = [...(inc?.hosts ?? []).map((h) => h.split('.')[0] ?? h), ...(inc?.users ?? [])].map((x) =>
      x.replace(/^.*\\/, '').toLowerCase(),
    );
    expect(real.length).toBeGreaterThan(1);
    for (const name of real)
      expect(text).not.toMatch(new RegExp(`\\b${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`));
    expect(text).toMatch(/host-[0-9a-f]{8}/);
    const start = await training(['start', String(made['id']), '--trainee', 'ida']);
    expect(start['replayed']).toBeGreaterThan(0);
    const db = openDatabase(path.join(dir, NODE_DB_FILE));
    const truth = new SqliteTrainStore(db).run(String(start['run']))?.state.truth;
    db.close();
    expect(truth?.attack_hosts).toHaveLength(inc?.hosts.length ?? -1);
    for (const h of inc?.hosts ?? []) expect(truth?.attack_hosts).not.toContain(h);
    const run = String(start['run']);
    expect(await training(['answer', run, '3', ...(inc?.hosts ?? [])])).toMatchObject({ correct: false });
    expect(await training(['answer', run, '3', ...(truth?.attack_hosts ?? [])])).toMatchObject({ correct: true });
  }, 180_000);
});
