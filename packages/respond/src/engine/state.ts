/**
 * @module
 * The state of a run as the fold of its transitions. The engine applies each transition here
 * only after it is stored, and rebuilds a run after a restart by folding what was stored, so the
 * two can never disagree.
 *
 * A run is a tree of branches. The root branch starts at `workflow_start`; `parallel`,
 * `if-condition`, `while-condition` and `switch-condition` steps fork child branches (CACAO's
 * conditional and parallel sub-workflows, which end at an `end` step) and wait for them; the
 * parent then goes on from the forking step's `on_completion`.
 */
import { AppError } from '@intersoc/core';
import type { RecordedAction, RunStatus, RunTrigger, Transition, Wait } from './types.js';

/** Where a branch stands. */
export type BranchPhase = 'ready' | 'running' | 'waiting' | 'forked' | 'ended';

/** One branch of a run. */
export interface BranchState {
  readonly id: string;
  readonly parent?: string;
  /** The step of the parent that forked this branch. */
  readonly forkStep?: string;
  /** The current step; undefined once the branch has no next step. */
  step: string | undefined;
  phase: BranchPhase;
  /** Attempts of the current step so far. */
  attempt: number;
  /** When the next attempt may start (retry backoff), epoch ms. */
  retryAt?: number;
  wait?: Wait;
  /** Approvals given for the current wait. */
  approvals: { readonly by: string; readonly decision: 'approve' | 'deny'; readonly reason?: string }[];
  /** Values a person answered for the current manual step. */
  answered?: Readonly<Record<string, string>>;
  /** How a person resolved an in-doubt step. */
  resolution?: 'retry' | 'done' | 'fail';
  children: string[];
  childRun?: string;
  outcome?: 'success' | 'failure';
  error?: string;
  /** When the current step started (first attempt), epoch ms. */
  since?: number;
}

/** An action with its revert state. */
export interface ActionState extends RecordedAction {
  /** When it was done (epoch ms). */
  readonly time: number;
  state: 'active' | 'reverted' | 'revert-failed';
  expiresAt?: number;
  error?: string;
}

/** A run. */
export interface RunState {
  readonly id: string;
  readonly tenant: string;
  playbook: string;
  version: string;
  digest: string;
  start: string;
  dryRun: boolean;
  trigger: RunTrigger;
  requestedBy: string;
  parent?: { readonly run: string; readonly branch: string; readonly step: string };
  finished?: { readonly status: 'succeeded' | 'failed' | 'cancelled'; readonly reason?: string };
  /** The playbook-level variable values (defaults, external inputs, out_args). */
  readonly vars: Map<string, string>;
  readonly branches: Map<string, BranchState>;
  /** Iterations per while-condition step. */
  readonly whileCounts: Map<string, number>;
  readonly actions: ActionState[];
  rollbackRequested: boolean;
  /** The root branch went to workflow_exception after a failure. */
  excepted: boolean;
  seq: number;
  created: number;
  updated: number;
}

/** The root branch's id. */
export const ROOT = 'b0';

function branch(s: RunState, id: string): BranchState {
  const b = s.branches.get(id);
  if (!b) throw new AppError('INTERNAL', `run ${s.id}: transition names unknown branch ${id}`);
  return b;
}

/** A fresh run from its first transition. */
export function newRun(tenant: string, id: string, first: Transition): RunState {
  if (first.kind !== 'run.created') throw new AppError('INTERNAL', `run ${id} does not begin with run.created`);
  const s: RunState = {
    id,
    tenant,
    playbook: first.playbook,
    version: first.version,
    digest: first.digest,
    start: first.start,
    dryRun: first.dryRun,
    trigger: first.trigger,
    requestedBy: first.requestedBy,
    ...(first.parent ? { parent: first.parent } : {}),
    vars: new Map(Object.entries(first.vars)),
    branches: new Map([
      [ROOT, { id: ROOT, step: first.start, phase: 'ready', attempt: 0, approvals: [], children: [] }],
    ]),
    whileCounts: new Map(),
    actions: [],
    rollbackRequested: false,
    excepted: false,
    seq: first.seq,
    created: first.time,
    updated: first.time,
  };
  return s;
}

/** Applies one stored transition (after run.created) to the state. */
export function apply(s: RunState, t: Transition): void {
  if (t.seq !== s.seq + 1) throw new AppError('INTERNAL', `run ${s.id}: transition ${t.seq} after ${s.seq}`);
  s.seq = t.seq;
  s.updated = t.time;
  switch (t.kind) {
    case 'run.created':
      throw new AppError('INTERNAL', `run ${s.id} created twice`);
    case 'step.started': {
      const b = branch(s, t.branch);
      if (b.step !== t.step || b.attempt === 0) b.since = t.time;
      b.step = t.step;
      b.phase = 'running';
      b.attempt = t.attempt;
      delete b.retryAt;
      delete b.wait;
      delete b.resolution;
      b.approvals = [];
      return;
    }
    case 'step.retry': {
      const b = branch(s, t.branch);
      b.step = t.step;
      b.attempt = t.attempt;
      b.phase = 'ready';
      b.retryAt = t.at;
      b.error = t.error;
      return;
    }
    case 'step.waiting': {
      const b = branch(s, t.branch);
      b.step = t.step;
      b.phase = 'waiting';
      b.wait = t.wait;
      b.since ??= t.time;
      b.approvals = [];
      delete b.answered;
      return;
    }
    case 'approval':
      branch(s, t.branch).approvals.push({ by: t.by, decision: t.decision, ...(t.reason ? { reason: t.reason } : {}) });
      return;
    case 'step.answered':
      branch(s, t.branch).answered = t.vars;
      for (const [k, v] of Object.entries(t.vars)) s.vars.set(k, v);
      return;
    case 'step.resolved':
      branch(s, t.branch).resolution = t.resolution;
      return;
    case 'step.finished': {
      const b = branch(s, t.branch);
      // Most steps set no variables, record no action and had no votes: nothing made for them
      // (this runs once per step).
      if (t.vars) for (const [k, v] of Object.entries(t.vars)) s.vars.set(k, v);
      if (t.actions)
        for (const a of t.actions) {
          s.actions.push({
            ...a,
            seq: t.seq,
            step: t.step,
            time: t.time,
            state: 'active',
            ...(a.expires ? { expiresAt: a.expires } : {}),
          });
        }
      b.step = t.next;
      b.phase = 'ready';
      b.attempt = 0;
      if (b.approvals.length > 0) b.approvals = [];
      delete b.wait;
      delete b.retryAt;
      delete b.answered;
      delete b.resolution;
      delete b.since;
      if (t.outcome === 'failure') b.error = t.error ?? 'failed';
      else delete b.error;
      if (t.branch === ROOT && t.outcome === 'failure' && t.next !== undefined)
        s.excepted ||= t.next === exceptionTarget(t);
      return;
    }
    case 'branch.forked': {
      const b = branch(s, t.branch);
      b.phase = 'forked';
      b.step = t.step;
      b.children = t.children.map((c) => c.id);
      for (const c of t.children) {
        s.branches.set(c.id, {
          id: c.id,
          parent: t.branch,
          forkStep: t.step,
          step: c.start,
          phase: 'ready',
          attempt: 0,
          approvals: [],
          children: [],
        });
      }
      s.whileCounts.set(t.step, (s.whileCounts.get(t.step) ?? 0) + 1);
      return;
    }
    case 'branch.ended': {
      const b = branch(s, t.branch);
      b.phase = 'ended';
      b.outcome = t.outcome;
      if (t.error) b.error = t.error;
      return;
    }
    case 'child.started': {
      const b = branch(s, t.branch);
      b.phase = 'forked';
      b.step = t.step;
      b.childRun = t.run;
      return;
    }
    case 'run.finished':
      s.finished = { status: t.status, ...(t.reason ? { reason: t.reason } : {}) };
      return;
    case 'action.reverted': {
      const a = s.actions.find((x) => x.seq === t.action);
      if (!a) return;
      a.state = t.ok ? 'reverted' : 'revert-failed';
      if (t.error) a.error = t.error;
      return;
    }
    case 'action.extended': {
      const a = s.actions.find((x) => x.seq === t.action);
      if (a) a.expiresAt = t.expires;
      return;
    }
    case 'rollback.requested':
      s.rollbackRequested = true;
      return;
    default: {
      const never: never = t;
      throw new AppError('INTERNAL', `unknown transition ${JSON.stringify(never)}`);
    }
  }
}

/** Marker the engine puts on a failure that moves the root branch to workflow_exception. */
function exceptionTarget(t: Transition & { kind: 'step.finished' }): string | undefined {
  return t.output?.['exception'] === true ? t.next : undefined;
}

/** Folds a run's stored transitions. */
export function foldRun(tenant: string, id: string, transitions: readonly Transition[]): RunState {
  const [first, ...rest] = transitions;
  if (!first) throw new AppError('NOT_FOUND', `no run ${id}`);
  const s = newRun(tenant, id, first);
  for (const t of rest) apply(s, t);
  return s;
}

/** The status a run shows: finished, else running while any branch can move, else waiting for a person. */
export function statusOf(s: RunState): RunStatus {
  if (s.finished) return s.finished.status;
  let waiting = false;
  for (const b of s.branches.values()) {
    if (b.phase === 'ready' || b.phase === 'running') return 'running';
    if (b.phase === 'waiting') waiting = true;
  }
  return waiting ? 'waiting' : 'running';
}
