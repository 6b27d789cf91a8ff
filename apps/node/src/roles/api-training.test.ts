/**
 * The api role's training routes on a real PostgreSQL server (a scratch database): two API
 * instances on two connections to one store. An exercise imported on one is listed on the other
 * and not by another tenant; a run started on one is played on the other (answer, hint, report);
 * a scenario exercise and a hands-on level answer UNSUPPORTED without writing anything, and the
 * ground truth view reads the runs from PostgreSQL. Skipped only when PostgreSQL is unreachable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext, type Role } from '@intersoc/core';
import type { BuiltApi } from '@intersoc/api';
import { migratePg, type PgAuthStores } from '@intersoc/storage/postgres';
import { PgTrainStore } from '@intersoc/train';
import { apiTruthView, registerApiTraining } from './api-training.js';
import { apiInstance, closeInstance, injectJson, scratchPg, seedUsers } from './internal/testing.js';

const db = await scratchPg('intersoc_api_training', 'api training tests');

const USERS: readonly [string, string, Role][] = [
  ['acme', 'ines', 'instructor'],
  ['acme', 'tim', 'trainee'],
  ['globex', 'gina', 'admin'],
];

const EXERCISE = {
  format: 'intersoc-exercise/1',
  title: 'Triage basics',
  levels: [
    { type: 'info', title: 'Briefing', content: 'An alert fired on a workstation.' },
    {
      type: 'question',
      title: 'Which technique ran?',
      max_score: 20,
      answer_kind: 'technique',
      answers: ['T1059.001'],
      incorrect_answer_limit: 3,
      hints: [{ title: 'Process', content: 'Look at process.name', hint_penalty: 3 }],
      solution: 'T1059.001',
    },
    { type: 'task', title: 'Open a case', max_score: 10, check: 'case-from-incident' },
  ],
};

const SCENARIO_EXERCISE = {
  format: 'intersoc-exercise/1',
  title: 'With a scenario',
  scenario: {
    kind: 'records',
    origin: 'test',
    records: [{ format: 'json', record: '{"@timestamp":"2024-03-01T09:00:00Z","host":{"name":"WKS-03"}}' }],
    truth: { first_host: 'WKS-03', attack_hosts: ['WKS-03'], attack_users: [], techniques: [] },
    names: { hosts: ['WKS-03'], users: [] },
  },
  levels: [{ type: 'info', title: 'Briefing', content: 'Look around.' }],
};

const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-api-training-'));
let tokens: Record<string, string> = {};
const apis: BuiltApi[] = [];
const stores: PgAuthStores[] = [];

async function openApi(url: string): Promise<BuiltApi> {
  const { api, stores: s } = await apiInstance(url, {
    view: (s) => apiTruthView({ apply: (_ctx, _route, payload) => payload }, s.pg),
    register: (app, s) => registerApiTraining(app, { pg: s.pg, stores: s, data: dir }),
  });
  stores.push(s);
  apis.push(api);
  return api;
}

const call = (api: BuiltApi, who: string, method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) =>
  injectJson({ api }, tokens[who], method, url, payload);

beforeAll(async () => {
  if (!db) return;
  await migratePg(db.url);
  await openApi(db.url);
  await openApi(db.url);
  const s = stores[0] as PgAuthStores;
  tokens = await seedUsers(s, USERS);
});

afterAll(async () => {
  for (const [i, api] of apis.entries()) await closeInstance({ api, stores: stores[i] as PgAuthStores });
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!db)('api role training on PostgreSQL', () => {
  let exercise = '';
  let run = '';

  it('imports on one instance; the other lists it; another tenant does not', async () => {
    const [a, b] = apis as [BuiltApi, BuiltApi];
    const imp = await call(a, 'ines', 'POST', '/api/training/exercises', EXERCISE);
    expect(imp.status).toBe(200);
    exercise = String(imp.body['id']);
    const listed = await call(b, 'ines', 'GET', '/api/training/exercises');
    expect(listed.status).toBe(200);
    expect((listed.body['items'] as { id: string }[]).map((e) => e.id)).toEqual([exercise]);
    const other = await call(b, 'gina', 'GET', '/api/training/exercises');
    expect(other.status).toBe(200);
    expect(other.body['items']).toEqual([]);
  });

  it('starts a run on one instance and plays it on the other', async () => {
    const [a, b] = apis as [BuiltApi, BuiltApi];
    const started = await call(a, 'ines', 'POST', '/api/training/runs', { exercise, trainee: 'tim' });
    expect(started.status).toBe(200);
    run = String(started.body['run']);
    expect(String(started.body['tenant'])).toMatch(/^train-/);
    const wrong = await call(b, 'tim', 'POST', `/api/training/runs/${run}/levels/2/answer`, { answer: 'T1003' });
    expect(wrong.status).toBe(200);
    expect(wrong.body).toMatchObject({ correct: false, attempts: 1 });
    const hint = await call(a, 'tim', 'POST', `/api/training/runs/${run}/levels/2/hint`);
    expect(hint.status).toBe(200);
    const right = await call(b, 'tim', 'POST', `/api/training/runs/${run}/levels/2/answer`, { answer: 'T1059.001' });
    expect(right.body).toMatchObject({ correct: true, solved: true, score: 17 });
    const report = await call(a, 'ines', 'GET', `/api/training/runs/${run}/report`);
    expect(report.status).toBe(200);
    expect(report.body['score']).toBe(17);
    // Another tenant's admin is told the run does not exist.
    expect((await call(a, 'gina', 'GET', `/api/training/runs/${run}/report`)).status).toBe(404);
    expect((await call(b, 'gina', 'GET', '/api/training/runs')).body['items']).toEqual([]);
    // The trainee's account in the run's training tenant may not search the ground truth: the
    // view finds the run in PostgreSQL (an instance that did not start it).
    const view = apiTruthView({ apply: (_ctx, _route, payload) => payload }, (stores[1] as PgAuthStores).pg);
    const trainee = { ...systemContext(String(started.body['tenant'])), user: 'tim', roles: ['analyst' as const] };
    expect(() => view.query?.(trainee, '_label:T1059')).toThrow(/ground-truth/);
    expect(view.query?.({ ...trainee, tenant: 'train-none' }, '_label:T1059')).toBe('_label:T1059');
  });

  it('refuses, without writing, what needs a node: scenario replay and hands-on checks', async () => {
    const [a, b] = apis as [BuiltApi, BuiltApi];
    const store = new PgTrainStore((stores[0] as PgAuthStores).pg);
    const before = store.actions(run).length;
    const task = await call(b, 'tim', 'POST', `/api/training/runs/${run}/levels/3/answer`, { answer: '' });
    expect(task.body).toMatchObject({ error: { code: 'UNSUPPORTED' } });
    expect(store.actions(run).length).toBe(before);
    const imp = await call(a, 'ines', 'POST', '/api/training/exercises', SCENARIO_EXERCISE);
    expect(imp.status).toBe(200);
    const tenantsBefore = (await (stores[0] as PgAuthStores).tenants.list(systemContext('default'))).length;
    const started = await call(a, 'ines', 'POST', '/api/training/runs', {
      exercise: String(imp.body['id']),
      trainee: 'tim',
    });
    expect(started.body).toMatchObject({ error: { code: 'UNSUPPORTED' } });
    expect((await (stores[0] as PgAuthStores).tenants.list(systemContext('default'))).length).toBe(tenantsBefore);
    expect(store.runs(systemContext('acme')).length).toBe(1);
  });
});
