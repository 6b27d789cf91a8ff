import { systemContext } from '@intersoc/core';
import { openDatabase } from '@intersoc/storage';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ModelDoc } from '../model/model.js';
import { SqliteModelStore } from './sqlite-models.js';

const doc = (threshold: number): ModelDoc => ({
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
  training: { dataHash: 'abc', rows: 10 },
  metrics: { validation: { accuracy: 0.9 } },
});

describe('model registry', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  function open(): SqliteModelStore {
    const dir = mkdtempSync(join(tmpdir(), 'ml-store-'));
    dirs.push(dir);
    return new SqliteModelStore(openDatabase(join(dir, 'intersoc.db')));
  }

  it('versions models per tenant, deploys one version per name, retires', () => {
    const s = open();
    const a = systemContext('a');
    const b = systemContext('b');
    expect(s.add(a, 'flows', doc(0.5)).version).toBe(1);
    expect(s.add(a, 'flows', doc(0.4)).version).toBe(2);
    expect(s.add(b, 'flows', doc(0.3)).version).toBe(1);
    expect(s.list(a).map((m) => [m.name, m.version, m.status])).toEqual([
      ['flows', 2, 'trained'],
      ['flows', 1, 'trained'],
    ]);
    expect(s.get(a, 'flows')?.threshold).toBe(0.4);
    expect(s.get(a, 'flows', 1)?.dataHash).toBe('abc');
    const r0 = s.revision();
    s.deploy(a, 'flows', 1);
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
    expect(() => s.add(a, '../x', doc(0.5))).toThrow(/model name/);
  });
});
