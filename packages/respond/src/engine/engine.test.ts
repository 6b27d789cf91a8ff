import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { systemContext, type AuthContext } from '@intersoc/core';
import { RESPOND_EXTENSION_DEFINITION, RESPOND_EXTENSION_ID } from '../cacao/extension.js';
import type { Playbook, WorkflowStep } from '../cacao/types.js';
import { CACAO_SCHEMAS } from '../internal/corpus.js';
import { childPlaybook, everyStepPlaybook, fid, playbookOf, xAction } from '../internal/fixtures.js';
import { addPlaybook, testEngine } from '../internal/testing.js';
import { loadCacaoSchemas } from '../validate/schemas.js';
import { validatePlaybook } from '../validate/validate.js';
import { foldRun } from './state.js';

const person = (user: string, tenant = 't1'): AuthContext => ({ tenant, user, roles: ['analyst'], via: 'session' });

/** start → one x-test action (with a step extension) → end. */
function oneAction(ext: Record<string, unknown>, cmd: Record<string, unknown> = {}, n = 10): Playbook {
  const [start, act, end] = [fid('start', n), fid('action', n), fid('end', n)];
  return playbookOf(
    n,
    start,
    {
      [start]: { type: 'start', on_completion: act },
      [act]: xAction(
        `act${n}`,
        end,
        { step_extensions: { [RESPOND_EXTENSION_ID]: ext } } as Partial<WorkflowStep>,
        cmd,
      ),
      [end]: { type: 'end' },
    },
    { extension_definitions: { [RESPOND_EXTENSION_ID]: RESPOND_EXTENSION_DEFINITION } },
  );
}

describe('engine', () => {
  it('runs every step type: parallel, if, switch, while (3 iterations), playbook-action, with out_args across scopes', async () => {
    const t = testEngine();
    const pb = everyStepPlaybook();
    if (existsSync(CACAO_SCHEMAS)) {
      // Our fixtures are valid CACAO under the OASIS schemas (patched) and the semantic checks.
      const schemas = loadCacaoSchemas(CACAO_SCHEMAS);
      expect(validatePlaybook(pb, { schemas }).errors).toEqual([]);
      expect(validatePlaybook(childPlaybook(), { schemas }).errors).toEqual([]);
    }
    addPlaybook(t.store, t.ctx, pb);
    addPlaybook(t.store, t.ctx, childPlaybook());
    const run = await t.engine.startRun(t.ctx, { playbook: pb.id });
    await t.engine.idle();
    const done = t.store.getRun(t.ctx, run.id);
    expect(done?.status).toBe('succeeded');
    expect(Object.fromEntries(t.script.calls)).toEqual({ a1: 1, 'a2 full': 1, a3: 1, tick: 3, 'child parent': 1 });
    const state = foldRun('t1', run.id, t.store.transitions(t.ctx, run.id));
    expect(state.vars.get('__i__')).toBe('3');
    expect(state.vars.get('__who__')).toBe('1');
    expect(state.whileCounts.get(fid('while-condition', 1))).toBe(3);
    // The child run is linked to its parent and succeeded.
    const child = t.store.childRuns(t.ctx, run.id);
    expect(child).toHaveLength(1);
    expect(t.store.getRun(t.ctx, child[0] as string)?.status).toBe('succeeded');
    // Every committed transition is in the audit chain, which verifies.
    const v = await t.audit.verify(systemContext('t1'));
    expect(v.ok).toBe(true);
    const actions = (await t.audit.list(systemContext('t1'), { limit: 1000 })).items.map((e) => e.action);
    expect(actions).toContain('respond.run.created');
    expect(actions).toContain('respond.branch.forked');
    expect(actions.filter((a) => a === 'respond.run.finished')).toHaveLength(2);
  });

  it('answers a started run with its row as committed, field for field what the store reads', async () => {
    const t = testEngine();
    const [start, end] = [fid('start', 41), fid('end', 41)];
    const bare = playbookOf(41, start, { [start]: { type: 'start', on_completion: end }, [end]: { type: 'end' } });
    const one = oneAction({ approval: 'one' }, {}, 43);
    for (const pb of [bare, one]) addPlaybook(t.store, t.ctx, pb);
    for (const pb of [bare, one]) {
      const run = await t.engine.startRun(t.ctx, { playbook: pb.id, trigger: { kind: 'incident', ref: 'inc-1' } });
      // The answer comes from the run's own commit, not from reading its row back.
      expect(run).toEqual(t.store.getRun(t.ctx, run.id));
      expect(run).toMatchObject({
        status: 'running',
        trigger: { kind: 'incident', ref: 'inc-1' },
        requestedBy: 'alice',
      });
    }
    await t.engine.idle();
    await t.engine.close();
  });

  it('takes the other branches: if on_false and the switch default', async () => {
    const t = testEngine();
    const pb = everyStepPlaybook();
    addPlaybook(t.store, t.ctx, pb);
    addPlaybook(t.store, t.ctx, childPlaybook());
    const run = await t.engine.startRun(t.ctx, { playbook: pb.id, variables: { __mode__: 'lite' } });
    await t.engine.idle();
    expect(t.store.getRun(t.ctx, run.id)?.status).toBe('succeeded');
    expect(t.script.calls.has('a2 lite')).toBe(false);
    expect(t.script.calls.has('a3')).toBe(false);
    expect(t.script.calls.get('tick')).toBe(3);
  });

  it('refuses unknown inputs and constants, and viewers', async () => {
    const t = testEngine();
    addPlaybook(t.store, t.ctx, everyStepPlaybook());
    await expect(
      t.engine.startRun(t.ctx, { playbook: everyStepPlaybook().id, variables: { __nope__: 'x' } }),
    ).rejects.toThrow(/not a variable/);
    await expect(
      t.engine.startRun({ ...t.ctx, roles: ['viewer'] }, { playbook: everyStepPlaybook().id }),
    ).rejects.toThrow(/requires role/);
    await expect(t.engine.startRun({ ...t.ctx, tenant: 't2' }, { playbook: everyStepPlaybook().id })).rejects.toThrow(
      /no playbook/,
    );
  });

  it('caps a while loop', async () => {
    const t = testEngine({ maxIterations: 2 });
    addPlaybook(t.store, t.ctx, everyStepPlaybook());
    addPlaybook(t.store, t.ctx, childPlaybook());
    const run = await t.engine.startRun(t.ctx, { playbook: everyStepPlaybook().id });
    await t.engine.idle();
    const r = t.store.getRun(t.ctx, run.id);
    expect(r?.status).toBe('failed');
    expect(r?.reason).toMatch(/while-condition ran 2 iterations, its cap/);
    expect(t.script.calls.get('tick')).toBe(2);
  });

  it('retries an idempotent step with backoff, and fails a non-idempotent one at once', async () => {
    const t = testEngine();
    const retry = oneAction({ retries: 3, backoff: 5 }, { idempotent: true }, 11);
    const noRetry = oneAction({ retries: 3, backoff: 5 }, {}, 12);
    addPlaybook(t.store, t.ctx, retry);
    addPlaybook(t.store, t.ctx, noRetry);
    t.script.failures.set('act11', 2);
    t.script.failures.set('act12', 2);
    const a = await t.engine.startRun(t.ctx, { playbook: retry.id });
    const b = await t.engine.startRun(t.ctx, { playbook: noRetry.id });
    await t.engine.idle();
    expect(t.store.getRun(t.ctx, a.id)?.status).toBe('succeeded');
    expect(t.script.calls.get('act11')).toBe(3);
    const kinds = t.store.transitions(t.ctx, a.id).map((x) => x.kind);
    expect(kinds.filter((k) => k === 'step.retry')).toHaveLength(2);
    expect(t.store.getRun(t.ctx, b.id)?.status).toBe('failed');
    expect(t.script.calls.get('act12')).toBe(1);
  });

  it('times a step out', async () => {
    const t = testEngine();
    const pb = oneAction({}, {}, 13);
    (pb.workflow[fid('action', 13)] as { timeout?: number }).timeout = 50;
    addPlaybook(t.store, t.ctx, pb);
    t.script.hang.add('act13');
    const run = await t.engine.startRun(t.ctx, { playbook: pb.id });
    await t.engine.idle();
    expect(t.store.getRun(t.ctx, run.id)?.reason).toMatch(/timed out after 50 ms/);
  });

  it('one approver; four eyes need two people other than the requester, and one person with two sessions counts once', async () => {
    const t = testEngine();
    const pb = oneAction({ approval: 'four-eyes' }, {}, 14);
    addPlaybook(t.store, t.ctx, pb);
    const alice = person('alice');
    const run = await t.engine.startRun(alice, { playbook: pb.id });
    await t.engine.idle();
    expect(t.store.getRun(t.ctx, run.id)?.status).toBe('waiting');
    expect(t.store.openWaits(t.ctx).map((w) => w.wait.kind)).toEqual(['approval']);
    const step = fid('action', 14);
    await expect(t.engine.approve(alice, run.id, step)).rejects.toThrow(/requester cannot approve/);
    await t.engine.approve(person('bob'), run.id, step);
    await expect(t.engine.approve({ ...person('bob'), via: 'token' }, run.id, step)).rejects.toThrow(/already decided/);
    expect(t.script.calls.get('act14')).toBeUndefined();
    await t.engine.approve(person('carol'), run.id, step);
    await t.engine.idle();
    expect(t.store.getRun(t.ctx, run.id)?.status).toBe('succeeded');
    expect(t.script.calls.get('act14')).toBe(1);
    expect(t.store.openWaits(t.ctx)).toEqual([]);
    // Another tenant cannot see or approve it.
    await expect(t.engine.approve(person('dave', 't2'), run.id, step)).rejects.toThrow(/no run/);
  });

  it('deny and never fail closed with the reason; an expired approval fails closed', async () => {
    const t = testEngine();
    const one = oneAction({ approval: 'one' }, {}, 15);
    const never = oneAction({ approval: 'never' }, {}, 16);
    const short = oneAction({ approval: 'one', approval_ttl: 1000 }, {}, 17);
    for (const p of [one, never, short]) addPlaybook(t.store, t.ctx, p);
    const r1 = await t.engine.startRun(t.ctx, { playbook: one.id });
    const r2 = await t.engine.startRun(t.ctx, { playbook: never.id });
    const r3 = await t.engine.startRun(t.ctx, { playbook: short.id });
    await t.engine.idle();
    await t.engine.deny(person('bob'), r1.id, fid('action', 15), 'not on a Friday');
    await t.engine.idle();
    expect(t.store.getRun(t.ctx, r1.id)?.reason).toBe('denied by bob: not on a Friday');
    expect(t.store.getRun(t.ctx, r2.id)?.reason).toMatch(/approval policy never/);
    await new Promise((r) => setTimeout(r, 1300));
    await t.engine.idle();
    const r = t.store.getRun(t.ctx, r3.id);
    expect(r?.status).toBe('failed');
    expect(r?.reason).toMatch(/^approval expired after 0 min with 0 of 1 approvals \(one\).*fails closed/);
    expect(t.script.calls.size).toBe(0);
  });

  it('a dry run shows every action with its targets and runs none', async () => {
    const t = testEngine();
    const pb = everyStepPlaybook();
    addPlaybook(t.store, t.ctx, pb);
    addPlaybook(t.store, t.ctx, childPlaybook());
    const run = await t.engine.startRun(t.ctx, { playbook: pb.id, dryRun: true });
    await t.engine.idle();
    expect(t.script.calls.size).toBe(0);
    const would = t.store
      .transitions(t.ctx, run.id)
      .flatMap((x) =>
        x.kind === 'step.finished' && x.output
          ? [(x.output['commands'] as { wouldRun?: string }[] | undefined)?.[0]?.wouldRun]
          : [],
      )
      .filter((x) => x !== undefined);
    expect(would).toContain('x-test a2 full');
    expect(would).toContain('x-test a1');
  });

  it('rolls back completed actions in reverse order, and a time box reverts by itself', async () => {
    const t = testEngine();
    const [start, x1, x2, end] = [fid('start', 20), fid('action', 20), fid('action', 21), fid('end', 20)];
    const pb = playbookOf(20, start, {
      [start]: { type: 'start', on_completion: x1 },
      [x1]: xAction('first', x2, {}, { contain: true }),
      [x2]: xAction('second', end, {}, { contain: true }),
      [end]: { type: 'end' },
    });
    addPlaybook(t.store, t.ctx, pb);
    const run = await t.engine.startRun(t.ctx, { playbook: pb.id });
    await t.engine.idle();
    expect(t.store.actions(t.ctx, run.id).map((a) => a.summary)).toEqual(['contained first', 'contained second']);
    const rb = await t.engine.rollback(person('bob'), run.id);
    expect(rb.reverted.map((r) => [r.summary, r.ok])).toEqual([
      ['contained second', true],
      ['contained first', true],
    ]);
    expect(t.script.reverted).toEqual(['second', 'first']);
    expect(t.store.actions(t.ctx, run.id).map((a) => a.state)).toEqual(['reverted', 'reverted']);

    const boxed = oneAction({ timebox: 1000 }, { contain: true }, 21);
    addPlaybook(t.store, t.ctx, boxed);
    const r2 = await t.engine.startRun(t.ctx, { playbook: boxed.id });
    await t.engine.idle();
    expect(t.store.actions(t.ctx, r2.id)[0]?.state).toBe('active');
    await new Promise((r) => setTimeout(r, 1500));
    expect(t.store.actions(t.ctx, r2.id)[0]?.state).toBe('reverted');
    expect(t.script.reverted).toContain('act21');
  });

  it('an analyst extends a time box', async () => {
    const t = testEngine();
    const boxed = oneAction({ timebox: 1000 }, { contain: true }, 22);
    addPlaybook(t.store, t.ctx, boxed);
    const run = await t.engine.startRun(t.ctx, { playbook: boxed.id });
    await t.engine.idle();
    const seq = t.store.actions(t.ctx, run.id)[0]?.seq as number;
    await t.engine.extend(person('bob'), run.id, seq, 60_000);
    await new Promise((r) => setTimeout(r, 1400));
    expect(t.store.actions(t.ctx, run.id)[0]?.state).toBe('active');
    expect(t.script.reverted).toEqual([]);
  });

  it('gives every step its audit entry (run and step in the target, transition in the details); a changed entry is named', async () => {
    const t = testEngine();
    const pb = oneAction({}, {}, 13);
    addPlaybook(t.store, t.ctx, pb);
    const run = await t.engine.startRun(t.ctx, { playbook: pb.id });
    await t.engine.idle();
    expect(t.store.getRun(t.ctx, run.id)?.status).toBe('succeeded');
    const audit = systemContext('t1');
    const entries = (await t.audit.list(audit, { limit: 100 })).items.slice().reverse();
    expect(entries.map((e) => e.action)).toEqual([
      'respond.run.created',
      'respond.step.finished',
      'respond.step.finished',
      'respond.step.finished',
      'respond.run.finished',
    ]);
    const finishes = t.store.transitions(t.ctx, run.id).filter((x) => x.kind === 'step.finished');
    expect(finishes.map((x) => x.step)).toEqual([fid('start', 13), fid('action', 13), fid('end', 13)]);
    for (const f of finishes) {
      const e = entries.find((x) => x.action === 'respond.step.finished' && x.details?.['seq'] === f.seq);
      expect(e?.target).toBe(`run:${run.id}/${f.step}`);
    }
    const act = entries.find((e) => e.target === `run:${run.id}/${fid('action', 13)}`);
    expect(act?.details).toEqual({
      name: 'act13',
      next: fid('end', 13),
      output: { commands: [{ ran: 'act13' }] },
      // After the in-flight marker (seq 3) of this step, which is not idempotent.
      seq: finishes[1]?.seq,
    });
    expect(finishes[1]?.seq).toBe(4);
    expect(entries[0]?.target).toBe(`run:${run.id}`);
    expect(entries[0]?.details).toMatchObject({ playbook: pb.id, version: pb.modified, seq: 1 });
    expect((await t.audit.verify(audit)).ok).toBe(true);
    // Someone with the database file changes where the action step went: verify names the entry.
    t.db.exec('DROP TRIGGER audit_log_no_update');
    const details = JSON.stringify({ ...act?.details, next: fid('action', 13) });
    t.db.prepare('UPDATE audit_log SET details = ? WHERE tenant = ? AND seq = ?').run(details, 't1', act?.seq);
    const v = await t.audit.verify(audit);
    expect(v.ok).toBe(false);
    expect(v.brokenAt).toBe(act?.seq);
  });

  it('resumes after a crash: done steps are not run again; an in-flight idempotent step reruns, another waits for a person', async () => {
    const file = `/tmp/respond-engine-${process.pid}-${Date.now()}.db`;
    const [start, s1, s2, s3, end] = [
      fid('start', 40),
      fid('action', 40),
      fid('action', 41),
      fid('action', 42),
      fid('end', 40),
    ];
    const pb = playbookOf(40, start, {
      [start]: { type: 'start', on_completion: s1 },
      [s1]: xAction('one', s2),
      [s2]: xAction('two', s3),
      [s3]: xAction('three', end),
      [end]: { type: 'end' },
    });
    const a = testEngine({}, file);
    addPlaybook(a.store, a.ctx, pb);
    a.script.hang.add('two');
    const run = await a.engine.startRun(a.ctx, { playbook: pb.id });
    while (a.script.calls.get('two') !== 1) await new Promise((r) => setTimeout(r, 5));
    // The node dies here: engine a is abandoned with "two" in flight.
    const b = testEngine({}, file);
    const resumed = await b.engine.start();
    expect(resumed).toEqual({ resumed: 1, inDoubt: 1 });
    await b.engine.idle();
    const waits = b.store.openWaits(b.ctx, run.id);
    expect(waits.map((w) => [w.step, w.wait.kind])).toEqual([[s2, 'in-doubt']]);
    await b.engine.resolve(person('bob'), run.id, s2, 'done');
    await b.engine.idle();
    expect(b.store.getRun(b.ctx, run.id)?.status).toBe('succeeded');
    // "one" ran once (in engine a), "two" once (in flight), "three" once (in engine b).
    expect(a.script.calls.get('one')).toBe(1);
    expect(b.script.calls.get('one')).toBeUndefined();
    expect(b.script.calls.get('two')).toBeUndefined();
    expect(b.script.calls.get('three')).toBe(1);
    expect((await b.audit.verify(systemContext('t1'))).ok).toBe(true);
    a.db.close();
    b.db.close();
  });
});
