import { generateKeyPairSync, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Playbook } from '../cacao/types.js';
import { minimalPlaybook } from '../internal/fixtures.js';
import { canonicalJson, jwsHeader } from './jws.js';
import {
  playbookDigest,
  signPlaybook,
  verifyPlaybook,
  type PlaybookSigner,
  type TrustedKey,
} from './playbook-signature.js';

function signer(name: string): PlaybookSigner {
  const { privateKey } = generateKeyPairSync('ed25519');
  const x = createPublicKey(privateKey).export({ format: 'jwk' }).x as string;
  return { keyId: `${name}-key`, publicKey: x, name, privateKey };
}

const trust =
  (...s: PlaybookSigner[]) =>
  (kid: string): TrustedKey | undefined => {
    const f = s.find((x) => x.keyId === kid);
    return f ? { publicKey: f.publicKey, holder: f.name } : undefined;
  };

describe('playbook signatures', () => {
  it('RFC 8785: canonical JSON sorts keys by UTF-16 units and writes numbers as ECMAScript does', () => {
    // From RFC 8785 section 3.2.2/3.2.3.
    expect(canonicalJson({ numbers: [333333333.33333329, 1e30, 4.5, 2e-3, 0.000000000000000000000000001] })).toBe(
      '{"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27]}',
    );
    expect(canonicalJson({ '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '1': 'One', '\u0080': 'Control' })).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u20ac":"Euro Sign"}',
    );
  });

  it('signs with the node key and verifies with the trusted key; key order does not matter', () => {
    const a = signer('soc-a');
    const pb = signPlaybook(minimalPlaybook(), a);
    expect(pb.signatures).toHaveLength(1);
    const sig = pb.signatures?.[0];
    expect(sig?.type).toBe('jss');
    expect(sig?.related_to).toBe(pb.id);
    const h = jwsHeader(sig?.value ?? '');
    expect(h.ok && h.value).toMatchObject({ alg: 'EdDSA', kid: 'soc-a-key' });
    expect(verifyPlaybook(pb, trust(a))).toEqual({
      ok: true,
      signatures: [{ id: sig?.id, signee: 'soc-a', keyId: 'soc-a-key', valid: true, holder: 'soc-a' }],
    });
    // The same playbook with its keys in another order (as another tool may write it) still verifies.
    const shuffled = { ...Object.fromEntries(Object.entries(pb).reverse()) } as Playbook;
    expect(verifyPlaybook(shuffled, trust(a)).ok).toBe(true);
    expect(playbookDigest(shuffled)).toBe(playbookDigest(pb));
  });

  it('fails on any change, on an untrusted key, and on a signature for another version', () => {
    const a = signer('soc-a');
    const b = signer('soc-b');
    const pb = signPlaybook(minimalPlaybook(), a);
    const changed = { ...pb, name: `${pb.name}!` };
    expect(verifyPlaybook(changed, trust(a)).signatures[0]?.reason).toBe('the playbook differs from what was signed');
    expect(verifyPlaybook(pb, trust(b)).signatures[0]?.reason).toMatch(/does not trust/);
    const newer = { ...pb, modified: '2031-01-01T00:00:00.000Z' };
    expect(verifyPlaybook(newer, trust(a)).signatures[0]?.reason).toMatch(/not this version/);
    // A forger who swaps in their own key under our key id fails: the key carried is never used.
    const forged = signPlaybook(changed, { ...b, keyId: a.keyId });
    expect(verifyPlaybook(forged, trust(a)).ok).toBe(false);
    expect(verifyPlaybook(minimalPlaybook(), trust(a))).toEqual({ ok: false, signatures: [] });
  });

  it('co-signs: each node adds its signature, and re-signing replaces only its own', () => {
    const a = signer('soc-a');
    const b = signer('soc-b');
    const both = signPlaybook(signPlaybook(minimalPlaybook(), a), b);
    expect(verifyPlaybook(both, trust(a, b)).signatures.map((s) => s.valid)).toEqual([true, true]);
    expect(signPlaybook(both, a).signatures).toHaveLength(2);
    expect(verifyPlaybook(both, trust(a)).ok).toBe(false);
  });
});
