import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateStix } from '@intersoc/cti';
import { cardOf, fingerprint, initIdentity, loadIdentity, parseCard, stixIdentityOf } from './identity.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'intersoc-id-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('node identity', () => {
  it('creates an Ed25519 key whose fingerprint is the node id, and keeps the private key private', () => {
    const dir = tmp();
    const { identity } = initIdentity(dir, { name: 'CERT-FR', sector: 'government-national', country: 'FR' });
    expect(identity.nodeId).toBe(fingerprint(identity.publicKey));
    expect(identity.nodeId).toMatch(/^[0-9a-f]{32}$/);
    expect(statSync(path.join(dir, 'federation', 'node.key')).mode & 0o077).toBe(0);
    expect(loadIdentity(dir).identity).toEqual(identity);
  });

  it('keeps the key when metadata changes and makes a new one only when asked', () => {
    const dir = tmp();
    const a = initIdentity(dir, { name: 'A', sector: 'energy', country: 'DE' }).identity;
    const b = initIdentity(dir, { name: 'A2', sector: 'energy', country: 'DE', communities: ['eu-energy'] }).identity;
    expect(b.nodeId).toBe(a.nodeId);
    expect(b.communities).toEqual(['eu-energy']);
    const c = initIdentity(dir, { name: 'A2', sector: 'energy', country: 'DE' }, { newKey: true }).identity;
    expect(c.nodeId).not.toBe(a.nodeId);
  });

  it('refuses a tampered identity file and invalid metadata', () => {
    const dir = tmp();
    const { identity } = initIdentity(dir, { name: 'A', sector: 'energy', country: 'DE' });
    const other = initIdentity(tmp(), { name: 'B', sector: 'energy', country: 'DE' }).identity;
    writeFileSync(
      path.join(dir, 'federation', 'identity.json'),
      JSON.stringify({ ...identity, publicKey: other.publicKey, nodeId: other.nodeId }),
    );
    expect(() => loadIdentity(dir)).toThrow(/does not match/);
    expect(() => initIdentity(tmp(), { name: 'A', sector: 'energy', country: 'germany' })).toThrow(/country/);
    expect(() => loadIdentity(tmp())).toThrow(/node init/);
  });

  it('exchanges cards whose node id must be the key fingerprint', () => {
    const { identity } = initIdentity(tmp(), {
      name: 'Telco SOC',
      sector: 'telecommunications',
      country: 'IT',
      endpoint: 'http://127.0.0.1:9000',
    });
    const card = cardOf(identity);
    expect(parseCard(JSON.parse(JSON.stringify(card)))).toEqual(card);
    const forged = { ...card, node_id: '0'.repeat(32) };
    expect(() => parseCard(forged)).toThrow(/fingerprint/);
  });

  it('describes the node as a valid STIX identity with a stable id', () => {
    const { identity } = initIdentity(tmp(), { name: 'Bank SOC', sector: 'financial-services', country: 'NL' });
    const s = stixIdentityOf(identity);
    expect(validateStix(s).errors).toEqual([]);
    expect(stixIdentityOf(identity).id).toBe(s.id);
  });
});
