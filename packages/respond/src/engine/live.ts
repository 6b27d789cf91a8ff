/**
 * @module
 * A run held by the engine: its folded state, its playbook, and `write`, the only way its state
 * changes. `write` applies the transitions to the state at once (so decisions taken in the same
 * turn see them), builds what the store keeps beside them (run row, open waits, actions, audit
 * entries) and hands it to the group-commit journal; callers act on the outside world only after
 * the returned promise resolves, i.e. after the commit.
 */
import type { AuthContext } from '@intersoc/core';
import type { AuditInput } from '@intersoc/storage';
import type { Playbook } from '../cacao/types.js';
import type { OpenWait, RunWrite, StoredAction, StoredPlaybook } from '../store/types.js';
import { auditEntry } from './audit-entries.js';
import type { Journal, JournalOwner } from './journal.js';
import { apply, newRun, statusOf, type RunState } from './state.js';
import type { RunStatus, RunSummary, Transition, TransitionBody } from './types.js';

/** `T` without `readonly`, to build a value field by field. */
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A run in memory. */
export class LiveRun implements JournalOwner {
  state: RunState | undefined;
  readonly stored: StoredPlaybook;
  readonly ctx: AuthContext;
  /** Branches with a task driving them. */
  readonly busy = new Set<string>();
  /** Aborts in-flight commands, by branch. */
  readonly aborts = new Map<string, { abort(reason: unknown): void }>();
  readonly timers = new Set<NodeJS.Timeout>();
  /** Set when a commit failed: the run is no longer driven here (a restart resumes it from the store). */
  broken: Error | undefined;
  #nextSeq: number;
  /**
   * Branches whose wait row (inbox entry) may be stored, or undefined when unknown (a run loaded
   * from the store): only those need a DELETE when they move on, not every step of every branch.
   */
  readonly #waitRows: Set<string> | undefined;
  #status: RunStatus | undefined;
  #reason: string | undefined;
  /** Called after each committed write of the run (the engine's live views). */
  onCommitted: ((live: LiveRun) => void) | undefined;
  /** The run's stored row as of its last committed write that wrote it (see `committedSummary`). */
  #committed: RunSummary | undefined;

  constructor(
    readonly id: string,
    ctx: AuthContext,
    stored: StoredPlaybook,
    private readonly journal: Journal,
    private readonly now: () => number,
    state?: RunState,
  ) {
    this.ctx = ctx;
    this.stored = stored;
    this.state = state;
    this.#nextSeq = (state?.seq ?? 0) + 1;
    this.#waitRows = state ? undefined : new Set();
    if (state) {
      this.#status = statusOf(state);
      this.#reason = state.finished?.reason;
    }
  }

  get playbook(): Playbook {
    return this.stored.playbook;
  }

  /** The run's state (present once run.created is written). */
  get s(): RunState {
    if (!this.state) throw new Error(`run ${this.id} has no state yet`);
    return this.state;
  }

  /** The step's name, for messages. */
  stepName(step: string): string | undefined {
    return this.playbook.workflow[step]?.name;
  }

  /**
   * Applies `bodies` now and commits them; resolves after the commit. Extra audit entries (for
   * facts that are not transitions) commit with them.
   */
  write(bodies: readonly TransitionBody[]): Promise<void> {
    if (this.broken) return Promise.reject(this.broken);
    const time = this.now();
    const n = bodies.length;
    const transitions = new Array<Transition>(n);
    // The branches the write touches (almost always one), and the actions it records or changes.
    const touched: string[] = [];
    let actionSeqs: number[] | undefined;
    let all = false;
    // The seq and time each transition gets, copied in from one object for the whole write.
    const stamp = { seq: 0, time };
    for (let i = 0; i < n; i++) {
      // Object.assign, not a spread: spreading bodies of many shapes took about 4 µs each on
      // Node 20 (microbenchmark: 0.3 µs with Object.assign), once per transition.
      stamp.seq = this.#nextSeq++;
      const t = Object.assign({}, bodies[i], stamp) as Transition;
      transitions[i] = t;
      if (t.kind === 'run.created') this.state = newRun(this.ctx.tenant, this.id, t);
      else apply(this.s, t);
      if ('branch' in t && !touched.includes(t.branch)) touched.push(t.branch);
      if (t.kind === 'run.finished') all = true;
      else if (t.kind === 'step.finished') {
        if (t.actions && t.actions.length > 0) (actionSeqs ??= []).push(t.seq);
      } else if (t.kind === 'action.reverted' || t.kind === 'action.extended') (actionSeqs ??= []).push(t.action);
    }
    const s = this.s;
    const status = statusOf(s);
    const reason = s.finished?.reason ?? this.#waitReason();
    const changed = status !== this.#status || reason !== this.#reason || transitions[0]?.kind === 'run.created';
    this.#status = status;
    this.#reason = reason;
    const write: Mutable<RunWrite> = { tenant: s.tenant, run: s.id, transitions, bodies, audit: [] };
    if (changed) write.row = this.#row(status, reason);
    const waits = this.#waits(all ? [...s.branches.keys()] : touched);
    if (waits) write.waits = waits;
    if (actionSeqs) write.actions = this.#actions(actionSeqs);
    const audit = write.audit as AuditInput[];
    for (const t of transitions) {
      const e = auditEntry(t, s, 'step' in t && typeof t.step === 'string' ? this.stepName(t.step) : undefined);
      if (e) audit.push(e);
    }
    return this.journal.commit(write, this);
  }

  /** The journal committed a write of this run: tell whoever watches runs. */
  committed(w: RunWrite): void {
    if (w.row) this.#committed = committedSummary(w, w.row);
    this.onCommitted?.(this);
  }

  /**
   * The run as its stored row reads after the last commit (what the store's `getRun` returns),
   * kept from the writes themselves: starting a run answers without reading its row back.
   * Undefined until run.created is committed.
   */
  get committedSummary(): RunSummary | undefined {
    return this.#committed;
  }

  /** The journal could not commit a write of this run: it is no longer driven here. */
  failed(err: unknown): void {
    this.broken ??= err instanceof Error ? err : new Error(String(err));
  }

  #row(status: RunStatus, reason: string | undefined): NonNullable<RunWrite['row']> {
    const s = this.s;
    const row: Mutable<NonNullable<RunWrite['row']>> = {
      playbookId: s.playbook,
      playbookVersion: s.version,
      playbookName: this.stored.name,
      status,
      dryRun: s.dryRun,
      requestedBy: s.requestedBy,
      trigger: s.trigger,
      created: s.created,
    };
    if (reason) row.reason = reason;
    if (s.parent) row.parentRun = s.parent.run;
    return row;
  }

  /** The inbox rows to open or close for the branches `ids`, or undefined when there are none. */
  #waits(ids: readonly string[]): NonNullable<RunWrite['waits']>[number][] | undefined {
    const s = this.s;
    let waits: NonNullable<RunWrite['waits']>[number][] | undefined;
    for (const id of ids) {
      const b = s.branches.get(id);
      if (!b) continue;
      if (b.phase === 'waiting' && b.wait && b.step && !s.finished) {
        (waits ??= []).push({ open: this.#openWait(b.id) });
        this.#waitRows?.add(b.id);
      } else if (!this.#waitRows || this.#waitRows.delete(b.id)) (waits ??= []).push({ close: { branch: b.id } });
    }
    return waits;
  }

  /** The stored form of the run's actions recorded or changed at `seqs`. */
  #actions(seqs: readonly number[]): StoredAction[] {
    const s = this.s;
    return s.actions
      .filter((a) => seqs.includes(a.seq))
      .map((a) => ({
        tenant: s.tenant,
        run: s.id,
        seq: a.seq,
        step: a.step,
        time: a.time,
        connector: a.connector,
        summary: a.summary,
        inverse: a.inverse,
        state: a.state,
        ...(a.expiresAt === undefined ? {} : { expires: a.expiresAt }),
        ...(a.error ? { error: a.error } : {}),
      }));
  }

  #waitReason(): string | undefined {
    for (const b of this.s.branches.values()) if (b.phase === 'waiting' && b.wait) return b.wait.reason;
    return undefined;
  }

  #openWait(branchId: string): OpenWait {
    const s = this.s;
    const b = s.branches.get(branchId);
    if (!b?.wait || !b.step) throw new Error(`branch ${branchId} is not waiting`);
    const name = this.stepName(b.step);
    return {
      tenant: s.tenant,
      run: s.id,
      branch: b.id,
      step: b.step,
      ...(name ? { stepName: name } : {}),
      playbookName: this.stored.name,
      requestedBy: s.requestedBy,
      since: b.since ?? s.updated,
      wait: b.wait,
      approvals: b.approvals,
    };
  }

  /** Clears timers and aborts in-flight commands (engine shutdown or cancel). */
  stop(reason: string): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const a of this.aborts.values()) a.abort(new Error(reason));
  }
}

/** The summary the store's run row gives after `w` (which wrote `row`) committed. */
function committedSummary(w: RunWrite, row: NonNullable<RunWrite['row']>): RunSummary {
  const last = w.transitions[w.transitions.length - 1];
  const s: Mutable<RunSummary> = {
    tenant: w.tenant,
    id: w.run,
    playbookId: row.playbookId,
    playbookVersion: row.playbookVersion,
    playbookName: row.playbookName,
    status: row.status,
    dryRun: row.dryRun,
    requestedBy: row.requestedBy,
    trigger: row.trigger,
    created: row.created,
    // The row's `updated` is the time of the last transition of the write that wrote it.
    updated: last?.time ?? row.created,
  };
  if (row.reason !== undefined) s.reason = row.reason;
  if (row.parentRun !== undefined) s.parentRun = row.parentRun;
  return s;
}
