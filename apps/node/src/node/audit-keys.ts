/**
 * @module
 * The key ring that signs and checks audit checkpoints. The signing key is the node's federation
 * identity (Ed25519) when it has one; before `intersoc node init`, a local Ed25519 key in
 * `<data>/audit/signing.key` (mode 0600). Every public key that ever signed is listed in
 * `<data>/audit/keys.json`, so checkpoints still verify after the node gets or rotates its identity.
 *
 * The private key lives in the data folder, so the signatures stop someone who can write the
 * database but not read the key (another OS user, a restored or copied database, SQL access);
 * someone who owns the whole folder can sign too. Copy the newest checkpoint off the node
 * (`intersoc admin audit verify --json`) for that case.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fingerprint, hasIdentity, loadIdentity } from '@intersoc/federation';
import { openSqliteAuthStores, type AuditKeyRing, type AuthStores, type SqliteDb } from '@intersoc/storage';

/** Folder of the audit keys inside the data directory. */
export function auditKeyDir(dataDir: string): string {
  return path.join(dataDir, 'audit');
}

function rawPublic(key: KeyObject): string {
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new Error('not an Ed25519 key');
  return jwk.x;
}

/** The local signing key, created on first use. */
function localKey(dir: string): KeyObject {
  const file = path.join(dir, 'signing.key');
  if (!existsSync(file)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    // Two processes starting at once: the rename makes one key win whole.
    if (!existsSync(file)) renameSync(tmp, file);
  }
  chmodSync(file, 0o600);
  return createPrivateKey(readFileSync(file, 'utf8'));
}

function readTrusted(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
  return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/**
 * The node's audit key ring: signs with the identity key (else the local one) and trusts every
 * key listed in `keys.json`, to which the current key is added.
 */
export function openAuditKeyRing(dataDir: string): AuditKeyRing {
  const dir = auditKeyDir(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const privateKey = hasIdentity(dataDir) ? loadIdentity(dataDir).privateKey : localKey(dir);
  const publicKey = rawPublic(privateKey);
  const keyId = fingerprint(publicKey);
  const trustFile = path.join(dir, 'keys.json');
  const trusted = readTrusted(trustFile);
  if (trusted[keyId] !== publicKey) {
    trusted[keyId] = publicKey;
    writeFileSync(trustFile, `${JSON.stringify(trusted, null, 2)}\n`, { mode: 0o644 });
  }
  const publicKeys = new Map<string, KeyObject>();
  for (const [id, raw] of Object.entries(trusted)) {
    try {
      publicKeys.set(id, createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw }, format: 'jwk' }));
    } catch {
      // A damaged entry trusts nothing; its checkpoints fail verification.
    }
  }
  return {
    sign: (data) => ({ keyId, signature: sign(null, data, privateKey).toString('base64url') }),
    verify: (id, data, signature) => {
      const key = publicKeys.get(id);
      return key !== undefined && verify(null, data, key, Buffer.from(signature, 'base64url'));
    },
  };
}

/** The identity and audit stores of the node database, with the audit key ring. */
export function openNodeAuthStores(db: SqliteDb, dataDir: string): AuthStores {
  return openSqliteAuthStores(db, { auditKeys: openAuditKeyRing(dataDir) });
}
