/**
 * @module
 * Test helpers: throw-away identities and generated STIX objects, and the store suites run on
 * SQLite and PostgreSQL: the peer registry (`peerRegistrySuite`) and the journal (`journalSuite`);
 * the federation state's suite is `store/internal/testing.ts`. Used by this package's tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppError } from '@intersoc/core';
import { cardOf, initIdentity, type NodeKeys, type PeerCard } from '../identity/identity.js';
import type { SharingTerms } from '../policy/terms.js';
import { DecisionLog, type FederationJournal } from '../store/journal-model.js';
import type { PeerRegistry } from '../store/peers.js';

/** A fresh node identity in a temporary folder (removed at once: only the keys are used). */
export function testKeys(name: string, communities: string[] = []): NodeKeys {
  const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-keys-'));
  try {
    return initIdentity(dir, { name, sector: 'energy', country: 'FR', communities });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A valid STIX indicator for an IPv4 address. */
export function testIndicator(n: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const hex = n.toString(16).padStart(12, '0');
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--00000000-0000-4000-8000-${hex}`,
    created: '2024-01-01T00:00:00.000Z',
    modified: '2024-01-01T00:00:00.000Z',
    name: `test indicator ${n}`,
    pattern: `[ipv4-addr:value = '198.51.${(n >> 8) & 255}.${n & 255}']`,
    pattern_type: 'stix',
    valid_from: '2024-01-01T00:00:00Z',
    confidence: 80,
    ...extra,
  };
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

/**
 * The peer registry suite: the same tests on every `PeerRegistry` (`store/peers.test.ts` on
 * SQLite, `store/pg-peers.test.ts` on PostgreSQL). `open` gets a clock the test moves, and returns
 * the registry plus a second handle on the same database (another process).
 */
export function peerRegistrySuite(
  name: string,
  open: (now: () => number) => Promise<{ peers: PeerRegistry; other: PeerRegistry; close(): Promise<void> }>,
): void {
  describe(`peer registry (${name})`, () => {
    const cards: PeerCard[] = [cardOf(testKeys('zulu', ['cert-eu']).identity), cardOf(testKeys('alpha').identity)];
    const [zulu, alpha] = cards as [PeerCard, PeerCard];

    it('adds peers from their cards, lists them by name, and updates a card under the same key only', async () => {
      let t = 1000;
      const h = await open(() => t);
      try {
        const z = h.peers.add(zulu, { reliability: 'B', endpoint: 'https://zulu.example/' });
        expect([z.name, z.status, z.communities, z.endpoint, z.added, z.reliability]).toEqual([
          'zulu',
          'active',
          ['cert-eu'],
          'https://zulu.example/',
          1000,
          'B',
        ]);
        h.peers.add(alpha, { reliability: 'C', communities: [] });
        expect(h.other.list().map((p) => p.name)).toEqual(['alpha', 'zulu']);
        t = 2000;
        const again = h.peers.add({ ...zulu, name: 'zulu renamed' }, { reliability: 'A' });
        expect([again.name, again.added, again.changed, again.reliability]).toEqual(['zulu renamed', 1000, 2000, 'A']);
        expect(codeOf(() => h.peers.add({ ...zulu, public_key: alpha.public_key }, { reliability: 'A' }))).toBe(
          'CONFLICT',
        );
        expect(h.other.get(zulu.node_id)?.publicKey).toBe(zulu.public_key);
        expect(h.peers.get('nobody')).toBeUndefined();
        expect(codeOf(() => h.peers.require('nobody'))).toBe('NOT_FOUND');
      } finally {
        await h.close();
      }
    });

    it('revokes at once for every handle, and never trusts a revoked key again; removal forgets', async () => {
      let t = 1000;
      const h = await open(() => t);
      try {
        h.peers.add(zulu, { reliability: 'B' });
        h.peers.add(alpha, { reliability: 'B' });
        t = 1500;
        expect(h.peers.revoke(zulu.node_id)).toMatchObject({ status: 'revoked', changed: 1500 });
        expect(h.other.active().map((p) => p.name)).toEqual(['alpha']);
        expect(codeOf(() => h.other.add(zulu, { reliability: 'A' }))).toBe('CONFLICT');
        expect(codeOf(() => h.peers.revoke('nobody'))).toBe('NOT_FOUND');
        expect(h.other.remove(alpha.node_id)).toBe(true);
        expect(h.peers.remove(alpha.node_id)).toBe(false);
        expect(h.peers.list().map((p) => p.name)).toEqual(['zulu']);
      } finally {
        await h.close();
      }
    });

    it('keeps grades, feedback counts and contacts, and the trust score moves with them', async () => {
      let t = 1000;
      const h = await open(() => t);
      try {
        h.peers.add(zulu, { reliability: 'C' });
        const before = h.peers.require(zulu.node_id).trust;
        t = 1100;
        expect(h.peers.setReliability(zulu.node_id, 'A').reliability).toBe('A');
        const graded = h.other.require(zulu.node_id).trust;
        expect(graded).toBeGreaterThan(before);
        h.peers.feedback(zulu.node_id, 'confirmation', 3);
        const fp = h.other.feedback(zulu.node_id, 'false-positive');
        expect([fp.confirmations, fp.falsePositives]).toEqual([3, 1]);
        expect(codeOf(() => h.peers.feedback('nobody', 'confirmation'))).toBe('NOT_FOUND');
        t = 1200;
        h.peers.contact(zulu.node_id, 'x'.repeat(600));
        expect(h.other.require(zulu.node_id).lastError).toHaveLength(500);
        h.peers.contact(zulu.node_id);
        const p = h.other.require(zulu.node_id);
        expect([p.lastContact, p.lastError]).toEqual([1200, undefined]);
      } finally {
        await h.close();
      }
    });
  });
}

/** What `open` returns. */
export interface JournalHandles {
  readonly journal: FederationJournal;
  readonly other: FederationJournal;
  close(): Promise<void>;
}

const ALL: SharingTerms = { distribution: 'all' };
const COMMUNITY: SharingTerms = { distribution: 'community', tlp: 'green' };
const obj = (n: number) => `indicator--00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

/**
 * The federation journal suite: the same tests on every `FederationJournal` (`store/journal.test.ts`
 * on SQLite, `store/pg-journal.test.ts` on PostgreSQL). `open` gets a clock the test moves and
 * returns the journal plus a second handle on the same database (another process): what one writes,
 * the other must see, and a nonce one accepted, the other must refuse.
 */
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
