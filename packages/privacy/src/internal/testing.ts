/**
 * @module
 * The privacy store suite (`privacyStoreSuite`): the same tests on every `PrivacyStore`
 * (`view/store.test.ts` on SQLite, `view/pg-store.test.ts` on PostgreSQL). Used by this package's
 * tests only.
 */
import { describe, expect, it } from 'vitest';
import { isAppError } from '@intersoc/core';
import type { PrivacyStore } from '../view/privacy-store.js';
import type { PseudonymEntry } from '../view/pseudonyms.js';

/** A store, a second handle on the same database (another process), and how to drop both. */
export interface PrivacyStoreHandles {
  readonly store: PrivacyStore;
  readonly other: PrivacyStore;
  close(): Promise<void>;
}

/** The error code `f` throws: an AppError's code, 'thrown' for another error, or undefined. */
function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (err) {
    return isAppError(err) ? err.code : 'thrown';
  }
  return undefined;
}

const kschmidt: PseudonymEntry = { pseudonym: 'user-00000001', kind: 'user', value: 'kschmidt' };
const wks: PseudonymEntry = { pseudonym: 'host-00000002', kind: 'host', value: 'WKS-04' };
const ip: PseudonymEntry = { pseudonym: 'ip-00000003', kind: 'ip', value: '10.10.20.232' };

/** The privacy store suite on the store `open` returns (a fresh database each time, clock moved by the test). */
export function privacyStoreSuite(name: string, open: (now: () => number) => Promise<PrivacyStoreHandles>): void {
  describe(`privacy store (${name})`, () => {
    it('remembers the first showing of a pseudonym per tenant, resolves it there only, and forgets erased values', async () => {
      const h = await open(() => 1000);
      try {
        h.store.remember('acme', [kschmidt, wks]);
        h.store.remember('acme', []);
        h.other.remember('acme', [{ ...kschmidt, value: 'someone else' }, ip]);
        h.other.remember('globex', [{ ...wks, value: 'GLX-01' }]);
        expect(h.other.resolve('acme', kschmidt.pseudonym)).toEqual({ kind: 'user', value: 'kschmidt' });
        expect(h.store.resolve('globex', wks.pseudonym)).toEqual({ kind: 'host', value: 'GLX-01' });
        expect(h.store.resolve('globex', kschmidt.pseudonym)).toBeUndefined();
        expect(h.other.shown('acme')).toEqual([wks, ip, kschmidt]);
        expect(h.store.shown('globex')).toEqual([{ ...wks, value: 'GLX-01' }]);
        expect(h.store.forget('acme', (v) => v.toLowerCase().includes('wks') || v === 'kschmidt')).toBe(2);
        expect(h.other.resolve('acme', wks.pseudonym)).toBeUndefined();
        expect(h.other.resolve('acme', ip.pseudonym)?.value).toBe('10.10.20.232');
        expect(h.other.resolve('globex', wks.pseudonym)?.value).toBe('GLX-01');
        expect(h.store.forget('acme', () => false)).toBe(0);
      } finally {
        await h.close();
      }
    });

    it('records re-identification requests of shown pseudonyms only, approved at once or pending for four eyes', async () => {
      let t = 1000;
      const h = await open(() => t);
      try {
        h.store.remember('acme', [kschmidt]);
        h.store.remember('globex', [wks]);
        const o = { caseId: 'case-1', reason: 'phishing case', user: 'ann' };
        expect(codeOf(() => h.store.request('acme', { ...o, pseudonym: 'user-ffffffff', fourEyes: false }))).toBe(
          'NOT_FOUND',
        );
        expect(codeOf(() => h.store.request('acme', { ...o, pseudonym: wks.pseudonym, fourEyes: false }))).toBe(
          'NOT_FOUND',
        );
        const now = h.store.request('acme', { ...o, pseudonym: kschmidt.pseudonym, fourEyes: false });
        expect(now).toMatchObject({ tenant: 'acme', caseId: 'case-1', requestedBy: 'ann', requested: 1000 });
        expect([now.status, now.decidedBy, now.decided]).toEqual(['approved', undefined, undefined]);
        t = 2000;
        const later = h.other.request('acme', { ...o, pseudonym: kschmidt.pseudonym, fourEyes: true });
        expect(later.status).toBe('pending');
        expect(h.store.require('acme', later.id)).toEqual(later);
        expect(codeOf(() => h.store.require('globex', later.id))).toBe('NOT_FOUND');
        expect(codeOf(() => h.store.require('acme', 'nope'))).toBe('NOT_FOUND');
        expect(h.store.list('acme').map((r) => r.id)).toEqual([later.id, now.id]);
        expect(h.other.list('acme', 1).map((r) => r.id)).toEqual([later.id]);
        expect(h.other.list('globex')).toEqual([]);
      } finally {
        await h.close();
      }
    });

    it('lets a second person decide a pending request once, in its tenant only', async () => {
      let t = 1000;
      const h = await open(() => t);
      try {
        h.store.remember('acme', [kschmidt]);
        const o = { pseudonym: kschmidt.pseudonym, caseId: 'case-1', reason: 'phishing case', fourEyes: true };
        const q = h.store.request('acme', { ...o, user: 'ann' });
        const d = h.store.request('acme', { ...o, user: 'ann' });
        t = 1500;
        expect(codeOf(() => h.other.decide('acme', q.id, 'ann', true))).toBe('FORBIDDEN');
        expect(codeOf(() => h.other.decide('globex', q.id, 'dpo', true))).toBe('NOT_FOUND');
        expect(codeOf(() => h.other.decide('acme', 'nope', 'dpo', true))).toBe('NOT_FOUND');
        expect(h.store.require('acme', q.id).status).toBe('pending');
        const ok = h.other.decide('acme', q.id, 'dpo', true);
        expect([ok.status, ok.decidedBy, ok.decided]).toEqual(['approved', 'dpo', 1500]);
        expect(h.store.require('acme', q.id)).toEqual(ok);
        expect(codeOf(() => h.store.decide('acme', q.id, 'boss', false))).toBe('CONFLICT');
        expect(codeOf(() => h.store.decide('acme', q.id, 'ann', false))).toBe('CONFLICT');
        expect(h.store.decide('acme', d.id, 'boss', false)).toMatchObject({ status: 'denied', decidedBy: 'boss' });
      } finally {
        await h.close();
      }
    });

    it('keeps restrictions per tenant, oldest first then by subject, replaced when restricted again, and lifts them', async () => {
      let t = 1000;
      const h = await open(() => t);
      try {
        const r = { tenant: 'acme', reason: 'contested accuracy', createdBy: 'dpo' };
        expect(h.store.restrict({ ...r, subject: 'user:b' })).toEqual({ ...r, subject: 'user:b', created: 1000 });
        h.store.restrict({ ...r, subject: 'user:a' });
        h.other.restrict({ ...r, subject: 'user:B' });
        h.other.restrict({ ...r, tenant: 'globex', subject: 'user:a' });
        t = 2000;
        h.store.restrict({ ...r, subject: 'host:z' });
        expect(h.other.restrictions('acme').map((x) => x.subject)).toEqual(['user:B', 'user:a', 'user:b', 'host:z']);
        t = 3000;
        h.other.restrict({ ...r, subject: 'user:a', reason: 'objection', createdBy: 'dpo2' });
        expect(h.store.restrictions('acme').at(-1)).toEqual({
          tenant: 'acme',
          subject: 'user:a',
          reason: 'objection',
          createdBy: 'dpo2',
          created: 3000,
        });
        expect(h.store.lift('acme', 'user:b')).toBe(true);
        expect(h.other.lift('acme', 'user:b')).toBe(false);
        expect(h.other.restrictions('acme').map((x) => x.subject)).toEqual(['user:B', 'host:z', 'user:a']);
        expect(h.store.restrictions('globex').map((x) => [x.subject, x.created])).toEqual([['user:a', 1000]]);
      } finally {
        await h.close();
      }
    });
  });
}
