/**
 * @module
 * Signing batches of objects for one or more recipients: the originator's first hop (with the
 * sharing terms) or a relay's hop. The Merkle tree is built once per batch; only the statement
 * (which names the recipient) is signed per recipient. Objects leave in RFC 8785 key order.
 */
import { randomBytes } from 'node:crypto';
import type { NodeKeys } from '../identity/identity.js';
import { b64u, fromB64u, sha256 } from '../internal/bytes.js';
import { canonicalJson, canonicalOrder } from '../internal/canonical.js';
import { signBytes } from '../internal/keys.js';
import type { SharingTerms } from '../policy/terms.js';
import { batchObject } from './batch.js';
import { auditPath, buildTree, leafHash, type MerkleTree } from './merkle.js';
import {
  encodeBatchRef,
  encodeHop,
  encodeProvenance,
  PROVENANCE_PROPERTY,
  STATEMENT_CONTEXT,
  statementOf,
  type BatchHop,
  type Hop,
} from './provenance.js';

/** One object to sign: its core (no chain) and, for relays, the chain it arrived with. */
export interface AttestItem {
  readonly core: Readonly<Record<string, unknown>>;
  readonly chain?: readonly Hop[];
  /** SHA-256 of the core's canonical JSON, when already known (verification computed it). */
  readonly digest?: Buffer;
}

/** Options of a batch. */
export interface AttestOptions {
  /** Sharing terms: required for originals, absent for relays. */
  readonly terms?: SharingTerms;
  /** Lifetime of the attestation, seconds. */
  readonly ttlSeconds: number;
  /** An analyst's explicit send. */
  readonly explicit?: boolean;
  readonly now?: () => number;
}

/** SHA-256 of an object's canonical JSON. */
export function coreDigest(core: Readonly<Record<string, unknown>>): Buffer {
  return sha256(canonicalJson(core));
}

/** The leaf of an object in a hop. */
export function hopLeaf(salt: Uint8Array, digest: Uint8Array, previous?: Hop): Buffer {
  if (!previous) return leafHash(salt, digest);
  return leafHash(salt, digest, fromB64u(previous.g) ?? Buffer.alloc(0));
}

/**
 * A signed batch. `for(to)` returns the objects with their chain extended by a whole hop
 * addressed to `to`; `declare(to)` returns the batch's declaration for `to` and the objects
 * referring to it (what peers exchange). Every recipient gets its own signature over the same
 * tree.
 */
export class SignedBatch {
  private readonly salts: Buffer[];
  private readonly saltText: string[];
  private readonly leaves: readonly Buffer[];
  private readonly cores: readonly Readonly<Record<string, unknown>>[];
  private pathText: string[] | undefined;
  private readonly root: string;
  private readonly tree: MerkleTree;
  private readonly t: number;
  private readonly x: number;

  constructor(
    private readonly keys: NodeKeys,
    private readonly items: readonly AttestItem[],
    private readonly options: AttestOptions,
  ) {
    const pool = randomBytes(16 * items.length);
    this.salts = items.map((_, i) => pool.subarray(16 * i, 16 * i + 16));
    this.saltText = this.salts.map((x) => b64u(x));
    // Objects leave in canonical key order, so that each receiver's digest is a plain
    // JSON.stringify (see internal/canonical.ts); the text is the same either way.
    this.cores = items.map((it) => (it.digest ? it.core : canonicalOrder(it.core)));
    const leaves = items.map((it, i) => {
      const digest = it.digest ?? coreDigest(this.cores[i] as Readonly<Record<string, unknown>>);
      return hopLeaf(this.salts[i] as Buffer, digest, it.chain?.[it.chain.length - 1]);
    });
    this.tree = buildTree(leaves);
    this.leaves = leaves;
    this.root = b64u(this.tree.root);
    const now = Math.floor((options.now ?? Date.now)() / 1000);
    this.t = now;
    // A relay cannot extend the originator's expiry.
    const originExpiry = Math.min(...items.map((it) => it.chain?.[0]?.x ?? Number.POSITIVE_INFINITY));
    this.x = Math.min(now + options.ttlSeconds, originExpiry);
  }

  /** The hop's shared fields for `to`, signed. */
  private signedFor(to: string): BatchHop {
    const id = this.keys.identity;
    const origin = this.items[0]?.chain === undefined;
    const hop = {
      n: id.nodeId,
      pk: id.publicKey,
      to,
      t: this.t,
      x: this.x,
      r: this.root,
      c: this.items.length,
      ...(this.options.explicit ? { e: true as const } : {}),
      ...(origin && this.options.terms ? { terms: this.options.terms } : {}),
    };
    const statement = statementOf({ ...hop, g: '' }, origin ? 0 : 1);
    return { ...hop, g: signBytes(this.keys.privateKey, STATEMENT_CONTEXT + canonicalJson(statement)) };
  }

  private withChain(i: number, last: string, v: 1 | 2, terms: SharingTerms | undefined): Record<string, unknown> {
    const core = this.cores[i] as Readonly<Record<string, unknown>>;
    const prev = this.previous(i);
    const out: Record<string, unknown> = {};
    for (const k in core) out[k] = core[k];
    out[PROVENANCE_PROPERTY] = prev
      ? { ...prev, v, chain: [...prev.chain, last] }
      : terms
        ? { v, terms, chain: [last] }
        : { v, chain: [last] };
    return out;
  }

  /**
   * The batch's objects (all, or those at `indices`) addressed to `to`, in input order, each
   * carrying its whole hop (version 1: verifiable with nothing else).
   */
  for(to: string, indices?: readonly number[]): Record<string, unknown>[] {
    const hop = this.signedFor(to);
    // The wire text of the hop: the fields every object of the batch shares are encoded once.
    const head = encodeHop({ ...hop, i: 0, p: '', s: '' })
      .split('.')
      .slice(0, 7)
      .join('.');
    const tail = this.options.explicit ? 'e' : '';
    return (indices ?? this.items.map((_, i) => i)).map((i) =>
      this.withChain(
        i,
        `${head}.${i.toString(36)}.${this.saltText[i] as string}.${hop.g}.${this.paths()[i] as string}.${tail}`,
        1,
        hop.terms,
      ),
    );
  }

  /**
   * The batch's declaration for `to`, then its objects (all, or those at `indices`) carrying a
   * reference to it (version 2): what the outbox of `to` receives, in this order.
   */
  declare(to: string, indices?: readonly number[]): Record<string, unknown>[] {
    const hop = this.signedFor(to);
    const out = [batchObject(hop, this.leaves)];
    for (const i of indices ?? this.items.map((_, k) => k))
      out.push(
        this.withChain(i, encodeBatchRef({ n: hop.n, r: hop.r, i, s: this.saltText[i] as string }), 2, undefined),
      );
    return out;
  }

  /** Audit paths, built only for version 1 objects. */
  private paths(): string[] {
    this.pathText ??= this.items.map((_, i) => b64u(Buffer.concat(auditPath(this.tree, i))));
    return this.pathText;
  }

  private readonly wire = new Map<number, ReturnType<typeof encodeProvenance>>();

  /** The wire form of an item's previous chain (encoded once, whatever the recipients). */
  private previous(i: number): ReturnType<typeof encodeProvenance> | undefined {
    const chain = this.items[i]?.chain;
    if (!chain) return undefined;
    let w = this.wire.get(i);
    if (!w) this.wire.set(i, (w = encodeProvenance(chain)));
    return w;
  }
}

/**
 * Signs a batch. Originals (no `chain`) need `terms`; relayed items must all carry a chain.
 *
 * @example
 * const batch = attest(keys, [{ core: indicator }], { terms, ttlSeconds: 30 * 86400 });
 * const forPeer = batch.for(peerNodeId);
 */
export function attest(keys: NodeKeys, items: readonly AttestItem[], options: AttestOptions): SignedBatch {
  if (items.length === 0) throw new Error('nothing to sign');
  const relays = items.filter((it) => it.chain !== undefined).length;
  if (relays !== 0 && relays !== items.length) throw new Error('a batch is either original or relayed');
  if (relays === 0 && !options.terms) throw new Error('original objects need sharing terms');
  return new SignedBatch(keys, items, options);
}
