/**
 * @module
 * The incident label suite: the same tests on every `IncidentLabelStore`
 * (`categorise/labels.test.ts` on SQLite, `categorise/pg-labels.test.ts` on PostgreSQL). `open`
 * gets a clock the test moves and returns the store plus a second one on the same database
 * (another process, another connection).
 */
import { describe, expect, it } from 'vitest';
import { isAppError, type AuthContext } from '@intersoc/core';
import type { Incident } from '@intersoc/correlate';
import type { IncidentLabelStore } from '../categorise/labels.js';

/** What a suite test opens. */
export interface IncidentLabelsHandle {
  readonly labels: IncidentLabelStore;
  readonly other: IncidentLabelStore;
  close(): Promise<void>;
}

const ann: AuthContext = { tenant: 'acme', user: 'ann', roles: ['analyst'], via: 'token' };
const bob: AuthContext = { tenant: 'acme', user: 'bob', roles: ['admin'], via: 'token' };
const gus: AuthContext = { tenant: 'globex', user: 'gus', roles: ['analyst'], via: 'token' };
const viewer: AuthContext = { tenant: 'acme', user: 'vera', roles: ['viewer'], via: 'token' };

/**
 * An incident with what the classifier reads of it. Only those fields and the id and tenant are
 * set: the stores read nothing else (hence the cast).
 */
export function testIncident(id: string, tenant = 'acme', users: readonly string[] = ['alice']): Incident {
  return {
    id,
    tenant,
    tactics: ['execution', 'credential-access'],
    techniques: ['T1059.001', 'T1003.001'],
    rules: [{ title: 'Mimikatz', kind: 'sigma', count: 3 }],
    maxAlertSeverity: 'high',
    users,
    sources: ['windows'],
    alertCount: 4,
  } as unknown as Incident;
}

/** The error code `f` throws, or undefined. */
function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (err) {
    return isAppError(err) ? err.code : 'not an AppError';
  }
  return undefined;
}

export function incidentLabelsSuite(name: string, open: (now: () => number) => Promise<IncidentLabelsHandle>): void {
  describe(`incident labels (${name})`, () => {
    it('records corrections per tenant, oldest first then by id byte-wise, the latest one per incident', async () => {
      let t = 1000;
      const h = await open(() => t);
      try {
        expect(h.labels.correct(ann, testIncident('inc-b'), 'malicious-code/infected-system', 'execution')).toEqual({
          incident: 'inc-b',
          category: 'malicious-code/infected-system',
          tactic: 'execution',
          by: 'ann',
          at: 1000,
        });
        h.other.correct(bob, testIncident('inc-a', 'acme', ['ACME\\adm-joe']), 'malicious-code/c2-server');
        h.other.correct(bob, testIncident('Inc-z'), 'abusive-content/spam');
        t = 500;
        h.labels.correct(gus, testIncident('inc-g', 'globex'), 'abusive-content/spam', 'none');
        t = 2000;
        h.other.correct(bob, testIncident('inc-c'), 'abusive-content/spam');
        const got = h.labels.labelled(ann);
        expect(got.map((l) => [l.group, l.category, l.tactic])).toEqual([
          ['corrections:acme:Inc-z', 'abusive-content/spam', 'none'],
          ['corrections:acme:inc-a', 'malicious-code/c2-server', 'none'],
          ['corrections:acme:inc-b', 'malicious-code/infected-system', 'execution'],
          ['corrections:acme:inc-c', 'abusive-content/spam', 'none'],
        ]);
        expect(got[1]?.input).toEqual({
          tactics: ['execution', 'credential-access'],
          techniques: ['T1059.001', 'T1003.001'],
          rules: [{ title: 'Mimikatz', kind: 'sigma', count: 3 }],
          maxSeverity: 'high',
          users: ['ACME\\adm-joe'],
          privileged: true,
          sources: ['windows'],
          alertCount: 4,
        });
        expect(got[2]?.input.privileged).toBe(false);
        expect(h.other.labelled(gus).map((l) => l.group)).toEqual(['corrections:globex:inc-g']);

        // A second correction of an incident replaces the first, and moves it to its new time.
        t = 3000;
        h.other.correct(ann, testIncident('inc-a'), 'malicious-code/infected-system', 'credential-access');
        expect(h.labels.labelled(bob).map((l) => [l.group, l.category, l.tactic, l.input.privileged])).toEqual([
          ['corrections:acme:Inc-z', 'abusive-content/spam', 'none', false],
          ['corrections:acme:inc-b', 'malicious-code/infected-system', 'execution', false],
          ['corrections:acme:inc-c', 'abusive-content/spam', 'none', false],
          ['corrections:acme:inc-a', 'malicious-code/infected-system', 'credential-access', false],
        ]);
      } finally {
        await h.close();
      }
    });

    it('refuses viewers, other tenants’ incidents, unknown categories and tactics, and stores nothing then', async () => {
      const h = await open(() => 1000);
      try {
        const inc = testIncident('inc-1');
        expect(codeOf(() => h.labels.correct(viewer, inc, 'abusive-content/spam'))).toBe('FORBIDDEN');
        expect(codeOf(() => h.labels.correct(gus, inc, 'abusive-content/spam'))).toBe('NOT_FOUND');
        expect(codeOf(() => h.labels.correct(ann, inc, 'abusive-content/nope'))).toBe('VALIDATION');
        expect(codeOf(() => h.labels.correct(ann, inc, 'abusive-content'))).toBe('VALIDATION');
        expect(codeOf(() => h.labels.correct(ann, inc, 'abusive-content/spam', 'lateral'))).toBe('VALIDATION');
        expect(h.other.labelled(ann)).toEqual([]);
        expect(h.other.labelled(gus)).toEqual([]);
      } finally {
        await h.close();
      }
    });
  });
}
