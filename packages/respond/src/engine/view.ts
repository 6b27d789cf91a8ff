/**
 * @module
 * A run as people look at it: per workflow step, where it stands (pending, running, waiting,
 * succeeded, failed, skipped), its attempts, times, error and output; the run's open waits and
 * its actions with their revert state; and the transitions themselves.
 */
import { AppError, type AuthContext } from '@intersoc/core';
import type { RespondStore } from '../store/respond-store.js';
import type { OpenWait, StoredAction } from '../store/types.js';
import type { RunSummary, Transition } from './types.js';

/** Where one step stands. */
export interface StepView {
  readonly step: string;
  readonly name?: string;
  readonly type: string;
  readonly status: 'pending' | 'running' | 'waiting' | 'retrying' | 'succeeded' | 'failed';
  readonly attempts: number;
  readonly started?: number;
  readonly ended?: number;
  readonly error?: string;
  readonly output?: Readonly<Record<string, unknown>>;
  /** How many times it ran (loops). */
  readonly runs: number;
}

/** A run with its steps. */
export interface RunView {
  readonly run: RunSummary;
  readonly steps: readonly StepView[];
  readonly waits: readonly OpenWait[];
  readonly actions: readonly StoredAction[];
  readonly transitions: readonly Transition[];
  readonly children: readonly string[];
}

interface Acc {
  status: StepView['status'];
  attempts: number;
  started?: number;
  ended?: number;
  error?: string;
  output?: Readonly<Record<string, unknown>>;
  runs: number;
}

/** Builds the view of a run (the caller checks roles). */
export function runView(store: RespondStore, ctx: AuthContext, id: string, maxTransitions = 2000): RunView {
  const run = store.getRun(ctx, id);
  if (!run) throw new AppError('NOT_FOUND', `no run ${id}`);
  const transitions = store.transitions(ctx, id);
  const pb = store.getPlaybook(ctx, run.playbookId, run.playbookVersion)?.playbook;
  const acc = new Map<string, Acc>();
  const get = (step: string): Acc => {
    let a = acc.get(step);
    if (!a) {
      a = { status: 'pending', attempts: 0, runs: 0 };
      acc.set(step, a);
    }
    return a;
  };
  for (const t of transitions) {
    if (!('step' in t) || typeof t.step !== 'string') continue;
    const a = get(t.step);
    switch (t.kind) {
      case 'step.started':
        a.status = 'running';
        a.attempts = t.attempt;
        a.started ??= t.time;
        break;
      case 'step.retry':
        a.status = 'retrying';
        a.error = t.error;
        break;
      case 'step.waiting':
        a.status = 'waiting';
        a.started ??= t.time;
        break;
      case 'branch.forked':
      case 'child.started':
        a.status = 'running';
        a.started ??= t.time;
        if (t.kind === 'branch.forked' && t.output) a.output = t.output;
        break;
      case 'step.finished':
        a.status = t.outcome === 'success' ? 'succeeded' : 'failed';
        a.started ??= t.time;
        a.ended = t.time;
        a.runs += 1;
        if (t.error) a.error = t.error;
        else delete a.error;
        if (t.output) a.output = t.output;
        break;
      default:
        break;
    }
  }
  const order = pb ? Object.keys(pb.workflow) : [...acc.keys()];
  const steps: StepView[] = order.map((step) => {
    const a = acc.get(step) ?? { status: 'pending' as const, attempts: 0, runs: 0 };
    const def = pb?.workflow[step];
    return {
      step,
      ...(def?.name ? { name: def.name } : {}),
      type: def?.type ?? step.split('--')[0] ?? '',
      status: a.status,
      attempts: a.attempts,
      runs: a.runs,
      ...(a.started === undefined ? {} : { started: a.started }),
      ...(a.ended === undefined ? {} : { ended: a.ended }),
      ...(a.error === undefined ? {} : { error: a.error }),
      ...(a.output === undefined ? {} : { output: a.output }),
    };
  });
  return {
    run,
    steps,
    waits: store.openWaits(ctx, id),
    actions: store.actions(ctx, id),
    transitions: transitions.slice(-maxTransitions),
    children: store.childRuns(ctx, id),
  };
}
