/**
 * @module
 * Approval policies per action: `auto`, `one` approver, `four-eyes` (two different people,
 * neither the one who requested the run) or `never`. People are told apart by their account
 * (tenant and user name), never by session or token, so one person with two sessions or two
 * tokens counts once. Approvals expire and then fail closed, with the reason on the step.
 */
import type { ApprovalPolicy } from './types.js';

/** A decision given on a waiting step. */
export interface ApprovalVote {
  readonly by: string;
  readonly decision: 'approve' | 'deny';
  readonly reason?: string;
}

/** Where an approval stands. */
export type ApprovalState =
  | { readonly state: 'granted'; readonly by: readonly string[] }
  | { readonly state: 'pending'; readonly have: readonly string[]; readonly need: number }
  | { readonly state: 'denied'; readonly by: string; readonly reason: string };

/** Approvers a policy needs. */
export function approversNeeded(policy: ApprovalPolicy): number {
  return policy === 'four-eyes' ? 2 : policy === 'one' ? 1 : 0;
}

/** Why `by` may not vote on a step of a run `requestedBy` asked for, under `policy` (undefined: may). */
export function voteRefusal(
  policy: ApprovalPolicy,
  requestedBy: string,
  by: string,
  votes: readonly ApprovalVote[],
): string | undefined {
  if (policy === 'auto') return 'this step needs no approval';
  if (policy === 'never') return 'this step may never run on this node (approval policy never)';
  if (votes.some((v) => v.by === by)) return `${by} has already decided on this step; four eyes need another person`;
  if (policy === 'four-eyes' && by === requestedBy) {
    return `${by} requested this run; under four eyes the requester cannot approve`;
  }
  return undefined;
}

/** The state of an approval after `votes`. A single deny decides. */
export function approvalState(policy: ApprovalPolicy, votes: readonly ApprovalVote[]): ApprovalState {
  const deny = votes.find((v) => v.decision === 'deny');
  if (deny) return { state: 'denied', by: deny.by, reason: deny.reason ?? 'no reason given' };
  const have = [...new Set(votes.filter((v) => v.decision === 'approve').map((v) => v.by))];
  const need = approversNeeded(policy);
  return have.length >= need ? { state: 'granted', by: have } : { state: 'pending', have, need };
}

/** The reason shown when an approval expired without enough approvers: the step fails closed. */
export function expiryReason(policy: ApprovalPolicy, votes: readonly ApprovalVote[], ttlMs: number): string {
  const have = [...new Set(votes.filter((v) => v.decision === 'approve').map((v) => v.by))];
  const need = approversNeeded(policy);
  const minutes = Math.round(ttlMs / 60_000);
  return `approval expired after ${minutes} min with ${have.length} of ${need} approvals (${policy}${
    have.length > 0 ? `; approved by ${have.join(', ')}` : ''
  }): the action did not run (fails closed)`;
}
