/**
 * @module
 * A node's federation identity: an Ed25519 key pair and organisation metadata (name, sector,
 * country, communities, endpoint). The node id is the key's fingerprint, so an id can never be
 * claimed without the key. The private key stays in `<data>/federation/node.key` (mode 0600);
 * the public part is what `intersoc node card` prints for the out-of-band exchange.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '@intersoc/core';
import { fromB64u, sha256Hex } from '../internal/bytes.js';
import { generateKeyPair, privateKeyOf, rawPublicKey } from '../internal/keys.js';
import { uuidv5 } from '../internal/uuid.js';

/** Node ids: the first 128 bits of SHA-256 over the raw public key, as hex. */
export const NODE_ID_PATTERN = /^[0-9a-f]{32}$/;

/** Community and sharing-group names. */
export const NAME_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,62}$/;

/** The fingerprint (node id) of a raw Ed25519 public key (base64url). */
export function fingerprint(publicKey: string): string {
  const raw = fromB64u(publicKey);
  if (!raw || raw.length !== 32) throw new AppError('VALIDATION', 'not a raw Ed25519 public key');
  return sha256Hex(raw).slice(0, 32);
}

/** Organisation metadata of a node. */
export const NodeMetaSchema = z.object({
  name: z.string().min(1).max(200),
  /** STIX industry sector (`energy`, `financial-services`, `telecommunications`, `government-national`...). */
  sector: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'sector: lower-case words joined by -'),
  /** ISO 3166-1 alpha-2. */
  country: z.string().regex(/^[A-Z]{2}$/, 'country: ISO 3166-1 alpha-2, e.g. FR'),
  /** Named communities the node belongs to (TLP:GREEN reach). */
  communities: z.array(z.string().regex(NAME_PATTERN)).max(32).default([]),
  /** Base URL where peers reach this node (`http://host:port`). */
  endpoint: z.url().optional(),
});
/** Metadata as given (communities optional). */
export type NodeMetaInput = z.input<typeof NodeMetaSchema>;

/** The public identity of a node. */
export const NodeIdentitySchema = NodeMetaSchema.extend({
  nodeId: z.string().regex(NODE_ID_PATTERN),
  /** Raw Ed25519 public key, base64url. */
  publicKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  created: z.string(),
});
/** The public identity of a node. */
export type NodeIdentity = z.infer<typeof NodeIdentitySchema>;

/** An identity with its private key. */
export interface NodeKeys {
  readonly identity: NodeIdentity;
  readonly privateKey: KeyObject;
}

/** Folder of the federation files inside the data directory. */
export function federationDir(dataDir: string): string {
  return path.join(dataDir, 'federation');
}

const IDENTITY_FILE = 'identity.json';
const KEY_FILE = 'node.key';

/** True when the node has an identity. */
export function hasIdentity(dataDir: string): boolean {
  return existsSync(path.join(federationDir(dataDir), IDENTITY_FILE));
}

/**
 * Creates the node identity, or updates its metadata. A new key pair is made on first use or
 * when `newKey` is set (the node id changes with it: peers must be told).
 */
export function initIdentity(
  dataDir: string,
  meta: NodeMetaInput,
  options: { newKey?: boolean; now?: () => number } = {},
): NodeKeys {
  const m = parseOrThrow(NodeMetaSchema, meta, 'node metadata');
  const dir = federationDir(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keyFile = path.join(dir, KEY_FILE);
  let created = new Date((options.now ?? Date.now)()).toISOString();
  if (!existsSync(keyFile) || options.newKey) {
    const pair = generateKeyPair();
    writeFileSync(keyFile, pair.privatePem, { mode: 0o600 });
    chmodSync(keyFile, 0o600);
  } else if (hasIdentity(dataDir)) {
    created = loadIdentity(dataDir).identity.created;
  }
  const privateKey = privateKeyOf(readFileSync(keyFile, 'utf8'));
  const publicKey = rawPublicKey(privateKey);
  const identity: NodeIdentity = { ...m, nodeId: fingerprint(publicKey), publicKey, created };
  writeFileSync(path.join(dir, IDENTITY_FILE), `${JSON.stringify(identity, null, 2)}\n`);
  return { identity, privateKey };
}

/** Loads the identity and its key; CONFIG when the node has none (`intersoc node init`). */
export function loadIdentity(dataDir: string): NodeKeys {
  const dir = federationDir(dataDir);
  if (!hasIdentity(dataDir)) {
    throw new AppError('CONFIG', `this node has no federation identity yet: run \`intersoc node init\``);
  }
  const identity = parseOrThrow(
    NodeIdentitySchema,
    JSON.parse(readFileSync(path.join(dir, IDENTITY_FILE), 'utf8')),
    'identity.json',
  );
  const privateKey = privateKeyOf(readFileSync(path.join(dir, KEY_FILE), 'utf8'));
  if (rawPublicKey(privateKey) !== identity.publicKey || fingerprint(identity.publicKey) !== identity.nodeId) {
    throw new AppError('CONFIG', 'identity.json does not match node.key');
  }
  return { identity, privateKey };
}

/** What nodes exchange out of band to peer: everything public about a node. */
export const PeerCardSchema = z.object({
  intersoc_peer_card: z.literal(1),
  node_id: z.string().regex(NODE_ID_PATTERN),
  public_key: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  name: z.string().min(1).max(200),
  sector: z.string().max(63),
  country: z.string().regex(/^[A-Z]{2}$/),
  communities: z.array(z.string().regex(NAME_PATTERN)).max(32).default([]),
  endpoint: z.url().optional(),
});
/** A peer card. */
export type PeerCard = z.infer<typeof PeerCardSchema>;

/** The card of an identity. */
export function cardOf(identity: NodeIdentity): PeerCard {
  return {
    intersoc_peer_card: 1,
    node_id: identity.nodeId,
    public_key: identity.publicKey,
    name: identity.name,
    sector: identity.sector,
    country: identity.country,
    communities: [...identity.communities],
    ...(identity.endpoint === undefined ? {} : { endpoint: identity.endpoint }),
  };
}

/** Parses a card and checks that its node id is its key's fingerprint. */
export function parseCard(input: unknown): PeerCard {
  const card = parseOrThrow(PeerCardSchema, input, 'peer card');
  if (fingerprint(card.public_key) !== card.node_id) {
    throw new AppError('VALIDATION', 'peer card: node_id is not the fingerprint of public_key');
  }
  return card;
}

/** The STIX identity object of a node (deterministic id), for `created_by_ref` and `where_sighted_refs`. */
export function stixIdentityOf(identity: Pick<NodeIdentity, 'nodeId' | 'name' | 'sector' | 'country'>): {
  readonly type: 'identity';
  readonly id: string;
  readonly [k: string]: unknown;
} {
  return {
    type: 'identity',
    spec_version: '2.1',
    id: stixIdentityId(identity.nodeId),
    created: '2020-01-01T00:00:00.000Z',
    modified: '2020-01-01T00:00:00.000Z',
    name: identity.name,
    identity_class: 'organization',
    sectors: [identity.sector],
    x_intersoc_node_id: identity.nodeId,
    x_intersoc_country: identity.country,
  };
}

/** The STIX identity id of a node. */
export function stixIdentityId(nodeId: string): string {
  return `identity--${uuidv5(`intersoc-node:${nodeId}`)}`;
}

function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const r = schema.safeParse(input);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new AppError('VALIDATION', `${what}: ${i ? `${i.path.join('.') || '(root)'}: ${i.message}` : 'invalid'}`);
  }
  return r.data;
}
