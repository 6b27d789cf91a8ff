/**
 * @module
 * The model registry suite (`modelStoreSuite`): the same tests on every `ModelStore`
 * (`registry/sqlite-models.test.ts` on SQLite, `registry/pg-models.test.ts` on PostgreSQL). Used
 * by this package's tests only.
 */
import { describe, expect, it } from 'vitest';
import { isAppError, systemContext } from '@intersoc/core';
import type { ModelDoc } from '../model/model.js';
import type { ModelStore } from '../registry/models.js';

/** A small logistic-regression model document with threshold `threshold`. */
export function testModelDoc(threshold: number, training: Record<string, unknown> = {}): ModelDoc {
  return {
    kind: 'intersoc-model',
    formatVersion: 1,
    algorithm: 'logreg',
    schema: {
      features: [{ name: 'bytes', kind: 'number' }],
      label: 'Label',
      classes: ['BENIGN', 'DoS'],
      benign: 'BENIGN',
    },
    detector: {
      type: 'logreg',
      model: { classes: 2, cols: 1, weights: [0, 1], bias: [0, 0], mean: [0], scale: [1] },
    },
    threshold,
    params: { l2: 1e-4 },
    training: { dataHash: 'abc', rows: 10, ...training },
    metrics: { validation: { accuracy: 0.9 } },
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

/** A model store under test plus a second handle on the same database (another process). */
export interface ModelStoreHandle {
  readonly store: ModelStore;
  readonly other: ModelStore;
  close(): Promise<void>;
}

/** The model registry suite; `open` gives a fresh, empty database per test. */
export function modelStoreSuite(name: string, open: () => Promise<ModelStoreHandle>): void {
  describe(`model registry (${name})`, () => {
    const a = systemContext('a');
    const b = systemContext('b');

    it('versions models per tenant, deploys one version per name, retires', async () => {
      const h = await open();
      try {
        const s = h.store;
        expect(s.add(a, 'flows', testModelDoc(0.5), 1000).version).toBe(1);
        expect(s.add(a, 'flows', testModelDoc(0.4), 2000).version).toBe(2);
        expect(s.add(b, 'flows', testModelDoc(0.3)).version).toBe(1);
        expect(s.list(a).map((m) => [m.name, m.version, m.status, m.created])).toEqual([
          ['flows', 2, 'trained', 2000],
          ['flows', 1, 'trained', 1000],
        ]);
        expect(s.get(a, 'flows')?.threshold).toBe(0.4);
        expect(s.get(a, 'flows', 1)?.dataHash).toBe('abc');
        const r0 = s.revision();
        expect(s.deploy(a, 'flows', 1, 5000)).toMatchObject({ version: 1, status: 'deployed', deployed: 5000 });
        expect(s.revision()).toBeGreaterThan(r0);
        s.deploy(a, 'flows', 2);
        expect(s.deployed(a).map((m) => m.version)).toEqual([2]);
        expect(s.get(a, 'flows', 1)?.status).toBe('trained');
        // Tenant b sees only its own model, and nothing deployed.
        expect(s.list(b).map((m) => m.threshold)).toEqual([0.3]);
        expect(s.deployed(b)).toEqual([]);
        expect(s.tenantsWithDeployed()).toEqual(['a']);
        expect(() => s.deploy(b, 'flows', 2)).toThrow(/no model flows version 2/);
        expect(s.retire(a, 'flows')).toBe(2);
        expect(s.deployed(a)).toEqual([]);
        expect(s.list(a).every((m) => m.status === 'retired')).toBe(true);
        expect(() => s.add(a, '../x', testModelDoc(0.5))).toThrow(/model name/);
        expect(s.list(b).map((m) => m.status)).toEqual(['trained']);
      } finally {
        await h.close();
      }
    });

    it('deploys the newest version by default, retires one version, and refuses unknown models', async () => {
      const h = await open();
      try {
        const s = h.store;
        s.add(a, 'm', testModelDoc(0.5));
        s.add(a, 'm', testModelDoc(0.6));
        expect(s.deploy(a, 'm').version).toBe(2);
        expect(s.require(a, 'm', 2).status).toBe('deployed');
        const r = s.revision();
        expect(s.retire(a, 'm', 2)).toBe(1);
        expect(s.retire(a, 'm', 2)).toBe(0);
        expect(s.revision()).toBeGreaterThan(r);
        expect(s.deployed(a)).toEqual([]);
        expect(s.tenantsWithDeployed()).toEqual([]);
        expect(s.get(a, 'm', 3)).toBeUndefined();
        expect(s.get(b, 'm')).toBeUndefined();
        expect(codeOf(() => s.require(a, 'm', 3))).toBe('NOT_FOUND');
        expect(codeOf(() => s.deploy(a, 'none'))).toBe('NOT_FOUND');
        expect(codeOf(() => s.retire(a, 'none'))).toBe('NOT_FOUND');
        expect(codeOf(() => s.retire(a, 'm', 9))).toBe('NOT_FOUND');
        // Another tenant's model of the same name is not reachable.
        expect(codeOf(() => s.deploy(b, 'm', 1))).toBe('NOT_FOUND');
        expect(codeOf(() => s.retire(b, 'm'))).toBe('NOT_FOUND');
        expect(codeOf(() => s.add(a, '', testModelDoc(0.5)))).toBe('VALIDATION');
      } finally {
        await h.close();
      }
    });

    it('lists by name byte-wise, newest version first, and tenants with deployments in order', async () => {
      const h = await open();
      try {
        const s = h.store;
        for (const n of ['b', 'B', 'a', '0x', 'a']) s.add(a, n, testModelDoc(0.5));
        expect(s.list(a).map((m) => `${m.name}@${m.version}`)).toEqual(['0x@1', 'B@1', 'a@2', 'a@1', 'b@1']);
        for (const t of ['zulu', 'Alpha', 'alpha']) {
          s.add(systemContext(t), 'm', testModelDoc(0.5));
          s.deploy(systemContext(t), 'm');
        }
        s.deploy(a, 'b');
        s.deploy(a, 'B');
        expect(s.tenantsWithDeployed()).toEqual(['Alpha', 'a', 'alpha', 'zulu']);
        expect(s.deployed(a).map((m) => m.name)).toEqual(['B', 'b']);
      } finally {
        await h.close();
      }
    });

    it('keeps a large document and its lineage exactly', async () => {
      const h = await open();
      try {
        // ~2 MB of weights, with numbers JSON must round-trip exactly.
        const weights = Array.from({ length: 120_000 }, (_, i) => (i % 7 === 0 ? -(i + 1) / 3 : i * 1e-7));
        const base = testModelDoc(0.25, { lineage: { parent: 1, verdicts: 12, hash: 'h1' } });
        const doc: ModelDoc = {
          ...base,
          detector: {
            type: 'logreg',
            model: { classes: 2, cols: 60_000, weights, bias: [0, 0], mean: [0], scale: [1] },
          },
          params: { note: 'ünïcode \u0000 and "quotes"' },
        };
        const stored = h.store.add(a, 'big', doc);
        expect(stored.lineage).toEqual({ parent: 1, verdicts: 12, hash: 'h1' });
        expect(h.other.require(a, 'big').doc).toEqual(doc);
        expect(h.other.deploy(a, 'big').doc).toEqual(doc);
        expect(h.store.deployed(a)[0]?.doc).toEqual(doc);
        expect(h.store.list(a)[0]).toMatchObject({ lineage: { parent: 1 }, features: 1, classes: ['BENIGN', 'DoS'] });
      } finally {
        await h.close();
      }
    });

    it('shares one registry between two handles: versions continue, a deploy replaces the other’s', async () => {
      const h = await open();
      try {
        expect(h.store.add(a, 'm', testModelDoc(0.1)).version).toBe(1);
        expect(h.other.add(a, 'm', testModelDoc(0.2)).version).toBe(2);
        expect(h.store.add(a, 'm', testModelDoc(0.3)).version).toBe(3);
        h.store.deploy(a, 'm', 1);
        const r = h.store.revision();
        expect(h.other.deployed(a).map((m) => m.version)).toEqual([1]);
        h.other.deploy(a, 'm', 3);
        expect(h.store.revision()).toBeGreaterThan(r);
        expect(h.store.list(a).map((m) => [m.version, m.status])).toEqual([
          [3, 'deployed'],
          [2, 'trained'],
          [1, 'trained'],
        ]);
        expect(h.store.tenantsWithDeployed()).toEqual(['a']);
      } finally {
        await h.close();
      }
    });
  });
}
