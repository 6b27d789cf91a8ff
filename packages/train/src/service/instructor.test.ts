/**
 * The instructor's side of a run: the answer key with each run's own variant answer (never shown
 * to the trainee), and the trainee's sign-in to the training tenant (a password or a token that
 * reaches that tenant only). Real auth stores and the real training store.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { systemContext, type AuthContext } from '@intersoc/core';
import { openDatabase, openSqliteAuthStores, type AuthStores } from '@intersoc/storage';
import type { Exercise } from '../exercise/schema.js';
import { SqliteTrainStore } from '../store/sqlite-train.js';
import { TrainingService } from './training-service.js';

const VARIANT: Exercise = {
  format: 'intersoc-exercise/1',
  title: 'Variant',
  description: '',
  techniques: [],
  levels: [
    { type: 'access', title: 'In', content: '', passkey: 'go' },
    {
      type: 'question',
      id: 'secret',
      title: 'Read the flag from the host',
      content: '',
      max_score: 10,
      hints: [],
      solution: 'The flag is ${ANSWER}',
      solution_penalized: true,
      incorrect_answer_limit: 5,
      techniques: [],
      answer_kind: 'exact',
      answers: [],
      answer_variable: 'flag',
    },
  ],
};

let stores: AuthStores;
let service: TrainingService;
const ines: AuthContext = { tenant: 'acme', user: 'ines', roles: ['instructor'], via: 'token' };
const tim: AuthContext = { tenant: 'acme', user: 'tim', roles: ['trainee'], via: 'token' };
const tara: AuthContext = { tenant: 'acme', user: 'tara', roles: ['trainee'], via: 'token' };
const gina: AuthContext = { tenant: 'globex', user: 'gina', roles: ['instructor'], via: 'token' };

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
  ] as const)
    await stores.users.create(systemContext('acme'), { name, role });
  service = new TrainingService({
    store: new SqliteTrainStore(db),
    tenants: stores.tenants,
    users: stores.users,
    tokens: stores.tokens,
  });
});

describe('variant answers for the instructor', () => {
  it("each run draws its own answer; the instructor reads it, the trainee cannot, and it checks that run's answer", async () => {
    const { id } = service.importExercise(ines, VARIANT);
    const a = await service.start(ines, id, 'tim');
    const b = await service.start(ines, id, 'tara');
    const keyA = await service.answers(ines, a.run);
    const keyB = await service.answers(ines, b.run);
    const flagA = keyA.variables['flag'] ?? '';
    const flagB = keyB.variables['flag'] ?? '';
    expect(flagA).toMatch(/^[0-9a-f]{8}$/);
    expect(flagA).not.toBe(flagB);
    expect(keyA.levels.map((l) => [l.id, l.mode, l.accepts])).toEqual([
      ['1', 'one', ['go']],
      ['secret', 'one', [flagA]],
    ]);
    // The trainee never reads the key, of their own run or another's; other tenants' instructors neither.
    await expect(service.answers(tim, a.run)).rejects.toThrow(/requires role/);
    await expect(service.answers(gina, a.run)).rejects.toThrow(/no training run/);
    const there: AuthContext = { tenant: a.tenant, user: 'tim', roles: ['analyst'], via: 'token' };
    await expect(service.answers(there, a.run)).rejects.toThrow(/requires role/);
    // Each run is checked against its own value.
    expect((await service.answer(tim, a.run, 'secret', flagB)).correct).toBe(false);
    expect((await service.answer(tim, a.run, 'secret', flagA)).correct).toBe(true);
    expect(service.solution(tara, b.run, 'secret').solution).toBe(`The flag is ${flagB}`);
  });
});

describe("the trainee's sign-in to the training tenant", () => {
  it('a password or a token of the trainee there; only the instructor of the run gives them', async () => {
    const { id } = service.importExercise(ines, VARIANT);
    const run = await service.start(ines, id, 'tim');
    await expect(service.access(tim, run.run)).rejects.toThrow(/requires role/);
    await expect(service.access(gina, run.run, 'a-long-password-1')).rejects.toThrow(/no training run/);
    // No password before the instructor sets one.
    expect(await stores.users.verifyPassword(run.tenant, 'tim', 'a-long-password-1')).toBeUndefined();
    expect(await service.access(ines, run.run, 'a-long-password-1')).toEqual({ tenant: run.tenant, user: 'tim' });
    expect(await stores.users.verifyPassword(run.tenant, 'tim', 'a-long-password-1')).toMatchObject({
      name: 'tim',
      role: 'analyst',
    });
    // The account is the training tenant's, not the home tenant's.
    expect(await stores.users.verifyPassword('acme', 'tim', 'a-long-password-1')).toBeUndefined();
    const minted = await service.access(ines, run.run);
    expect(minted.token).toBeTruthy();
    const tokens = await stores.tokens.list(systemContext(run.tenant), { user: 'tim' });
    expect(tokens.map((t) => [t.tenant, t.user])).toEqual([[run.tenant, 'tim']]);
  });
});
