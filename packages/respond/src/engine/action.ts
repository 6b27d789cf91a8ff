/**
 * @module
 * Action steps: the approval gate (policy from our step extension, else the strictest default of
 * the step's command types), manual tasks that wait for an answer, the in-flight marker written
 * before any command runs, per-step timeouts, retries with exponential backoff (only for
 * idempotent steps, or failures that certainly had no effect), out_args, and the actions that
 * connectors report with their inverse (time-boxed when the step says so). A dry run goes through
 * the same path and asks each executor to describe instead of execute.
 */
import { AppError } from '@intersoc/core';
import { playbookExtension, stepExtension } from '../cacao/extension.js';
import type { CommandData, Playbook, WorkflowStep } from '../cacao/types.js';
import {
  CommandError,
  type ActionRecord,
  type AgentDirectory,
  type CommandContext,
  type CommandExecutor,
  type CommandResult,
} from '../commands/types.js';
import { approvalState } from './approvals.js';
import { failStep, writeAndSettle, type FlowHost } from './flow.js';
import type { LiveRun } from './live.js';
import { StepAbort } from './step-abort.js';
import { stepScope } from './scope.js';
import type { BranchState } from './state.js';
import type { ApprovalPolicy, TransitionBody } from './types.js';

/** `T` without `readonly`, to build a value field by field. */
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** What action steps need from the engine. */
export interface ActionHost extends FlowHost {
  readonly executors: ReadonlyMap<string, CommandExecutor>;
  readonly directory: AgentDirectory;
  readonly timeoutMs: number;
  readonly approvalTtlMs: number;
  readonly backoffMs: number;
  now(): number;
  /** Calls the engine back at `at` to drive the run again (retries, deadlines). */
  wakeAt(live: LiveRun, at: number): void;
}

const ORDER: readonly ApprovalPolicy[] = ['auto', 'one', 'four-eyes', 'never'];
const MAX_OUTPUT = 8 * 1024;

/** Policies of steps of frozen playbooks, per engine (its executors decide the defaults). */
const policies = new WeakMap<ReadonlyMap<string, CommandExecutor>, WeakMap<WorkflowStep, ApprovalPolicy>>();

/** The approval policy of an action step. */
export function policyOf(live: LiveRun, host: ActionHost, step: WorkflowStep): ApprovalPolicy {
  if (!Object.isFrozen(step) || !Object.isFrozen(live.playbook)) return decidePolicy(live, host, step);
  let known = policies.get(host.executors);
  if (!known) policies.set(host.executors, (known = new WeakMap()));
  let p = known.get(step);
  if (p === undefined) known.set(step, (p = decidePolicy(live, host, step)));
  return p;
}

function decidePolicy(live: LiveRun, host: ActionHost, step: WorkflowStep): ApprovalPolicy {
  const ext = stepExtension(step);
  if (ext.approval) return ext.approval;
  const own = playbookExtension(live.playbook).approval;
  if (own) return own;
  let p: ApprovalPolicy = 'auto';
  for (const c of step.commands ?? []) {
    const e = host.executors.get(c.type) as
      (CommandExecutor & { approval?(c: CommandData): ApprovalPolicy }) | undefined;
    const d = c.type === 'manual' ? 'auto' : (e?.approval?.(c) ?? 'one');
    if (ORDER.indexOf(d) > ORDER.indexOf(p)) p = d;
  }
  return p;
}

/** What a step's command context holds that does not change from run to run (frozen playbooks). */
interface StepStatics {
  readonly agentId: string | undefined;
  readonly agent: CommandContext['agent'];
  readonly auth: CommandContext['auth'];
  readonly targets: CommandContext['targets'];
}

const statics = new WeakMap<WorkflowStep, StepStatics>();

function staticsOf(pb: Playbook, step: WorkflowStep): StepStatics {
  const known = statics.get(step);
  if (known) return known;
  const agentId = step.agent;
  const agent = agentId === undefined ? undefined : pb.agent_definitions?.[agentId];
  const authId = typeof agent?.authentication_info === 'string' ? agent.authentication_info : undefined;
  const authDef = authId === undefined ? undefined : pb.authentication_info_definitions?.[authId];
  // Without its secret values (commands get those by reference); most steps have none.
  let auth: CommandContext['auth'];
  if (authId && authDef) {
    const { password: _p, private_key: _k, token: _t, ...publicAuth } = authDef;
    auth = { id: authId, def: publicAuth };
  }
  const targets = (step.targets ?? []).flatMap((id) => {
    const def = pb.target_definitions?.[id];
    return def ? [{ id, def }] : [];
  });
  const v: StepStatics = { agentId, agent, auth, targets };
  // A step of a frozen playbook (every stored one) cannot change under its cached reading.
  if (Object.isFrozen(step) && Object.isFrozen(pb)) statics.set(step, v);
  return v;
}

/** The command context of a step. */
function contextOf(
  live: LiveRun,
  host: ActionHost,
  stepId: string,
  step: WorkflowStep,
  attempt: number,
  abort: { readonly signal: AbortSignal },
): CommandContext {
  const pb = live.playbook;
  const st = staticsOf(pb, step);
  const registration =
    st.agentId === undefined ? undefined : host.directory.agent(live.ctx.tenant, st.agentId, st.agent);
  // Built field by field (optional ones only when present) and the scope only when a command
  // substitutes: one context per step attempt, on the engine's hot path.
  let scope: ReturnType<typeof stepScope> | undefined;
  const c: Mutable<CommandContext> = {
    ctx: live.ctx,
    run: live.id,
    step: stepId,
    attempt,
    targets: st.targets,
    substitute: (text) => (scope ??= stepScope(pb, step, live.s.vars)).substitute(text),
    secret: (ref) => {
      const auth = pb.authentication_info_definitions?.[ref];
      const key = typeof auth?.kms_key_identifier === 'string' ? auth.kms_key_identifier : ref;
      return host.directory.secret(live.ctx.tenant, key);
    },
    // Made when a command asks for it (see step-abort.ts).
    get signal() {
      return abort.signal;
    },
    timeoutMs: step.timeout ?? host.timeoutMs,
  };
  if (st.auth) c.auth = st.auth;
  if (st.agentId !== undefined) c.agentId = st.agentId;
  if (st.agent) c.agent = st.agent;
  if (registration) c.registration = registration;
  return c;
}

let never: AbortSignal | undefined;
/** A signal that never fires (deciding idempotence runs no command). */
const NO_ABORT = {
  get signal(): AbortSignal {
    return (never ??= new AbortController().signal);
  },
};

/** True when the step may run again after it was interrupted. */
const idempotence = new WeakMap<WorkflowStep, boolean>();

export function idempotentStep(live: LiveRun, host: ActionHost, stepId: string, step: WorkflowStep): boolean {
  let known = idempotence.get(step);
  if (known === undefined) {
    known = decideIdempotent(live, host, stepId, step);
    idempotence.set(step, known);
  }
  return known;
}

function decideIdempotent(live: LiveRun, host: ActionHost, stepId: string, step: WorkflowStep): boolean {
  const ext = stepExtension(step);
  if (ext.idempotent !== undefined) return ext.idempotent;
  const cmds = (step.commands ?? []).filter((c) => c.type !== 'manual');
  if (cmds.length === 0) return true;
  const c = contextOf(live, host, stepId, step, 1, NO_ABORT);
  return cmds.every((cmd) => host.executors.get(cmd.type)?.idempotent(cmd, c) === true);
}

const manualOf = (step: WorkflowStep): CommandData[] => (step.commands ?? []).filter((c) => c.type === 'manual');
const hasManual = (step: WorkflowStep): boolean => step.commands?.some((c) => c.type === 'manual') === true;

/** A ready action branch: gate it, or start its next attempt. */
export function readyAction(
  live: LiveRun,
  host: ActionHost,
  b: BranchState,
  stepId: string,
  step: WorkflowStep,
): Promise<void> {
  const s = live.s;
  if (b.attempt === 0 && !s.dryRun) {
    const policy = policyOf(live, host, step);
    if (policy === 'never') {
      return writeAndSettle(
        live,
        host,
        b,
        failStep(live, b, stepId, step, 'approval policy never: this action may not run on this node'),
      );
    }
    if (policy !== 'auto') {
      const ttl = stepExtension(step).approval_ttl ?? host.approvalTtlMs;
      const expires = host.now() + ttl;
      host.wakeAt(live, expires);
      return live.write([
        {
          kind: 'step.waiting',
          branch: b.id,
          step: stepId,
          wait: {
            kind: 'approval',
            policy,
            expires,
            reason: `waits for ${policy === 'one' ? 'one approver' : 'four eyes (two people other than the requester)'}`,
          },
        },
      ]);
    }
  }
  return startAttempt(live, host, b, stepId, step);
}

/** Starts the next attempt: a manual task waits for its answer first; otherwise the in-flight marker, then the commands. */
export function startAttempt(
  live: LiveRun,
  host: ActionHost,
  b: BranchState,
  stepId: string,
  step: WorkflowStep,
): Promise<void> {
  const s = live.s;
  if (!s.dryRun && b.answered === undefined && hasManual(step)) {
    const manual = manualOf(step);
    const scope = stepScope(live.playbook, step, s.vars);
    const task = manual
      .map((c) => scope.substitute(typeof c.command === 'string' ? c.command : (c.description ?? 'manual task')))
      .join('\n');
    const expires = step.timeout === undefined ? undefined : host.now() + step.timeout;
    if (expires !== undefined) host.wakeAt(live, expires);
    return live.write([
      {
        kind: 'step.waiting',
        branch: b.id,
        step: stepId,
        wait: {
          kind: 'manual',
          task,
          outArgs: step.out_args ?? [],
          reason: 'waits for an analyst to do the task and answer',
          ...(expires ? { expires } : {}),
        },
      },
    ]);
  }
  const attempt = b.attempt + 1;
  // The in-flight marker exists for one decision after a crash: may this step run again? An
  // idempotent step runs again either way, so only its end is written; any other step's start
  // is stored before its commands run, and after a crash it waits for a person.
  if (idempotentStep(live, host, stepId, step)) return execute(live, host, b, stepId, step, attempt);
  const started = live.write([{ kind: 'step.started', branch: b.id, step: stepId, attempt }]);
  return started.then(() => execute(live, host, b, stepId, step, attempt));
}

/**
 * An upper bound of the length of `JSON.stringify(v)`, which stops counting past `budget`: a
 * character is at most 6 in JSON (`\u0000`), a number at most 24. Values with `toJSON` (or that
 * JSON cannot hold) are not bounded here (Infinity).
 */
function jsonBound(v: unknown, budget: number): number {
  if (typeof v === 'string') return 6 * v.length + 2;
  if (v === null || typeof v === 'number' || typeof v === 'boolean' || v === undefined) return 24;
  if (typeof v !== 'object' || typeof (v as { toJSON?: unknown }).toJSON === 'function') return Infinity;
  let n = 2;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length && n <= budget; i++) n += jsonBound(v[i], budget - n) + 1;
    return n;
  }
  for (const k in v) {
    n += 6 * k.length + 4 + jsonBound((v as Record<string, unknown>)[k], budget - n);
    if (n > budget) return n;
  }
  return n;
}

function bounded(output: Record<string, unknown>): Record<string, unknown> {
  // Most outputs are small: a bound of their size spares serialising them only to measure.
  if (jsonBound(output, MAX_OUTPUT) <= MAX_OUTPUT) return output;
  const text = JSON.stringify(output);
  return text.length <= MAX_OUTPUT ? output : { truncated: true, head: text.slice(0, MAX_OUTPUT) };
}

/** Runs the commands of an attempt (after its in-flight marker is stored) and writes how it ended. */
async function execute(
  live: LiveRun,
  host: ActionHost,
  b: BranchState,
  stepId: string,
  step: WorkflowStep,
  attempt: number,
): Promise<void> {
  const s = live.s;
  const abort = new StepAbort(step.timeout ?? host.timeoutMs);
  live.aborts.set(b.id, abort);
  const c = contextOf(live, host, stepId, step, attempt, abort);
  const results: CommandResult[] = [];
  let failure: CommandError | undefined;
  try {
    for (const cmd of step.commands ?? []) {
      if (cmd.type === 'manual') {
        // Done by a person (answered before this attempt); a dry run says what it would ask.
        if (s.dryRun)
          results.push({
            output: { type: 'manual', wouldAsk: c.substitute(String(cmd.command ?? cmd.description ?? 'manual task')) },
          });
        continue;
      }
      const exec = host.executors.get(cmd.type);
      if (!exec) throw new CommandError(`no executor for command type ${cmd.type} on this node`);
      if (s.dryRun) {
        results.push({
          output: {
            type: cmd.type,
            wouldRun: exec.describe(cmd, c),
            agent: c.agentId ?? null,
            targets: c.targets.map((t) => t.id),
          },
        });
        continue;
      }
      abort.check();
      results.push(await exec.execute(cmd, c));
    }
  } catch (err) {
    failure =
      err instanceof CommandError
        ? err
        : new CommandError(err instanceof AppError || err instanceof Error ? err.message : String(err));
  } finally {
    abort.dispose();
    live.aborts.delete(b.id);
  }
  if (live.s.finished || live.broken) return; // cancelled meanwhile: the command's outcome is in its audit trail
  if (failure) {
    const ext = stepExtension(step);
    const retries = ext.retries ?? 0;
    if (attempt <= retries && (failure.safeToRetry || idempotentStep(live, host, stepId, step))) {
      const at = host.now() + Math.min((ext.backoff ?? host.backoffMs) * 2 ** (attempt - 1), 3_600_000);
      host.wakeAt(live, at);
      return live.write([{ kind: 'step.retry', branch: b.id, step: stepId, attempt, error: failure.message, at }]);
    }
    return writeAndSettle(live, host, b, failStep(live, b, stepId, step, attempts(attempt, failure.message)));
  }
  const body = finished(live, b, stepId, step, results);
  // Time-boxed containment: the engine wakes up when the box ends.
  for (const a of body.kind === 'step.finished' ? (body.actions ?? []) : [])
    if (a.expires !== undefined) host.wakeAt(live, a.expires);
  return writeAndSettle(live, host, b, [body]);
}

function attempts(n: number, message: string): string {
  return n > 1 ? `${message} (after ${n} attempts)` : message;
}

/** The success transition of an action step, with its out_args and recorded actions. */
export function finished(
  live: LiveRun,
  b: BranchState,
  stepId: string,
  step: WorkflowStep,
  results: readonly CommandResult[],
): TransitionBody {
  const out = step.out_args ?? [];
  let vars: Record<string, string> | undefined = b.answered ? { ...b.answered } : undefined;
  let recorded: ActionRecord[] | undefined;
  for (const r of results) {
    if (out.length > 0) {
      for (const [k, v] of Object.entries(r.values ?? {})) if (out.includes(k)) (vars ??= {})[k] = v;
      if (r.text !== undefined && out[0] !== undefined && r.values?.[out[0]] === undefined)
        (vars ??= {})[out[0]] = r.text;
    }
    if (r.actions && r.actions.length > 0) (recorded ??= []).push(...r.actions);
  }
  const next = step.on_success ?? step.on_completion;
  const commands: unknown[] = new Array<unknown>(results.length);
  for (let i = 0; i < results.length; i++) commands[i] = (results[i] as CommandResult).output;
  // Built field by field, in the order the stored body has always had.
  const body: Mutable<Extract<TransitionBody, { kind: 'step.finished' }>> = {
    kind: 'step.finished',
    branch: b.id,
    step: stepId,
    outcome: 'success',
  };
  if (next) body.next = next;
  if (vars && Object.keys(vars).length > 0) body.vars = vars;
  body.output = bounded({ commands });
  if (recorded) {
    const timebox = stepExtension(step).timebox;
    const expires = timebox ? Date.now() + timebox : undefined;
    body.actions = recorded.map((a) => (expires === undefined ? { ...a } : { ...a, expires }));
  }
  return body;
}

/** Whether the votes on a waiting approval grant it. */
export function granted(policy: ApprovalPolicy, b: BranchState): ReturnType<typeof approvalState> {
  return approvalState(policy, b.approvals);
}
