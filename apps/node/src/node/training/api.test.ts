/**
 * A scripted trainee plays a whole exercise through the real API (real auth stores, the real
 * training service and store): right and wrong answers, a hint, revealed solutions, a "find it"
 * level answered with the trainee's own names; the report gives exactly the KYPO policy's scores.
 * The scenario's records are collected where the node would put them through its pipeline (that
 * path is tested by the `training` command's test).
 */
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, systemContext, type Role } from '@intersoc/core';
import { buildApi, registerTrainingRoutes, type BuiltApi } from '@intersoc/api';
import { openDatabase, openSqliteAuthStores, type AuthStores } from '@intersoc/storage';
import { progressCsv, progressJson, SqliteTrainStore, TrainingService } from '@intersoc/train';

const USERS: readonly [string, string, Role][] = [
  ['acme', 'ines', 'instructor'],
  ['acme', 'tim', 'trainee'],
  ['acme', 'tara', 'trainee'],
  ['acme', 'annie', 'analyst'],
  ['globex', 'gina', 'admin'],
];

let api: BuiltApi;
let stores: AuthStores;
const tokens: Record<string, string> = {};
const replayed: Record<string, string[]> = {};

const EXERCISE = {
  format: 'intersoc-exercise/1',
  title: 'Phishing to PowerShell',
  scenario: {
    kind: 'records',
    origin: 'test',
    records: [
      {
        format: 'json',
        record:
          '{"@timestamp":"2024-03-01T09:00:00Z","host":{"name":"WKS-03"},"user":{"name":"dwalsh"},"process":{"name":"powershell.exe"}}',
        label: 'T1059.001',
      },
    ],
    truth: { first_host: 'WKS-03', attack_hosts: ['WKS-03'], attack_users: ['dwalsh'], techniques: ['T1059.001'] },
    names: { hosts: ['WKS-03'], users: ['dwalsh'] },
  },
  levels: [
    { type: 'info', title: 'Briefing', content: 'An alert fired on a workstation.' },
    { type: 'access', title: 'Log in', passkey: 'ready' },
    {
      type: 'question',
      title: 'Which technique ran?',
      max_score: 20,
      answer_kind: 'technique',
      answers: ['T1059.001'],
      incorrect_answer_limit: 3,
      hints: [
        { title: 'Process', content: 'Look at process.name', hint_penalty: 3 },
        { title: 'More', content: 'PowerShell', hint_penalty: 5 },
      ],
      solution: 'T1059.001',
      techniques: ['T1059.001'],
    },
    {
      type: 'choice',
      title: 'Which tactics?',
      max_score: 10,
      options: ['execution', 'exfiltration', 'initial-access'],
      correct: [0],
    },
    {
      type: 'question',
      title: 'Which user?',
      max_score: 15,
      answer_kind: 'user',
      answer_from: 'attack_users',
      solution: 'the user in user.name',
      solution_penalized: false,
      hints: [{ title: 'Field', content: 'user.name of dwalsh', hint_penalty: 4 }],
    },
    { type: 'find', title: 'First compromised host', max_score: 25, target: 'first-host', solution: '${ANSWER}' },
  ],
};

async function call(
  who: string,
  method: 'GET' | 'POST',
  url: string,
  payload?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await api.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${tokens[who] ?? ''}` },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
}

beforeAll(async () => {
  const db = openDatabase(':memory:');
  stores = openSqliteAuthStores(db);
  const operator = systemContext('default');
  for (const t of ['acme', 'globex']) await stores.tenants.create(operator, { name: t });
  for (const [tenant, name, role] of USERS) {
    await stores.users.create(systemContext(tenant), { name, role });
    tokens[name] = (await stores.tokens.create(systemContext(tenant), { user: name, name: 'test' })).secret;
  }
  const unsupported = (): never => {
    throw new AppError('UNSUPPORTED', 'not part of this test');
  };
  api = await buildApi({
    stores,
    services: {
      ingest: { ingest: async () => unsupported() },
      search: {
        searchEvents: async () => unsupported(),
        getEvent: async () => undefined,
        searchAlerts: async () => unsupported(),
        listDeadLetters: async () => unsupported(),
      },
    },
    registry: new Registry(),
  });
  registerTrainingRoutes(api.app, {
    training: new TrainingService({
      store: new SqliteTrainStore(db),
      tenants: stores.tenants,
      users: stores.users,
      tokens: stores.tokens,
      replay: async (tenant, replay) => {
        replayed[tenant] = [...replay.records()].map((r) => r.record);
        return replayed[tenant].length;
      },
    }),
    formats: { csv: progressCsv, json: progressJson },
  });
  await api.app.ready();
});

afterAll(async () => {
  await api.app.close();
});

describe('training through the API', () => {
  let exercise = '';
  let run = '';
  let tenant = '';

  it('an instructor imports an exercise and starts runs; others may not', async () => {
    expect((await call('tim', 'POST', '/api/training/exercises', EXERCISE)).status).toBe(403);
    expect((await call('annie', 'POST', '/api/training/exercises', EXERCISE)).status).toBe(403);
    const imported = await call('ines', 'POST', '/api/training/exercises', EXERCISE);
    expect(imported.status).toBe(200);
    exercise = String(imported.body['id']);
    expect((await call('ines', 'GET', '/api/training/exercises')).body['items']).toHaveLength(1);
    expect((await call('gina', 'GET', '/api/training/exercises')).body['items']).toHaveLength(0);
    expect((await call('tim', 'POST', '/api/training/runs', { exercise, trainee: 'tim' })).status).toBe(403);
    const started = await call('ines', 'POST', '/api/training/runs', { exercise, trainee: 'tim' });
    expect(started.status).toBe(200);
    expect(started.body['levels']).toEqual([
      { id: '1', title: 'Briefing', type: 'info', max: 0 },
      { id: '2', title: 'Log in', type: 'access', max: 0 },
      { id: '3', title: 'Which technique ran?', type: 'question', max: 20 },
      { id: '4', title: 'Which tactics?', type: 'choice', max: 10 },
      { id: '5', title: 'Which user?', type: 'question', max: 15 },
      { id: '6', title: 'First compromised host', type: 'find', max: 25 },
    ]);
    run = String(started.body['run']);
    tenant = String(started.body['tenant']);
    expect(replayed[tenant]?.[0]).not.toMatch(/WKS-03|dwalsh/);
  });

  it('a scripted trainee plays every level; the report gives exactly the policy scores', async () => {
    const level = (n: number, what: string, body?: unknown) =>
      call(
        'tim',
        'POST',
        `/api/training/runs/${run}/levels/${n}/${what}`,
        body ?? (what === 'answer' ? {} : undefined),
      );
    expect((await level(1, 'answer', {})).body).toMatchObject({ correct: true });
    expect((await level(2, 'answer', { answer: 'not yet' })).body).toMatchObject({ correct: false });
    expect((await level(2, 'answer', { answer: 'ready' })).body).toMatchObject({ correct: true });
    // Level 3: a wrong answer (free), a hint (-3), right: 17.
    expect((await level(3, 'answer', { answer: 'T1059' })).body).toMatchObject({ correct: false, remaining: 2 });
    expect((await level(3, 'hint')).body).toMatchObject({ hint: 1, penalty: 3, content: 'Look at process.name' });
    expect((await level(3, 'answer', { answer: 'attack.t1059.001' })).body).toMatchObject({ correct: true, score: 17 });
    // Level 4: right at once: 10.
    expect((await level(4, 'answer', { answer: 'A' })).body).toMatchObject({ correct: true, score: 10 });
    // Level 5: a hint (-4; its text uses the trainee's names), an unpenalised solution, right: 11.
    const hint = await level(5, 'hint');
    expect(hint.body['content']).not.toContain('dwalsh');
    expect((await level(5, 'solution')).body).toMatchObject({ penalized: false });
    const me = /user\.name of (\S+)/.exec(String(hint.body['content']))?.[1] ?? '';
    expect((await level(5, 'answer', { answer: 'dwalsh' })).body).toMatchObject({ correct: false });
    expect((await level(5, 'answer', { answer: `CORP\\${me.toUpperCase()}` })).body).toMatchObject({
      correct: true,
      score: 11,
    });
    // Level 6: the penalised solution names the trainee's own first host; the level scores 0.
    const solution = await level(6, 'solution');
    expect(solution.body).toMatchObject({ penalized: true, score: 0 });
    const host = String(solution.body['solution']);
    expect(host).toMatch(/^WKS-\d{3}$/);
    expect((await level(6, 'answer', { answer: `${host.toLowerCase()}.corp.example` })).body).toMatchObject({
      correct: true,
      score: 0,
    });

    const report = await call('tim', 'GET', `/api/training/runs/${run}/report`);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ score: 38, max: 70 });
    expect(
      (report.body['levels'] as Record<string, unknown>[]).map((l) => [
        l['id'],
        l['score'],
        l['max'],
        l['hints'],
        l['attempts'],
        l['solved'],
      ]),
    ).toEqual([
      ['1', 0, 0, 0, 1, true],
      ['2', 0, 0, 0, 2, true],
      ['3', 17, 20, 1, 2, true],
      ['4', 10, 10, 0, 1, true],
      ['5', 11, 15, 1, 2, true],
      ['6', 0, 25, 0, 1, true],
    ]);
    const view = await call('tim', 'GET', `/api/training/runs/${run}`);
    expect(view.body).toMatchObject({ score: 38, max: 70, tenant });
    const levels = view.body['levels'] as Record<string, unknown>[];
    expect(levels[3]).toMatchObject({ type: 'choice', options: ['execution', 'exfiltration', 'initial-access'] });
    expect(levels[2]).toMatchObject({ hints: 2, hintsTaken: 1, solved: true, score: 17 });
    // The instructor sees the same, and every action.
    expect((await call('ines', 'GET', `/api/training/runs/${run}/report`)).body).toMatchObject({ score: 38 });
    const actions = (await call('ines', 'GET', `/api/training/runs/${run}/actions`)).body['items'] as unknown[];
    expect(actions).toHaveLength(13);
    expect((await call('ines', 'GET', '/api/training/runs')).body['items']).toMatchObject([
      { id: run, trainee: 'tim', score: 38, max: 70, solved: 6, hints: 2 },
    ]);
  });

  it('a second trainee gets other names, checked against their own', async () => {
    const started = await call('ines', 'POST', '/api/training/runs', { exercise, trainee: 'tara' });
    const other = String(started.body['run']);
    const mine = String((await call('tara', 'POST', `/api/training/runs/${other}/levels/6/solution`)).body['solution']);
    const tims = String((await call('tim', 'POST', `/api/training/runs/${run}/levels/6/solution`)).body['solution']);
    expect(mine).not.toBe(tims);
    expect(replayed[String(started.body['tenant'])]?.[0]).toContain(mine);
    expect(
      (await call('tara', 'POST', `/api/training/runs/${other}/levels/6/answer`, { answer: tims })).body,
    ).toMatchObject({ correct: false });
    expect(
      (await call('tara', 'POST', `/api/training/runs/${other}/levels/6/answer`, { answer: mine })).body,
    ).toMatchObject({ correct: true });
  });

  it("a trainee reaches only their own run; the trainee's account in the training tenant plays it", async () => {
    expect((await call('tara', 'GET', `/api/training/runs/${run}/report`)).status).toBe(404);
    expect((await call('gina', 'GET', `/api/training/runs/${run}/report`)).status).toBe(404);
    // A production analyst is no player of this run: it does not exist for them.
    expect((await call('annie', 'GET', `/api/training/runs/${run}/report`)).status).toBe(404);
    expect((await call('tim', 'GET', `/api/training/runs/${run}/actions`)).status).toBe(403);
    expect((await call('tara', 'GET', '/api/training/runs')).body['items']).toMatchObject([{ trainee: 'tara' }]);
    // The instructor lets tim sign in to the training tenant: a token of tim there, shown once.
    expect((await call('tim', 'POST', `/api/training/runs/${run}/access`, {})).status).toBe(403);
    expect((await call('gina', 'POST', `/api/training/runs/${run}/access`, {})).status).toBe(404);
    const access = await call('ines', 'POST', `/api/training/runs/${run}/access`, {});
    expect(access.body).toMatchObject({ tenant, user: 'tim' });
    tokens['tim@training'] = String(access.body['token']);
    const there = await call('tim@training', 'GET', `/api/training/runs/${run}/report`);
    expect(there.body).toMatchObject({ score: 38, tenant });
    // The Training view lists the run there too (the training tenant's one run, the trainee's own).
    expect((await call('tim@training', 'GET', '/api/training/runs')).body['items']).toMatchObject([
      { id: run, trainee: 'tim', tenant },
    ]);
    // That account sees its training tenant only: no exercise, no answer key, no other run, no other tenant.
    expect((await call('tim@training', 'GET', '/api/training/exercises')).status).toBe(403);
    expect((await call('tim@training', 'GET', `/api/training/runs/${run}/answers`)).status).toBe(403);
    expect((await call('tim@training', 'GET', '/api/training/runs?tenant=acme')).status).toBe(403);
    const taras = ((await call('tara', 'GET', '/api/training/runs')).body['items'] as { id: string }[])[0]?.id ?? '';
    expect(taras).not.toBe('');
    expect((await call('tim@training', 'GET', `/api/training/runs/${taras}/report`)).status).toBe(404);
    // A password works the same way (the dashboard's sign-in form).
    expect(
      (await call('ines', 'POST', `/api/training/runs/${run}/access`, { password: 'a-long-password-1' })).body,
    ).toEqual({
      tenant,
      user: 'tim',
    });
    expect(await stores.users.verifyPassword(tenant, 'tim', 'a-long-password-1')).toMatchObject({ role: 'analyst' });
  });

  it('exports progress as CSV and JSON, and shows a competence map', async () => {
    const csv = await api.app.inject({
      method: 'GET',
      url: '/api/training/progress?format=csv',
      headers: { authorization: `Bearer ${tokens['ines'] ?? ''}` },
    });
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.body.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^trainee,run,exercise,title,started,level,/);
    // Two runs of six levels each.
    expect(lines).toHaveLength(13);
    const mine = await call('tim', 'GET', '/api/training/progress');
    expect(mine.body['trainees']).toMatchObject([{ trainee: 'tim', score: 38, max: 70 }]);
    const map = await call('ines', 'GET', '/api/training/trainees/tim/competence');
    expect(map.body['techniques']).toEqual([
      expect.objectContaining({ id: 'T1059.001', asked: 1, found: 1, reliability: 1 }),
    ]);
    expect((await call('tara', 'GET', '/api/training/trainees/tim/competence')).status).toBe(404);
  });
});
