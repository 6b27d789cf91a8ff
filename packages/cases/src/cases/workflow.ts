/**
 * @module
 * The case status workflow: new → in progress → contained → resolved → closed, with the
 * shortcuts analysts need (close a false positive straight from new, reopen a closed case, go
 * back to in progress when containment failed). Resolved and closed need a resolution; a true
 * positive is resolved before it is closed; a duplicate names the case it duplicates.
 */
import { fail, ok, type Result } from '@intersoc/core';
import type { CaseStatus, Resolution } from './types.js';

/** Allowed next statuses of each status. */
export const TRANSITIONS: Readonly<Record<CaseStatus, readonly CaseStatus[]>> = {
  new: ['in-progress', 'closed'],
  'in-progress': ['contained', 'resolved', 'closed'],
  contained: ['in-progress', 'resolved'],
  resolved: ['closed', 'in-progress'],
  closed: ['in-progress'],
};

/** A requested change of status. */
export interface TransitionRequest {
  readonly status: CaseStatus;
  readonly resolution?: Resolution;
  readonly duplicateOf?: string;
}

/** What the case looks like for the check. */
export interface TransitionState {
  readonly status: CaseStatus;
  readonly resolution?: Resolution;
}

/** Checks a transition; the reason says what is missing or not allowed. */
export function checkTransition(from: TransitionState, to: TransitionRequest): Result<void> {
  if (!TRANSITIONS[from.status].includes(to.status)) {
    return fail(`cannot go from ${from.status} to ${to.status} (allowed: ${TRANSITIONS[from.status].join(', ')})`);
  }
  const resolution = to.resolution ?? (to.status === 'closed' ? from.resolution : undefined);
  if ((to.status === 'resolved' || to.status === 'closed') && resolution === undefined) {
    return fail(`${to.status} needs a resolution (true-positive, false-positive, benign or duplicate)`);
  }
  if (to.status === 'closed' && from.status !== 'resolved' && resolution === 'true-positive') {
    return fail('a true positive is resolved before it is closed');
  }
  if (to.resolution === 'duplicate' && (to.duplicateOf ?? '') === '') {
    return fail('a duplicate names the case it duplicates (duplicateOf)');
  }
  if (to.resolution !== undefined && to.status !== 'resolved' && to.status !== 'closed') {
    return fail('a resolution is only given when resolving or closing');
  }
  return ok(undefined);
}
