/**
 * @module
 * Test helpers: throw-away identities and generated STIX objects, and the peer registry suite
 * (`peerRegistrySuite`, run on SQLite and PostgreSQL). Used by this package's tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppError } from '@intersoc/core';
import { cardOf, initIdentity, type NodeKeys, type PeerCard } from '../identity/identity.js';
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
