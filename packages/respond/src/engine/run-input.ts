/**
 * @module
 * What a run starts from: its id, the checks on the playbook (revoked, validity window) and on
 * the caller's inputs, the digest recorded with it, and finding the branch that waits for a
 * person's answer.
 */
import { AppError, randomId } from '@intersoc/core';
import type { Playbook } from '../cacao/types.js';
import { playbookDigest } from '../sign/playbook-signature.js';
import type { LiveRun } from './live.js';
import { initialVars } from './scope.js';
import type { BranchState } from './state.js';

/** Longest value of an input or answer. */
export const MAX_VALUE = 4096;

/**
 * Run ids: 32 hex digits, the first 12 the creation time in ms, the rest random. Ids in creation
 * order keep the transitions of concurrent runs close together in the store's index.
 */
export function runId(now: number): string {
  return `${Math.max(0, Math.floor(now)).toString(16).padStart(12, '0').slice(-12)}${randomId().slice(0, 20)}`;
}

/** Digests of parsed playbooks (the store hands out one frozen object per stored version). */
const digests = new WeakMap<Playbook, string>();

export function digestOf(p: Playbook): string {
  let d = digests.get(p);
  if (d === undefined) {
    d = playbookDigest(p);
    if (Object.isFrozen(p)) digests.set(p, d);
  }
  return d;
}

/** Refuses playbooks that are revoked or outside their validity window. */
export function checkRunnable(p: Playbook, now: number): void {
  if (p.revoked === true) throw new AppError('CONFLICT', `playbook ${p.id} is revoked`);
  if (p.valid_from && Date.parse(p.valid_from) > now)
    throw new AppError('CONFLICT', `playbook ${p.id} is valid from ${p.valid_from}`);
  if (p.valid_until && Date.parse(p.valid_until) < now)
    throw new AppError('CONFLICT', `playbook ${p.id} expired at ${p.valid_until}`);
}

/** Inputs must name playbook variables; constants cannot be set. */
export function checkInputs(p: Playbook, inputs: Readonly<Record<string, string>>): Record<string, string> {
  const declared = p.playbook_variables ?? {};
  for (const [k, v] of Object.entries(inputs)) {
    const d = declared[k];
    if (!d) throw new AppError('VALIDATION', `${k} is not a variable of playbook ${p.id}`);
    if (d.constant === true) throw new AppError('VALIDATION', `${k} is a constant of playbook ${p.id}`);
    if (typeof v !== 'string' || v.length > MAX_VALUE)
      throw new AppError('VALIDATION', `value of ${k} must be text of at most ${MAX_VALUE} characters`);
  }
  return initialVars(p, inputs);
}

/** The branch waiting at `step` for a decision of `kind`. */
export function waitingAt(live: LiveRun, step: string, kind: 'manual' | 'in-doubt'): BranchState {
  const b = [...live.s.branches.values()].find((x) => x.phase === 'waiting' && x.step === step);
  if (!b?.wait) throw new AppError('CONFLICT', `step ${step} of run ${live.id} is not waiting`);
  if (b.wait.kind !== kind)
    throw new AppError('CONFLICT', `step ${step} of run ${live.id} waits for ${b.wait.kind}, not ${kind}`);
  return b;
}
