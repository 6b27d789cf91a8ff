/**
 * @module
 * Signing and verifying playbooks with the node identity. A CACAO signature (type `jss`, section
 * 10.15) goes into the playbook's `signatures` list; its `value` is a detached JWS (EdDSA) over
 * the RFC 8785 canonical JSON of the playbook *without* its `signatures` (adding a signature is
 * not a new version, so co-signers sign the same bytes). The signer is the node key of
 * `@intersoc/federation`: its key id is the node id, so a peer verifies with the key it already
 * holds for that node from the peer card exchange, never with the key the playbook carries.
 */
import { createHash, randomUUID, type KeyObject } from 'node:crypto';
import type { CacaoSignature, Playbook } from '../cacao/types.js';
import { canonicalJson, ed25519PublicKey, jwsHeader, signDetached, verifyDetached } from './jws.js';

/** The node key that signs. */
export interface PlaybookSigner {
  /** Node id (key fingerprint). */
  readonly keyId: string;
  /** Raw Ed25519 public key, base64url. */
  readonly publicKey: string;
  /** Who signs, as people read it (the node's organisation name). */
  readonly name: string;
  /** STIX/CACAO identity id of the signer, for `created_by`. */
  readonly identity?: string;
  readonly privateKey: KeyObject;
}

/** A key the verifier trusts: the node's own, or a peer's from its card. */
export interface TrustedKey {
  /** Raw Ed25519 public key, base64url. */
  readonly publicKey: string;
  /** Who holds it (`this node`, the peer's name). */
  readonly holder: string;
}

/** The verdict on one signature. */
export interface SignatureCheck {
  readonly id: string;
  readonly signee: string;
  readonly keyId?: string;
  /** The bytes verify against a key the node trusts for that key id. */
  readonly valid: boolean;
  /** Whose trusted key verified it. */
  readonly holder?: string;
  readonly reason?: string;
}

/** The verdict on a playbook's signatures. */
export interface PlaybookVerification {
  /** At least one signature, and every signature valid under a trusted key. */
  readonly ok: boolean;
  readonly signatures: readonly SignatureCheck[];
}

const JWS_TYPE = 'cacao+jws';

/** What a signature covers: the canonical JSON of the playbook without its signatures. */
export function signedContent(playbook: Playbook): string {
  const { signatures: _signatures, ...rest } = playbook;
  return canonicalJson(rest);
}

/** Digest of a playbook version (canonical, signatures excluded): stable across key order and signers. */
export function playbookDigest(playbook: Playbook): string {
  return createHash('sha256').update(signedContent(playbook)).digest('hex');
}

/** Returns the playbook with one more signature by `signer` (earlier signatures stay valid). */
export function signPlaybook(playbook: Playbook, signer: PlaybookSigner, now = new Date()): Playbook {
  const jws = signDetached(
    signedContent(playbook),
    { alg: 'EdDSA', kid: signer.keyId, typ: JWS_TYPE },
    signer.privateKey,
  );
  const time = now.toISOString();
  const signature: CacaoSignature = {
    type: 'jss',
    id: `signature--${randomUUID()}`,
    ...(signer.identity ? { created_by: signer.identity } : {}),
    created: time,
    modified: time,
    signee: signer.name,
    related_to: playbook.id,
    related_version: playbook.modified,
    hash_algorithm: 'sha-512',
    algorithm: 'Ed25519',
    public_key: signer.publicKey,
    value: jws,
  };
  // One signature per key: re-signing replaces this node's earlier signature.
  const others = (playbook.signatures ?? []).filter((s) => {
    const h = typeof s.value === 'string' ? jwsHeader(s.value) : undefined;
    return !(h?.ok && h.value.kid === signer.keyId);
  });
  return { ...playbook, signatures: [...others, signature] };
}

function checkOne(
  playbook: Playbook,
  s: CacaoSignature,
  content: string,
  trusted: (keyId: string) => TrustedKey | undefined,
): SignatureCheck {
  const base = { id: typeof s.id === 'string' ? s.id : '?', signee: typeof s.signee === 'string' ? s.signee : '?' };
  if (typeof s.value !== 'string') return { ...base, valid: false, reason: 'signature has no value' };
  const h = jwsHeader(s.value);
  if (!h.ok) return { ...base, valid: false, reason: h.reason };
  const keyId = h.value.kid;
  if (s.related_to !== playbook.id || s.related_version !== playbook.modified) {
    return {
      ...base,
      keyId,
      valid: false,
      reason: `signs ${String(s.related_to)} version ${String(s.related_version)}, not this version`,
    };
  }
  const key = trusted(keyId);
  if (!key)
    return {
      ...base,
      keyId,
      valid: false,
      reason: `signed by key ${keyId}, which this node does not trust (not its own, not a peer's)`,
    };
  let pub: KeyObject;
  try {
    pub = ed25519PublicKey(key.publicKey);
  } catch {
    return { ...base, keyId, valid: false, reason: `the trusted key for ${keyId} is not an Ed25519 key` };
  }
  if (!verifyDetached(s.value, content, pub)) {
    return { ...base, keyId, valid: false, holder: key.holder, reason: 'the playbook differs from what was signed' };
  }
  return { ...base, keyId, valid: true, holder: key.holder };
}

/**
 * Verifies every signature of a playbook against the keys the node trusts (`trusted` maps a
 * key id to a key, or undefined). A key carried in the signature itself is never trusted.
 */
export function verifyPlaybook(
  playbook: Playbook,
  trusted: (keyId: string) => TrustedKey | undefined,
): PlaybookVerification {
  const sigs = Array.isArray(playbook.signatures) ? playbook.signatures : [];
  if (sigs.length === 0) return { ok: false, signatures: [] };
  const content = signedContent(playbook);
  const signatures = sigs.map((s) => checkOne(playbook, s, content, trusted));
  return { ok: signatures.every((s) => s.valid), signatures };
}
