/**
 * @module
 * The federation journal suite: the same tests on every `FederationJournal` (`journal.test.ts` on
 * SQLite, `pg-journal.test.ts` on PostgreSQL). `open` gets a clock the test moves and returns the
 * journal plus a second handle on the same database (another process): what one writes, the other
 * must see, and a nonce one accepted, the other must refuse.
 */
import { describe, expect, it } from 'vitest';
import { isAppError } from '@intersoc/core';
import type { SharingTerms } from '../policy/terms.js';
import { DecisionLog, type FederationJournal } from './journal-model.js';

/** What `open` returns. */
export interface JournalHandles {
  readonly journal: FederationJournal;
  readonly other: FederationJournal;
  close(): Promise<void>;
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (err) {
    return isAppError(err) ? err.code : 'not an AppError';
  }
  return undefined;
}

const ALL: SharingTerms = { distribution: 'all' };
const COMMUNITY: SharingTerms = { distribution: 'community', tlp: 'green' };
const obj = (n: number) => `indicator--00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

export function journalSuite(name: string, open: (now: () => number) => Promise<JournalHandles>): void {
  describe(`federation journal (${name})`, () => {
    it('keeps community keys (lower-cased, generated when omitted, validated) and lists names byte-wise', async () => {
      let t = 1000;
      const h = await open(() => t);
      try {
        expect(h.journal.setCommunityKey('energy', 'AB'.repeat(16))).toBe('ab'.repeat(16));
        const generated = h.journal.setCommunityKey('Zeta');
        expect(generated).toMatch(/^[0-9a-f]{64}$/);
        expect(codeOf(() => h.journal.setCommunityKey('bad', 'xyz'))).toBe('VALIDATION');
        expect(h.other.communityKey('energy')?.toString('hex')).toBe('ab'.repeat(16));
        expect(h.other.communityKey('bad')).toBeUndefined();
        expect(h.other.communities()).toEqual(['Zeta', 'energy']);
        t = 2000;
        h.other.setCommunityKey('energy', 'cd'.repeat(20));
        expect(h.journal.communityKey('energy')?.toString('hex')).toBe('cd'.repeat(20));
      } finally {
        await h.close();
      }
    });

    it('keeps sharing groups (each member once), replaces and removes them', async () => {
      const h = await open(() => 1000);
      try {
        h.journal.setGroup({ name: 'ops', members: ['n2', 'n1', 'n2'] });
        h.journal.setGroup({ name: 'Alpha', members: [] });
        expect(h.other.group('ops')).toEqual({ name: 'ops', members: ['n2', 'n1'] });
        expect(h.other.group('nobody')).toBeUndefined();
        h.other.setGroup({ name: 'ops', members: ['n3'] });
        expect(h.journal.groups()).toEqual([
          { name: 'Alpha', members: [] },
          { name: 'ops', members: ['n3'] },
        ]);
        expect(h.journal.removeGroup('ops')).toBe(true);
        expect(h.other.removeGroup('ops')).toBe(false);
        expect(h.other.groups().map((g) => g.name)).toEqual(['Alpha']);
      } finally {
        await h.close();
      }
    });

    it('keeps the ledger per tenant: automatic runs replay in time order, explicit sends count as shared only', async () => {
      let t = 1000;
      const h = await open(() => t);
      try {
        h.journal.ledgerAdd('run-1', ALL, false, [
          { tenant: 'acme', id: obj(1), version: 'v1' },
          { tenant: 'acme', id: obj(2), version: 'v1' },
        ]);
        t = 2000;
        h.other.ledgerAdd('run-2', ALL, true, [{ tenant: 'acme', id: obj(3), version: 'v1' }]);
        t = 3000;
        // obj(1)@v1 is shared again, now under run-3's terms; obj(1)@v2 is new.
        h.journal.ledgerAdd('run-3', COMMUNITY, false, [
          { tenant: 'acme', id: obj(1), version: 'v1' },
          { tenant: 'acme', id: obj(1), version: 'v2' },
          { tenant: 'beta', id: obj(4), version: 'v1' },
        ]);
        const ledger = h.other.ledger('acme');
        const rows = ledger.map((e) => [e.id, e.version, e.terms.distribution, e.explicit].join(' '));
        // Oldest run first; the order inside one run is the store's.
        expect(rows[0]).toBe(`${obj(2)} v1 all false`);
        expect(rows.slice(1).sort()).toEqual([`${obj(1)} v1 community false`, `${obj(1)} v2 community false`]);
        expect(ledger[1]?.terms).toEqual(COMMUNITY);
        expect(h.other.ledger('beta').map((e) => e.id)).toEqual([obj(4)]);
        expect(h.other.ledger('nobody')).toEqual([]);
        expect(h.other.isShared('acme', obj(3))).toBe(true);
        expect(h.other.isShared('beta', obj(3))).toBe(false);
        expect(h.other.isShared('acme', obj(9))).toBe(false);
        // The same run again adds objects, keeping the run's first terms.
        h.journal.ledgerAdd('run-1', COMMUNITY, false, [{ tenant: 'acme', id: obj(5), version: 'v1' }]);
        expect(h.other.ledger('acme').find((e) => e.id === obj(5))?.terms).toEqual(ALL);
      } finally {
        await h.close();
      }
    });

    it('journals decisions grouped per run and lists them newest first, one per object, by peer or object', async () => {
      let t = 1000;
      const h = await open(() => t);
      try {
        const log = new DecisionLog('acme');
        const allow = { allow: true, reason: 'ok', tlp: 'clear', distribution: 'all' };
        const deny = { allow: false, reason: 'tlp:red', tlp: 'red', distribution: 'all' };
        log.add('peer-a', allow, 0, `${obj(1)}@v1`);
        log.add('peer-a', allow, 0, `${obj(2)}@v1`);
        log.add('peer-b', deny, 0, `${obj(1)}@v1`);
        expect([log.total, log.denied, log.groups().length]).toEqual([3, 1, 2]);
        h.journal.recordDecisionGroups('run-1', log.groups());
        t = 2000;
        const later = new DecisionLog('acme');
        later.add('peer-a', deny, 1, `${obj(3)}@v2`);
        h.other.recordDecisionGroups('run-2', later.groups());
        h.other.recordDecisionGroups('run-3', []);

        const all = h.journal.decisions();
        expect(all.map((d) => [d.run, d.peer, d.objectId, d.version, d.allowed])).toEqual([
          ['run-2', 'peer-a', obj(3), 'v2', false],
          ['run-1', 'peer-b', obj(1), 'v1', false],
          ['run-1', 'peer-a', obj(1), 'v1', true],
          ['run-1', 'peer-a', obj(2), 'v1', true],
        ]);
        expect(all[0]).toEqual({
          time: 2000,
          run: 'run-2',
          tenant: 'acme',
          objectId: obj(3),
          version: 'v2',
          peer: 'peer-a',
          allowed: false,
          reason: 'tlp:red',
          tlp: 'red',
          distribution: 'all',
          hops: 1,
        });
        expect(h.other.decisions({ peer: 'peer-b' }).map((d) => d.objectId)).toEqual([obj(1)]);
        expect(h.other.decisions({ objectId: obj(1) }).map((d) => d.peer)).toEqual(['peer-b', 'peer-a']);
        // Matching is case-blind in SQL (SQLite's LIKE) but exact in the result.
        expect(h.other.decisions({ objectId: obj(1).toUpperCase() })).toEqual([]);
        expect(h.other.decisions({ objectId: 'indicator--%' })).toEqual([]);
        expect(h.other.decisions({ peer: 'peer-a', objectId: obj(2) }).map((d) => d.run)).toEqual(['run-1']);
        expect(h.other.decisions({ limit: 2 })).toHaveLength(2);
      } finally {
        await h.close();
      }
    });

    it('keeps sync cursors per peer and kind', async () => {
      const h = await open(() => 1000);
      try {
        expect(h.journal.cursor('peer-a', 'push')).toBeUndefined();
        h.journal.setCursor('peer-a', 'push', '100');
        h.journal.setCursor('peer-a', 'pull', '2024-01-01T00:00:00Z');
        h.other.setCursor('peer-a', 'push', '200');
        expect(h.journal.cursor('peer-a', 'push')).toBe('200');
        expect(h.other.cursor('peer-a', 'pull')).toBe('2024-01-01T00:00:00Z');
        expect(h.other.cursor('peer-b', 'push')).toBeUndefined();
      } finally {
        await h.close();
      }
    });

    it('accepts a nonce once across processes, per peer, and forgets it only once it expired', async () => {
      let t = 1000;
      const h = await open(() => t);
      try {
        expect(h.journal.useNonce('peer-a', 'n1', 5000)).toBe(true);
        // Another process sharing the store refuses the replay.
        expect(h.other.useNonce('peer-a', 'n1', 5000)).toBe(false);
        expect(h.journal.useNonce('peer-a', 'n1', 9000)).toBe(false);
        expect(h.other.useNonce('peer-b', 'n1', 5000)).toBe(true);
        expect(h.other.useNonce('peer-a', 'n2', 2000)).toBe(true);
        expect(h.journal.pruneNonces()).toBe(0);
        t = 4000;
        expect(h.other.pruneNonces()).toBe(1);
        expect(h.journal.useNonce('peer-a', 'n2', 8000)).toBe(true);
        expect(h.other.useNonce('peer-a', 'n1', 8000)).toBe(false);
        t = 5000;
        // `expires` is the last valid instant: pruned only after it.
        expect(h.journal.pruneNonces()).toBe(0);
        t = 5001;
        expect(h.journal.pruneNonces()).toBe(2);
        expect(h.other.useNonce('peer-a', 'n1', 9000)).toBe(true);
      } finally {
        await h.close();
      }
    });

    it('lists rejections and exchanges newest first, bounding what peers sent', async () => {
      let t = 1000;
      const h = await open(() => t);
      try {
        h.journal.reject('peer-a', 'x'.repeat(300), 'signature', 'r'.repeat(700));
        t = 2000;
        h.other.reject('peer-b', obj(1), 'policy', 'too red');
        const [newest, oldest] = h.journal.rejections();
        expect(newest).toEqual({ time: 2000, peer: 'peer-b', objectId: obj(1), code: 'policy', reason: 'too red' });
        expect([oldest?.objectId.length, oldest?.reason.length, oldest?.code]).toEqual([200, 500, 'signature']);
        expect(h.other.rejections(1)).toHaveLength(1);

        h.journal.exchange({ peer: 'peer-a', direction: 'sent', mode: 'push', objects: 3, rejected: 0 });
        t = 3000;
        h.other.exchange({ peer: 'peer-b', direction: 'received', mode: 'pull', objects: 5, rejected: 1 });
        const ex = h.journal.exchanges();
        expect(ex.map((e) => [e.time, e.peer, e.direction, e.mode, e.objects, e.rejected])).toEqual([
          [3000, 'peer-b', 'received', 'pull', 5, 1],
          [2000, 'peer-a', 'sent', 'push', 3, 0],
        ]);
        expect(h.other.exchanges(1).map((e) => e.peer)).toEqual(['peer-b']);
      } finally {
        await h.close();
      }
    });
  });
}
