import { beforeEach, describe, expect, it } from 'vitest';
import { systemContext, type AuthContext } from '@intersoc/core';
import { openDatabase, openSqliteAuthStores, type AuthStores } from '@intersoc/storage';
import type { Exercise } from '../exercise/schema.js';
import { SAMPLE } from '../internal/fixtures.js';
import { SqliteTrainStore } from '../store/sqlite-train.js';
import { TrainingService } from './training-service.js';

const WITH_SCENARIO: Exercise = {
  ...SAMPLE,
  scenario: {
    kind: 'records',
    origin: 'test',
    records: [
      {
        format: 'ecs',
        source: 'test',
        record: '{"@timestamp":"2020-09-14T00:44:20.000Z","host":{"name":"WKS-03"},"user":{"name":"dwalsh"}}',
        label: 'T1059.001',
      },
    ],
    truth: { first_host: 'WKS-03', attack_hosts: ['WKS-03'], attack_users: ['dwalsh'], techniques: ['T1059.001'] },
    names: { hosts: ['WKS-03'], users: ['dwalsh'] },
  },
  levels: [
    ...SAMPLE.levels,
    {
      type: 'find',
      title: 'First compromised host',
      content: '',
      max_score: 30,
      hints: [],
      solution: '',
      solution_penalized: true,
      incorrect_answer_limit: 5,
      techniques: [],
      target: 'first-host',
      tolerance: 0.9,
    },
  ],
};

let stores: AuthStores;
let service: TrainingService;
let replayed: { tenant: string; records: string[] }[];
const acme: AuthContext = { tenant: 'acme', user: 'ines', roles: ['instructor'], via: 'token' };
const tim: AuthContext = { tenant: 'acme', user: 'tim', roles: ['trainee'], via: 'token' };
const tara: AuthContext = { tenant: 'acme', user: 'tara', roles: ['trainee'], via: 'token' };
const analyst: AuthContext = { tenant: 'acme', user: 'ann', roles: ['analyst'], via: 'token' };
const other: AuthContext = { tenant: 'globex', user: 'gina', roles: ['instructor'], via: 'token' };

beforeEach(async () => {
  const db = openDatabase(':memory:');
  stores = openSqliteAuthStores(db);
  const root = systemContext('default');
  await stores.tenants.create(root, { name: 'acme' });
  await stores.tenants.create(root, { name: 'globex' });
  for (const [name, role] of [
    ['ines', 'instructor'],
    ['tim', 'trainee'],
    ['tara', 'trainee'],
    ['ann', 'analyst'],
  ] as const)
    await stores.users.create(systemContext('acme'), { name, role });
  replayed = [];
  service = new TrainingService({
    store: new SqliteTrainStore(db),
    tenants: stores.tenants,
    users: stores.users,
    replay: async (tenant, replay) => {
      const records = [...replay.records()].map((r) => r.record);
      replayed.push({ tenant, records });
      return records.length;
    },
  });
});

describe('training runs', () => {
  it('a trainee plays a whole exercise; the report gives exactly the policy scores', async () => {
    const { id } = service.importExercise(acme, WITH_SCENARIO);
    const started = await service.start(acme, id, 'tim');
    expect(started.tenant).toMatch(/^train-/);
    expect(started.levels.map((l) => [l.id, l.type, l.max])).toEqual([
      ['1', 'info', 0],
      ['2', 'access', 0],
      ['3', 'question', 20],
      ['4', 'choice', 10],
      ['5', 'question', 15],
      ['6', 'question', 25],
      ['7', 'find', 30],
    ]);
    // A training tenant with the trainee's account (an analyst there, for hands-on levels), and the scenario in it.
    expect(await stores.users.get(systemContext(started.tenant), 'tim')).toMatchObject({ role: 'analyst' });
    expect(replayed).toHaveLength(1);
    expect(replayed[0]?.tenant).toBe(started.tenant);
    expect(replayed[0]?.records[0]).not.toContain('WKS-03');

    const run = started.run;
    expect((await service.answer(tim, run, '1', '')).correct).toBe(true);
    expect((await service.answer(tim, run, '2', 'wrong')).correct).toBe(false);
    expect((await service.answer(tim, run, '2', 'start')).correct).toBe(true);
    // Level 3: one wrong answer (free), a hint (3), right: 17.
    expect(await service.answer(tim, run, '3', 'T1059')).toMatchObject({ correct: false, remaining: 2 });
    expect(service.hint(tim, run, '3')).toMatchObject({ hint: 1, penalty: 3, remaining: 1 });
    expect(await service.answer(tim, run, '3', 'attack.t1059.001')).toMatchObject({ correct: true, score: 17 });
    // Level 4: right at once: 10.
    expect(await service.answer(tim, run, '4', 'a,c')).toMatchObject({ correct: true, score: 10 });
    // Level 5: solution not penalised, one hint (4): 11.
    service.hint(tim, run, '5');
    expect(service.solution(tim, run, '5')).toMatchObject({ solution: 'answer', penalized: false });
    expect(await service.answer(tim, run, '5', 'Answer')).toMatchObject({ correct: true, score: 11 });
    // Level 6: penalised solution: 0 even when answered right.
    expect(service.solution(tim, run, '6')).toMatchObject({ penalized: true, score: 0 });
    expect(await service.answer(tim, run, '6', 'wks-03.corp')).toMatchObject({ correct: true, score: 0 });
    // Level 7 (find it): the original name is wrong; the trainee's own name is right.
    expect((await service.answer(tim, run, '7', 'WKS-03')).correct).toBe(false);
    const mine = (service.report(acme, run) as unknown as { tenant: string }).tenant;
    expect(mine).toBe(started.tenant);

    const report = service.report(tim, run);
    expect(report.score).toBe(17 + 10 + 11 + 0);
    expect(report.max).toBe(100);
    expect(report.levels.map((l) => [l.id, l.score, l.hints, l.attempts, l.solved])).toEqual([
      ['1', 0, 0, 1, true],
      ['2', 0, 0, 2, true],
      ['3', 17, 1, 2, true],
      ['4', 10, 0, 1, true],
      ['5', 11, 1, 1, true],
      ['6', 0, 0, 1, true],
      ['7', 0, 0, 1, false],
    ]);
  });

  it('wrong answers up to the limit show the solution, with its penalty', async () => {
    const { id } = service.importExercise(acme, SAMPLE);
    const { run } = await service.start(acme, id, 'tim');
    await service.answer(tim, run, '3', 'x');
    await service.answer(tim, run, '3', 'y');
    const third = await service.answer(tim, run, '3', 'z');
    expect(third).toMatchObject({ correct: false, remaining: 0, solution: 'T1059.001' });
    expect(await service.answer(tim, run, '3', 'T1059.001')).toMatchObject({ correct: true, score: 0 });
  });

  it('two trainees get different names and each is checked against their own', async () => {
    const { id } = service.importExercise(acme, WITH_SCENARIO);
    const a = await service.start(acme, id, 'tim');
    const b = await service.start(acme, id, 'tara');
    const [ra, rb] = replayed.map((r) => r.records[0] ?? '');
    const hostA = /"host":\{"name":"([^"]+)"/.exec(ra ?? '')?.[1] ?? '';
    const hostB = /"host":\{"name":"([^"]+)"/.exec(rb ?? '')?.[1] ?? '';
    expect(hostA).toMatch(/^WKS-\d{3}$/);
    expect(hostA).not.toBe(hostB);
    expect((await service.answer(tim, a.run, '7', hostB)).correct).toBe(false);
    expect((await service.answer(tim, a.run, '7', hostA)).correct).toBe(true);
    expect((await service.answer(tara, b.run, '7', hostB)).correct).toBe(true);
  });

  it('only instructors import and start; trainees reach only their own runs', async () => {
    expect(() => service.importExercise(tim, SAMPLE)).toThrow(/requires role/);
    expect(() => service.importExercise(analyst, SAMPLE)).toThrow(/requires role/);
    const { id } = service.importExercise(acme, SAMPLE);
    await expect(service.start(tim, id, 'tim')).rejects.toThrow(/requires role/);
    await expect(service.start(acme, id, 'ann')).rejects.toThrow(/not a trainee/);
    await expect(service.start(other, id, 'tim')).rejects.toThrow(/no exercise/);
    const { run, tenant } = await service.start(acme, id, 'tim');
    await expect(service.answer(tara, run, '2', 'start')).rejects.toThrow(/no training run/);
    // A production analyst is not the run's trainee: the run does not exist for them.
    expect(() => service.report(analyst, run)).toThrow(/no training run/);
    expect(() => service.report(other, run)).toThrow(/no training run/);
    // From the training tenant, as the trainee's account there.
    const there: AuthContext = { tenant, user: 'tim', roles: ['viewer'], via: 'session' };
    expect((await service.answer(there, run, '2', 'start')).correct).toBe(true);
    expect(service.runs(tara)).toEqual([]);
    expect(service.runs(tim).map((r) => r.id)).toEqual([run]);
    expect(service.runs(acme)[0]).toMatchObject({ id: run, trainee: 'tim', solved: 1, max: 70 });
  });

  it('imports a KYPO training and exports ours as KYPO', () => {
    const kypo = {
      title: 'K',
      levels: [
        { level_type: 'INFO_LEVEL', title: 'i', content: 'c' },
        {
          level_type: 'TRAINING_LEVEL',
          title: 't',
          answer: '--help',
          max_score: 10,
          hints: [{ title: 'h', content: 'c', hint_penalty: 2 }],
          solution_penalized: true,
          incorrect_answer_limit: 5,
        },
      ],
    };
    const { id, levels } = service.importExercise(acme, kypo);
    expect(levels).toBe(2);
    const out = service.exportExercise(acme, id, 'kypo') as { training: { levels: { answer?: string }[] } };
    expect(out.training.levels[1]?.answer).toBe('--help');
  });
});
