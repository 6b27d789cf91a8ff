/**
 * @module
 * Control flow: start and end steps, the conditional and parallel steps that fork branches, the
 * continuation of a branch whose children all ended, failures (a step's `on_failure`, else the
 * branch fails and its fork fails with it; the root branch goes to `workflow_exception` once),
 * and the end of the run. Every decision is taken and written synchronously in one turn, so two
 * branches ending together cannot both continue their parent.
 */
import { evaluateCondition, parseCondition } from '../conditions/condition.js';
import { stepExtension } from '../cacao/extension.js';
import type { WorkflowStep } from '../cacao/types.js';
import type { LiveRun } from './live.js';
import { stepScope } from './scope.js';
import { ROOT, type BranchState } from './state.js';
import type { TransitionBody } from './types.js';

/** What flow control needs from the engine. */
export interface FlowHost {
  readonly maxIterations: number;
  /** A run finished: tell its parent run (playbook-action), clean up. */
  onRunFinished(live: LiveRun): void;
  /** Starts the child run of a playbook-action step; resolves once its run.created is written. */
  startChild(live: LiveRun, branch: BranchState, stepId: string, step: WorkflowStep): Promise<void>;
}

/** The transitions that fail `stepId` on branch `b`, and what follows from that. */
export function failStep(
  live: LiveRun,
  b: BranchState,
  stepId: string,
  step: WorkflowStep | undefined,
  error: string,
): TransitionBody[] {
  const s = live.s;
  let next = step?.on_failure;
  let exception = false;
  const handler = live.playbook.workflow_exception;
  if (next === undefined && b.id === ROOT && handler && !s.excepted && handler !== stepId) {
    next = handler;
    exception = true;
  }
  return [
    {
      kind: 'step.finished',
      branch: b.id,
      step: stepId,
      outcome: 'failure',
      error,
      ...(next ? { next } : {}),
      ...(exception ? { output: { exception: true } } : {}),
    },
  ];
}

/**
 * Writes `bodies` for branch `b` and, when that leaves the branch without a next step, ends it
 * and continues upwards (fork parents, the run). Returns the commit.
 */
export function writeAndSettle(live: LiveRun, host: FlowHost, b: BranchState, bodies: TransitionBody[]): Promise<void> {
  // Callers hand in a fresh array: the branch's end joins it rather than a copy.
  const all = bodies;
  // Applying happens in write(); we must know now whether the branch ends, so look at the last body.
  const last = bodies[bodies.length - 1];
  const ends = last?.kind === 'step.finished' && last.branch === b.id && last.next === undefined;
  let finishes = false;
  if (ends) {
    all.push({
      kind: 'branch.ended',
      branch: b.id,
      outcome: last.outcome,
      ...(last.error ? { error: last.error } : {}),
    });
    // The root branch's end is the run's: run.finished joins the same write (one journal write,
    // promise and index walk fewer per run; it always landed in the same commit). A write that ends a branch never sends the root
    // to workflow_exception (that needs a next step), so `excepted` is already what it will be.
    const s = live.s;
    if (b.parent === undefined && !s.finished) {
      const failed = last.outcome === 'failure' || s.excepted;
      all.push({
        kind: 'run.finished',
        status: failed ? 'failed' : 'succeeded',
        ...(failed ? { reason: last.error ?? 'failed' } : {}),
      });
      finishes = true;
    }
  }
  const done = live.write(all);
  if (finishes) void done.then(() => host.onRunFinished(live)).catch(() => undefined);
  else if (ends) settleUp(live, host, b);
  return done;
}

/** After branch `b` ended (already applied): continue its parent fork (a root branch's end finished the run). */
function settleUp(live: LiveRun, host: FlowHost, b: BranchState): void {
  const s = live.s;
  if (b.parent === undefined) return;
  const parent = s.branches.get(b.parent);
  if (!parent || parent.phase !== 'forked') return;
  const children = parent.children.map((id) => s.branches.get(id));
  if (children.some((c) => c?.phase !== 'ended')) return;
  void continueFork(live, host, parent).catch(() => undefined);
}

/** A forked branch whose children all ended goes on (or loops, for a while-condition). */
export function continueFork(live: LiveRun, host: FlowHost, parent: BranchState): Promise<void> {
  const s = live.s;
  const stepId = parent.step as string;
  const step = live.playbook.workflow[stepId];
  const failed = parent.children.map((id) => s.branches.get(id)).find((c) => c?.outcome === 'failure');
  if (failed)
    return writeAndSettle(
      live,
      host,
      parent,
      failStep(live, parent, stepId, step, `branch ${failed.id} failed: ${failed.error ?? 'failed'}`),
    );
  if (step?.type === 'while-condition') {
    // Back to the while step: it evaluates its condition again.
    return writeAndSettle(live, host, parent, [
      { kind: 'step.finished', branch: parent.id, step: stepId, outcome: 'success', next: stepId },
    ]);
  }
  const next = step?.on_completion ?? step?.on_success;
  return writeAndSettle(live, host, parent, [
    { kind: 'step.finished', branch: parent.id, step: stepId, outcome: 'success', ...(next ? { next } : {}) },
  ]);
}

/** True when an ancestor of `b` is forked at `stepId` (the branch came back to its own loop). */
function forkedAbove(live: LiveRun, b: BranchState, stepId: string): boolean {
  let p = b.parent === undefined ? undefined : live.s.branches.get(b.parent);
  while (p) {
    if (p.step === stepId && p.phase === 'forked') return true;
    p = p.parent === undefined ? undefined : live.s.branches.get(p.parent);
  }
  return false;
}

/** Handles a flow-control step on a ready branch. Returns the commit of what it wrote. */
export function flowStep(
  live: LiveRun,
  host: FlowHost,
  b: BranchState,
  stepId: string,
  step: WorkflowStep,
): Promise<void> {
  const s = live.s;
  // Only conditions read variables: start and end steps (two per run) make no scope.
  const scope = (): ReturnType<typeof stepScope> => stepScope(live.playbook, step, s.vars);
  const finish = (next: string | undefined, output?: Record<string, unknown>): Promise<void> =>
    writeAndSettle(live, host, b, [
      {
        kind: 'step.finished',
        branch: b.id,
        step: stepId,
        outcome: 'success',
        ...(next ? { next } : {}),
        ...(output ? { output } : {}),
      },
    ]);
  const fork = (targets: readonly string[], output?: Record<string, unknown>): Promise<void> => {
    const base = `${b.id}.${s.seq + 1}`;
    const children = targets.map((start, i) => ({ id: `${base}.${i}`, start }));
    return live.write([{ kind: 'branch.forked', branch: b.id, step: stepId, children, ...(output ? { output } : {}) }]);
  };
  const fail = (error: string): Promise<void> => writeAndSettle(live, host, b, failStep(live, b, stepId, step, error));
  switch (step.type) {
    case 'start':
      return finish(step.on_completion);
    case 'end':
      return finish(undefined);
    case 'parallel':
      return fork(step.next_steps ?? []);
    case 'if-condition':
    case 'while-condition': {
      // A loop body that leads back to its own while step (instead of to an end step) has
      // finished one iteration: the branch ends and the while step, waiting above, evaluates again.
      if (step.type === 'while-condition' && forkedAbove(live, b, stepId))
        return writeAndSettle(live, host, b, [
          { kind: 'step.finished', branch: b.id, step: stepId, outcome: 'success' },
        ]);
      const c = parseCondition(step.condition ?? '');
      if (!c.ok) return fail(c.reason);
      const r = evaluateCondition(c.value, scope().typed());
      if (!r.ok) return fail(r.reason);
      if (step.type === 'while-condition' && r.value) {
        const cap = stepExtension(step).max_iterations ?? host.maxIterations;
        const done = s.whileCounts.get(stepId) ?? 0;
        if (done >= cap) return fail(`while-condition ran ${done} iterations, its cap: the loop stops here`);
      }
      const target = r.value ? step.on_true : step.on_false;
      if (target === undefined) {
        // A false while-condition (or an if without on_false) goes on after the conditional.
        return finish(step.on_completion ?? step.on_success, { condition: step.condition ?? '', result: r.value });
      }
      return fork([target], { condition: step.condition, result: r.value });
    }
    case 'switch-condition': {
      const name = (step.switch ?? '').replace(/:value$/, '');
      const value = scope().value(name) ?? '';
      const target = step.cases?.[value] ?? step.cases?.['default'];
      if (target === undefined)
        return finish(step.on_completion ?? step.on_success, { switch: name, value, matched: false });
      return fork([target], { switch: name, value });
    }
    case 'playbook-action':
      return host.startChild(live, b, stepId, step);
    case 'action':
      throw new Error('action steps are not flow control');
  }
}
