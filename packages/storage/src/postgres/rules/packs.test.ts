/**
 * Shared rule packs on a real PostgreSQL server, in a database of its own: packs and tuning
 * stored and read back, the revision moving with every change and only then, names that clash,
 * paths that would leave the pack, and a snapshot that reads one revision. Skips, and says so,
 * only when PostgreSQL is unreachable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratePg, PgRulePacks } from '../index.js';
import { createScratchDb, type ScratchDb } from '../scratch.js';

const db = await createScratchDb('intersoc_rules');
if ('unavailable' in db) console.warn(`rule pack store tests skipped: ${db.unavailable}`);
const live = 'url' in db ? (db as ScratchDb) : undefined;

const RULE = 'title: t\nlogsource: {product: windows}\ndetection: {sel: {a: b}, condition: sel}\n';

describe.skipIf(live === undefined)('PgRulePacks', () => {
  let store: PgRulePacks;
  beforeAll(async () => {
    await migratePg(live?.url ?? '');
    store = PgRulePacks.open(live?.url ?? '');
  });
  afterAll(async () => {
    await store?.close();
    await live?.drop();
  });

  it('stores a pack per tenant and bumps the revision once per change', async () => {
    expect(await store.revision()).toBe(0);
    const r1 = await store.add('acme', 'hunt', [{ path: 'proc/one.yml', text: RULE }], 1);
    expect(r1).toBe(1);
    expect(await store.revision()).toBe(1);
    await store.add('globex', 'hunt', [{ path: 'x.yml', text: RULE }], 1);
    expect(await store.list('acme')).toEqual([{ name: 'hunt', documents: 1, files: 1, added: expect.any(Number) }]);
    expect((await store.list('globex')).map((p) => p.name)).toEqual(['hunt']);
    expect(await store.list('initech')).toEqual([]);
    expect(await store.revision()).toBe(2);
  });

  it('refuses a second pack of the same name unless told to replace it; a refusal changes nothing', async () => {
    await expect(store.add('acme', 'hunt', [{ path: 'b.yml', text: RULE }], 1)).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(await store.revision()).toBe(2);
    await store.add('acme', 'hunt', [{ path: 'b.yml', text: RULE }], 1, { replace: true });
    const snap = await store.snapshot();
    expect(snap.rev).toBe(3);
    expect(snap.packs.find((p) => p.tenant === 'acme')?.files).toEqual([{ path: 'b.yml', text: RULE }]);
  });

  it('refuses file paths that would leave the pack', async () => {
    for (const bad of ['../x.yml', '/etc/x.yml', 'a//b.yml', 'a/./b.yml', 'a\\b.yml', ''])
      await expect(store.add('acme', `bad${bad.length}`, [{ path: bad, text: RULE }], 1)).rejects.toMatchObject({
        code: 'VALIDATION',
      });
    expect(await store.revision()).toBe(3);
  });

  it('keeps tuning per tenant and removes packs', async () => {
    expect(await store.tuning('acme')).toEqual({});
    await store.setTuning('acme', { disabled: ['r1'], levels: { r2: 'low' } });
    expect(await store.tuning('acme')).toEqual({ disabled: ['r1'], levels: { r2: 'low' } });
    expect(await store.tuning('globex')).toEqual({});
    expect(await store.remove('acme', 'hunt')).toBe(true);
    expect(await store.remove('acme', 'hunt')).toBe(false);
    const snap = await store.snapshot();
    expect(snap.rev).toBe(5);
    expect(snap.packs.map((p) => `${p.tenant}/${p.name}`)).toEqual(['globex/hunt']);
    expect(snap.tuning).toEqual([{ tenant: 'acme', tuning: { disabled: ['r1'], levels: { r2: 'low' } } }]);
  });
});
