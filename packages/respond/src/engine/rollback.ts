/**
 * @module
 * Undoing actions. Rollback of a run undoes the actions of the run and of its child runs that are
 * still in effect, newest first (the reverse of the order they were done), each through the
 * connector that did it, and records each undo (or its failure) as a transition with an audit
 * entry. An expired time box undoes its own actions the same way.
 */
import type { Connector } from '../commands/types.js';
import type { LiveRun } from './live.js';
import type { ActionState } from './state.js';

/** What happened to one action. */
export interface RevertOutcome {
  readonly run: string;
  readonly seq: number;
  readonly step: string;
  readonly connector: string;
  readonly summary: string;
  readonly ok: boolean;
  readonly error?: string;
}

/** How long one undo may take. */
const REVERT_TIMEOUT_MS = 60_000;

/** Reverts the active actions of `runs` chosen by `pick`, newest first. */
export async function revertActions(
  runs: readonly LiveRun[],
  connectors: ReadonlyMap<string, Connector>,
  by: string,
  why: 'rollback' | 'timebox',
  pick: (a: ActionState) => boolean,
): Promise<RevertOutcome[]> {
  const todo = runs
    .flatMap((live) => live.s.actions.filter((a) => a.state === 'active' && pick(a)).map((a) => ({ live, a })))
    .sort((x, y) => y.a.time - x.a.time || y.a.seq - x.a.seq);
  const out: RevertOutcome[] = [];
  for (const { live, a } of todo) {
    const connector = connectors.get(a.connector);
    let error: string | undefined;
    if (!connector) error = `no connector ${a.connector} on this node`;
    else {
      try {
        await connector.revert(a.inverse, { ctx: live.ctx, signal: AbortSignal.timeout(REVERT_TIMEOUT_MS) });
      } catch (err) {
        error = (err as Error).message;
      }
    }
    await live.write([
      { kind: 'action.reverted', action: a.seq, ok: error === undefined, by, why, ...(error ? { error } : {}) },
    ]);
    out.push({
      run: live.id,
      seq: a.seq,
      step: a.step,
      connector: a.connector,
      summary: a.summary,
      ok: error === undefined,
      ...(error ? { error } : {}),
    });
  }
  return out;
}
