/**
 * Mirroring the store's rule packs into a role's data folder: the packs land where the node's
 * rule loader reads them, a pack removed from the store goes, a pack installed only locally stays,
 * tuning follows the store, and what cannot be written safely is skipped with a reason.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RulesSnapshot } from '@intersoc/storage/postgres';
import { mirroredRevision, mirrorRules } from './rules-mirror.js';
import { loadNodeRuleSets, rulesHome } from './rules.js';

const rule = (id: string, needle: string): string =>
  [
    `title: Canary ${needle}`,
    `id: ${id}`,
    'logsource: {category: process_creation, product: windows}',
    `detection: {sel: {CommandLine|contains: ${needle}}, condition: sel}`,
    'level: high',
    '',
  ].join('\n');
const A = '0b6f5b8e-1d0a-4c55-9a39-5d1c7a000001';
const B = '0b6f5b8e-1d0a-4c55-9a39-5d1c7a000002';

const dirs: string[] = [];
function data(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'rules-mirror-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const snap = (rev: number, packs: RulesSnapshot['packs'], tuning: RulesSnapshot['tuning'] = []): RulesSnapshot => ({
  rev,
  packs,
  tuning,
});
const pack = (tenant: string, name: string, files: { path: string; text: string }[]) => ({
  tenant,
  name,
  files,
  documents: files.length,
  added: 1,
});

describe('mirrorRules', () => {
  it("puts the store's packs where the loader reads them, per tenant", () => {
    const d = data();
    expect(mirroredRevision(d)).toBe(-1);
    const r = mirrorRules(snap(4, [pack('acme', 'hunt', [{ path: 'proc/a.yml', text: rule(A, 'canary-a') }])]), d);
    expect(r).toEqual({ rev: 4, packs: 1, removed: 0, skipped: [] });
    expect(mirroredRevision(d)).toBe(4);
    const sets = loadNodeRuleSets(d);
    const ids = sets.tenants.get('acme')?.rules.map((x) => x.id) ?? [];
    expect(ids).toContain(A);
    expect(sets.fallback.rules.map((x) => x.id)).not.toContain(A);
  });

  it('replaces a changed pack, removes one the store dropped, and leaves local packs alone', () => {
    const d = data();
    const local = path.join(rulesHome(d, 'acme'), 'packs', 'local');
    mkdirSync(local, { recursive: true });
    writeFileSync(path.join(local, 'b.yml'), rule(B, 'canary-b'));
    mirrorRules(
      snap(1, [
        pack('acme', 'hunt', [{ path: 'a.yml', text: rule(A, 'canary-a') }]),
        pack('acme', 'old', [{ path: 'x.yml', text: rule('0b6f5b8e-1d0a-4c55-9a39-5d1c7a000003', 'x') }]),
      ]),
      d,
    );
    const r = mirrorRules(snap(2, [pack('acme', 'hunt', [{ path: 'a2.yml', text: rule(A, 'canary-a2') }])]), d);
    expect(r.removed).toBe(1);
    const packs = path.join(rulesHome(d, 'acme'), 'packs');
    expect(existsSync(path.join(packs, 'old'))).toBe(false);
    expect(existsSync(path.join(packs, 'hunt', 'a.yml'))).toBe(false);
    expect(readFileSync(path.join(packs, 'hunt', 'a2.yml'), 'utf8')).toContain('canary-a2');
    expect(existsSync(path.join(local, 'b.yml'))).toBe(true);
    const ids =
      loadNodeRuleSets(d)
        .tenants.get('acme')
        ?.rules.map((x) => x.id) ?? [];
    expect(ids).toEqual(expect.arrayContaining([A, B]));
  });

  it('writes the tuning the store holds and drops tuning the store no longer has', () => {
    const d = data();
    mirrorRules(snap(1, [], [{ tenant: 'acme', tuning: { disabled: [A] } }]), d);
    const file = path.join(rulesHome(d, 'acme'), 'tuning.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ disabled: [A] });
    mirrorRules(snap(2, []), d);
    expect(existsSync(file)).toBe(false);
  });

  it('skips, with the reason, names it cannot use as folders and tuning it cannot read', () => {
    const d = data();
    const r = mirrorRules(
      snap(
        3,
        [pack('Bad Tenant', 'hunt', [{ path: 'a.yml', text: 'x' }]), pack('acme', 'a/b', [])],
        [{ tenant: 'acme', tuning: { levels: { r: 'extreme' } } }],
      ),
      d,
    );
    expect(r.packs).toBe(0);
    expect(r.skipped).toHaveLength(3);
    expect(r.skipped[2]).toMatch(/tuning of tenant acme in the store: levels\.r/);
    expect(existsSync(path.join(d, 'rules', 'acme', 'tuning.json'))).toBe(false);
  });
});
