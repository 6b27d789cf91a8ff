/**
 * @module
 * Respond over a node's data folder: its database and audit log (entries go into the node's hash
 * chain, checkpoints signed with the node key), the OASIS CACAO schemas when the node finds them
 * (`INTERSOC_CACAO_SCHEMAS`, else the shared corpora's copy), the node identity as the playbook
 * signer, and the keys it trusts (its own and its peers').
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '@intersoc/core';
import {
  hasIdentity,
  loadIdentity,
  migrateFederation,
  PeerStore,
  stixIdentityId,
  type PeerRegistry,
} from '@intersoc/federation';
import {
  loadCacaoSchemas,
  respondRuntime,
  type CacaoSchemaValidator,
  type EngineOptions,
  type NodePorts,
  type PlaybookSigner,
  type RespondRuntime,
  type TrustedKey,
} from '@intersoc/respond';
import { SqliteAuditStore, type SqliteDb } from '@intersoc/storage';
import { openAuditKeyRing, openNodeAuthStores } from '../audit-keys.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../..');

/** Where the CACAO schemas are looked for. */
export function cacaoSchemaDir(): string {
  const corpora = process.env['INTERSOC_CORPORA'] ?? path.resolve(REPO, '../shared/corpora');
  return (
    process.env['INTERSOC_CACAO_SCHEMAS'] ?? path.join(corpora, 'response', 'cacao', 'cacao-json-schemas', 'schemas')
  );
}

let cached: { dir: string; v: CacaoSchemaValidator | undefined } | undefined;

/** The OASIS CACAO schemas, or undefined (then the code rules and semantic checks run alone). */
export function cacaoSchemas(dir = cacaoSchemaDir()): CacaoSchemaValidator | undefined {
  if (cached?.dir === dir) return cached.v;
  const v = existsSync(dir) ? loadCacaoSchemas(dir) : undefined;
  cached = { dir, v };
  return v;
}

/** The node key as a playbook signer, when the node has an identity. */
export function nodeSigner(dataDir: string): (() => PlaybookSigner) | undefined {
  if (!hasIdentity(dataDir)) return undefined;
  return () => {
    const k = loadIdentity(dataDir);
    return {
      keyId: k.identity.nodeId,
      publicKey: k.identity.publicKey,
      name: k.identity.name,
      identity: stixIdentityId(k.identity.nodeId),
      privateKey: k.privateKey,
    };
  };
}

/** Keys this node trusts for playbook signatures: its own identity and its peers that are not revoked. */
export function trustedKeys(
  db: SqliteDb,
  dataDir: string,
): (tenant: string) => (keyId: string) => TrustedKey | undefined {
  migrateFederation(db);
  return trustedKeysOf(new PeerStore(db), dataDir);
}

/** The same over any peer registry (the `api` role's is on PostgreSQL). */
export function trustedKeysOf(
  peers: Pick<PeerRegistry, 'get'>,
  dataDir: string,
): (tenant: string) => (keyId: string) => TrustedKey | undefined {
  return () => (keyId) => {
    if (hasIdentity(dataDir)) {
      const own = loadIdentity(dataDir).identity;
      if (own.nodeId === keyId) return { publicKey: own.publicKey, holder: `this node (${own.name})` };
    }
    const p = peers.get(keyId);
    return p && p.status !== 'revoked' ? { publicKey: p.publicKey, holder: `peer ${p.name}` } : undefined;
  };
}

/** Builds respond over `db` (the node database) for `config`. */
export function openRespond(
  config: Config,
  db: SqliteDb,
  o: { readonly ports?: NodePorts; readonly engine?: Partial<EngineOptions> } = {},
): RespondRuntime & { readonly audit: SqliteAuditStore } {
  // The audit tables are the node's: their migrations run with the identity stores.
  openNodeAuthStores(db, config.data);
  const audit = new SqliteAuditStore(db, openAuditKeyRing(config.data));
  const signer = nodeSigner(config.data);
  const rt = respondRuntime({
    db,
    audit,
    dataDir: config.data,
    schemas: cacaoSchemas(),
    ...(signer ? { signer } : {}),
    trusted: trustedKeys(db, config.data),
    ...(o.ports ? { ports: o.ports } : {}),
    ...(o.engine ? { engine: o.engine } : {}),
  });
  return { ...rt, audit };
}
