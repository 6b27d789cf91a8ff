/**
 * @module
 * What people decide about a waiting step: approve or deny it (counted per account under the
 * step's policy), answer a manual task, or resolve a step left in doubt by a restart. Each
 * decision is a transition, committed (with its audit entry) before the step goes on.
 */
import { AppError, requireRole, type AuthContext } from '@intersoc/core';
import type { WorkflowStep } from '../cacao/types.js';
import { startAttempt } from './action.js';
import { approvalState, voteRefusal } from './approvals.js';
import { failStep, writeAndSettle } from './flow.js';
import { RESPOND_WRITERS } from './options.js';
import type { Runs } from './runs.js';
import type { RunSummary } from './types.js';
import { MAX_VALUE, waitingAt } from './run-input.js';

/** Answers a manual task: sets the step's out_args and lets the run go on. */
export async function answer(
  runs: Runs,
  ctx: AuthContext,
  run: string,
  step: string,
  values: Readonly<Record<string, string>>,
): Promise<RunSummary> {
  requireRole(ctx, RESPOND_WRITERS);
  runs.open();
  const live = runs.unfinished(ctx, run);
  const b = waitingAt(live, step, 'manual');
  const s = live.playbook.workflow[step] as WorkflowStep;
  const allowed = new Set([...(s.out_args ?? []), ...Object.keys(s.step_variables ?? {})]);
  for (const [k, v] of Object.entries(values)) {
    if (!allowed.has(k)) throw new AppError('VALIDATION', `${k} is not an out_arg or variable of step ${step}`);
    if (v.length > MAX_VALUE) throw new AppError('VALIDATION', `value of ${k} is longer than ${MAX_VALUE} characters`);
  }
  const answered = live.write([{ kind: 'step.answered', branch: b.id, step, by: ctx.user, vars: { ...values } }]);
  runs.task(live, b.id, () => startAttempt(live, runs.host, b, step, s));
  await answered;
  return runs.summary(ctx, run);
}

/** Resolves a step left in doubt by a restart: run it again, count it as done, or fail it. */
export async function resolve(
  runs: Runs,
  ctx: AuthContext,
  run: string,
  step: string,
  resolution: 'retry' | 'done' | 'fail',
): Promise<RunSummary> {
  requireRole(ctx, RESPOND_WRITERS);
  runs.open();
  const live = runs.unfinished(ctx, run);
  const b = waitingAt(live, step, 'in-doubt');
  const s = live.playbook.workflow[step] as WorkflowStep;
  const written = live.write([{ kind: 'step.resolved', branch: b.id, step, by: ctx.user, resolution }]);
  if (resolution === 'retry') runs.task(live, b.id, () => startAttempt(live, runs.host, b, step, s));
  else if (resolution === 'done') {
    const next = s.on_success ?? s.on_completion;
    void writeAndSettle(live, runs.host, b, [
      {
        kind: 'step.finished',
        branch: b.id,
        step,
        outcome: 'success',
        output: { resolvedBy: ctx.user, resolution },
        ...(next ? { next } : {}),
      },
    ]).then(() => runs.pump(live));
  } else
    void writeAndSettle(
      live,
      runs.host,
      b,
      failStep(live, b, step, s, `failed by ${ctx.user} after the node stopped while it ran`),
    );
  await written;
  return runs.summary(ctx, run);
}

/** Approves or denies a waiting step (a step in doubt is retried or failed; a manual task only declined). */
export async function decide(
  runs: Runs,
  ctx: AuthContext,
  run: string,
  step: string,
  decision: 'approve' | 'deny',
  reason?: string,
): Promise<RunSummary> {
  requireRole(ctx, RESPOND_WRITERS);
  runs.open();
  const live = runs.unfinished(ctx, run);
  const b = [...live.s.branches.values()].find((x) => x.phase === 'waiting' && x.step === step);
  if (!b?.wait) throw new AppError('CONFLICT', `step ${step} of run ${run} is not waiting for a decision`);
  const s = live.playbook.workflow[step] as WorkflowStep;
  if (b.wait.kind === 'in-doubt') return resolve(runs, ctx, run, step, decision === 'approve' ? 'retry' : 'fail');
  if (b.wait.kind === 'manual') {
    if (decision === 'approve') throw new AppError('CONFLICT', `step ${step} is a manual task: answer it`);
    const written = live.write([
      { kind: 'approval', branch: b.id, step, by: ctx.user, decision, ...(reason ? { reason } : {}) },
    ]);
    void writeAndSettle(
      live,
      runs.host,
      b,
      failStep(live, b, step, s, `declined by ${ctx.user}: ${reason ?? 'no reason given'}`),
    ).then(() => runs.pump(live));
    await written;
    return runs.summary(ctx, run);
  }
  const policy = b.wait.policy ?? 'one';
  const refusal = voteRefusal(policy, live.s.requestedBy, ctx.user, b.approvals);
  if (refusal) throw new AppError('FORBIDDEN', refusal);
  const written = live.write([
    { kind: 'approval', branch: b.id, step, by: ctx.user, decision, ...(reason ? { reason } : {}) },
  ]);
  const st = approvalState(policy, b.approvals);
  if (st.state === 'granted') runs.task(live, b.id, () => startAttempt(live, runs.host, b, step, s));
  else if (st.state === 'denied') {
    void writeAndSettle(live, runs.host, b, failStep(live, b, step, s, `denied by ${st.by}: ${st.reason}`)).then(() =>
      runs.pump(live),
    );
  }
  await written;
  return runs.summary(ctx, run);
}
