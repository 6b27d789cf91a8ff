import { describe, expect, it } from 'vitest';
import { CASE_STATUSES, type CaseStatus, type Resolution } from './types.js';
import { checkTransition, TRANSITIONS } from './workflow.js';

const ALLOWED: readonly [CaseStatus, CaseStatus][] = [
  ['new', 'in-progress'],
  ['new', 'closed'],
  ['in-progress', 'contained'],
  ['in-progress', 'resolved'],
  ['in-progress', 'closed'],
  ['contained', 'in-progress'],
  ['contained', 'resolved'],
  ['resolved', 'closed'],
  ['resolved', 'in-progress'],
  ['closed', 'in-progress'],
];

describe('case workflow', () => {
  it('allows exactly the listed transitions', () => {
    for (const from of CASE_STATUSES) {
      for (const to of CASE_STATUSES) {
        const listed = ALLOWED.some(([a, b]) => a === from && b === to);
        expect(TRANSITIONS[from].includes(to)).toBe(listed);
        // With a resolution that always suits, a listed transition passes and an unlisted one fails.
        const resolution: Resolution | undefined =
          to === 'resolved' || to === 'closed'
            ? to === 'closed' && from !== 'resolved'
              ? 'false-positive'
              : 'true-positive'
            : undefined;
        const r = checkTransition({ status: from }, { status: to, ...(resolution ? { resolution } : {}) });
        expect(r.ok, `${from} -> ${to}`).toBe(listed);
      }
    }
  });

  it('needs a resolution to resolve or close', () => {
    expect(checkTransition({ status: 'in-progress' }, { status: 'resolved' }).ok).toBe(false);
    expect(checkTransition({ status: 'new' }, { status: 'closed' }).ok).toBe(false);
    // Closing a resolved case keeps its resolution.
    expect(checkTransition({ status: 'resolved', resolution: 'true-positive' }, { status: 'closed' }).ok).toBe(true);
  });

  it('resolves a true positive before closing it', () => {
    const r = checkTransition({ status: 'in-progress' }, { status: 'closed', resolution: 'true-positive' });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/resolved before/);
    expect(checkTransition({ status: 'new' }, { status: 'closed', resolution: 'benign' }).ok).toBe(true);
  });

  it('needs the original of a duplicate, and no resolution while working', () => {
    expect(checkTransition({ status: 'new' }, { status: 'closed', resolution: 'duplicate' }).ok).toBe(false);
    expect(
      checkTransition({ status: 'new' }, { status: 'closed', resolution: 'duplicate', duplicateOf: 'c1' }).ok,
    ).toBe(true);
    expect(checkTransition({ status: 'new' }, { status: 'in-progress', resolution: 'benign' }).ok).toBe(false);
  });
});
