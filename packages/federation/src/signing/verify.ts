/**
 * @module
 * Verification of received objects: the chain's shape (originator first, each hop addressed to
 * the next signer, the last to this node and signed by the peer that delivered it), keys (node
 * id = key fingerprint; pinned keys of known peers; revoked keys refused), times (not signed in
 * the future, not expired, a relay never outliving the originator) and every signature and audit
 * path. A batch declaration is verified once (`declare`); an object referring to it then needs
 * only its own leaf to match the declared one. Returns a reason instead of throwing: a bad object
 * is data to log, not a crash.
 */
import { fail, ok, type Result } from '@intersoc/core';
import { fingerprint } from '../identity/identity.js';
import { fromB64u, sameBytes } from '../internal/bytes.js';
import { canonicalJson } from '../internal/canonical.js';
import { verifyBytes } from '../internal/keys.js';
import { coreDigest, hopLeaf } from './attest.js';
import { BATCH_PROPERTY, batchResolver, leafOf, parseBatch, type DeclaredBatch } from './batch.js';
import { MerkleVerifier } from './merkle.js';
import {
  parseProvenance,
  pathOf,
  splitProvenance,
  STATEMENT_CONTEXT,
  statementOf,
  termsKey,
  type BatchHop,
  type Hop,
} from './provenance.js';
import type { SharingTerms } from '../policy/terms.js';

/** What the verifier knows about a node. */
export interface KnownKey {
  readonly publicKey: string;
  readonly revoked: boolean;
}

/** Options of the verifier. */
export interface VerifierOptions {
  /** This node's id: the last hop must be addressed to it. */
  readonly me: string;
  /** Pinned key of a node id (peers, and nodes revoked earlier); undefined when unknown. */
  readonly keyOf: (nodeId: string) => KnownKey | undefined;
  readonly now?: () => number;
  /** Tolerated clock difference, seconds (default 300). */
  readonly skewSeconds?: number;
  /** Longest attestation lifetime accepted, seconds (default 400 days). */
  readonly maxTtlSeconds?: number;
  /** Most transfers accepted (default 8). */
  readonly maxHops?: number;
  /** A batch declared to this node earlier (stored after `declare` verified it). */
  readonly batchOf?: (signer: string, root: string) => DeclaredBatch | undefined;
}

/** A verified object. */
export interface VerifiedObject {
  /** The object without its chain. */
  readonly core: Record<string, unknown>;
  readonly chain: readonly Hop[];
  /** The originator's node id. */
  readonly origin: string;
  readonly terms: SharingTerms;
  /** SHA-256 of the core's canonical JSON. */
  readonly digest: Buffer;
  /** The chain as received (its validated wire form), for storage. */
  readonly wire: unknown;
  /** The declared batch the last hop refers to (version 2 chains): storing the chain needs it. */
  readonly batch?: DeclaredBatch;
}

/** Declared batches remembered between deliveries (older ones are read back from storage). */
const MAX_BATCHES = 2048;

/** Why an object was refused: a stable code and a human message. */
export interface Rejection {
  readonly code: 'unsigned' | 'malformed' | 'bad-signature' | 'expired' | 'revoked' | 'misaddressed' | 'chain';
  readonly message: string;
}

/** Verifies objects against their provenance chains. */
export class ChainVerifier {
  private merkle = new MerkleVerifier();
  /** Statement text of each signature already verified. */
  private readonly statements = new Map<string, string>();
  private readonly fingerprints = new Map<string, string>();
  /** Batches whose declaration verified, by `signer.root`. */
  private readonly batches = new Map<string, DeclaredBatch>();
  private readonly resolve = batchResolver((n, r) => this.batch(n, r));

  constructor(private readonly options: VerifierOptions) {}

  private batch(signer: string, root: string): DeclaredBatch | undefined {
    const key = `${signer}.${root}`;
    let b = this.batches.get(key);
    if (!b) {
      b = this.options.batchOf?.(signer, root);
      if (b) this.remember(key, b);
    }
    return b;
  }

  private remember(key: string, b: DeclaredBatch): void {
    if (this.batches.size >= MAX_BATCHES) this.batches.clear();
    this.batches.set(key, b);
  }

  /**
   * Verifies a batch declaration delivered by `sender` (its signer, addressed to this node, with
   * a valid key, time and signature, and leaves that make its root) and remembers it for the
   * objects that refer to it.
   */
  declare(input: unknown, sender: string): Result<DeclaredBatch, Rejection> {
    const wire = (input as Record<string, unknown> | null)?.[BATCH_PROPERTY];
    const b = parseBatch(wire);
    if (typeof b === 'string') return fail({ code: 'malformed', message: b });
    const hop = b.hop;
    const j = hop.terms ? 0 : 1;
    if (hop.to !== this.options.me)
      return fail({ code: 'misaddressed', message: `addressed to ${hop.to}, not this node` });
    if (hop.n !== sender)
      return fail({ code: 'chain', message: `batch signed by ${hop.n}, but delivered by ${sender}` });
    const problem = this.hopProblem(hop, j, Math.floor((this.options.now ?? Date.now)() / 1000));
    if (problem) return fail(problem);
    if (!this.signatureValid(hop, j))
      return fail({ code: 'bad-signature', message: 'batch signature does not verify' });
    this.remember(`${hop.n}.${hop.r}`, b);
    return ok(b);
  }

  /** What is wrong with a hop's signer, key and times, if anything. */
  private hopProblem(hop: BatchHop, j: number, now: number): Rejection | undefined {
    const o = this.options;
    if (this.fingerprint(hop.pk) !== hop.n)
      return { code: 'chain', message: `hop ${j}: node id is not the key's fingerprint` };
    const known = o.keyOf(hop.n);
    if (known?.revoked) return { code: 'revoked', message: `hop ${j}: key of ${hop.n} is revoked` };
    if (known && known.publicKey !== hop.pk)
      return { code: 'bad-signature', message: `hop ${j}: key differs from the pinned key of ${hop.n}` };
    if (hop.t > now + (o.skewSeconds ?? 300)) return { code: 'chain', message: `hop ${j}: signed in the future` };
    if (hop.x <= now) return { code: 'expired', message: `hop ${j}: attestation expired` };
    if (hop.x - hop.t > (o.maxTtlSeconds ?? 400 * 86_400))
      return { code: 'chain', message: `hop ${j}: lifetime too long` };
    return undefined;
  }

  /**
   * Forgets proven Merkle nodes (called per delivery: batches do not outlive a page, and the
   * cache would otherwise grow with everything ever received).
   */
  forgetPaths(): void {
    this.merkle = new MerkleVerifier();
  }

  /** Verifies one object delivered by `sender`. */
  verify(input: unknown, sender: string): Result<VerifiedObject, Rejection> {
    if (!input || typeof input !== 'object' || Array.isArray(input))
      return fail({ code: 'malformed', message: 'not a JSON object' });
    const { core, provenance } = splitProvenance(input as Record<string, unknown>);
    if (provenance === undefined) return fail({ code: 'unsigned', message: 'no x_intersoc_provenance' });
    const parsed = parseProvenance(provenance, this.resolve);
    if (!parsed.ok)
      return fail({
        code: parsed.reason.includes('was not declared') ? 'chain' : 'malformed',
        message: `provenance ${parsed.reason}`,
      });
    const chain = parsed.value.chain;
    // A version 2 chain's last hop refers to a batch whose declaration verified.
    const tail = chain[chain.length - 1] as Hop;
    const declared = parsed.value.v === 2 ? this.batch(tail.n, tail.r) : undefined;
    const o = this.options;
    if (chain.length > (o.maxHops ?? 8)) return fail({ code: 'chain', message: `more than ${o.maxHops ?? 8} hops` });
    const now = Math.floor((o.now ?? Date.now)() / 1000);
    const first = chain[0] as Hop;
    const last = chain[chain.length - 1] as Hop;
    if (!first.terms) return fail({ code: 'chain', message: 'the originator hop carries no sharing terms' });
    if (last.to !== o.me) return fail({ code: 'misaddressed', message: `addressed to ${last.to}, not this node` });
    if (last.n !== sender)
      return fail({ code: 'chain', message: `last hop signed by ${last.n}, but delivered by ${sender}` });
    const seen = new Set<string>();
    for (let j = 0; j < chain.length; j++) {
      const hop = chain[j] as Hop;
      if (j > 0 && hop.terms) return fail({ code: 'chain', message: `hop ${j}: only the originator sets terms` });
      if (seen.has(hop.n)) return fail({ code: 'chain', message: `hop ${j}: ${hop.n} appears twice` });
      seen.add(hop.n);
      if (j < chain.length - 1 && hop.to !== (chain[j + 1] as Hop).n)
        return fail({ code: 'chain', message: `hop ${j} is addressed to ${hop.to}, not the next signer` });
      const problem = this.hopProblem(hop, j, now);
      if (problem) return fail(problem);
      if (j > 0 && hop.x > first.x) return fail({ code: 'chain', message: `hop ${j}: outlives the originator` });
    }
    const digest = coreDigest(core);
    for (let j = 0; j < chain.length; j++) {
      const hop = chain[j] as Hop;
      const salt = fromB64u(hop.s) as Buffer;
      const leaf = hopLeaf(salt, digest, j > 0 ? chain[j - 1] : undefined);
      if (declared && j === chain.length - 1) {
        // Its signature and tree were verified with the declaration: the leaf must be listed.
        const listed = leafOf(declared, hop.i);
        if (!listed || !sameBytes(listed, leaf))
          return fail({ code: 'bad-signature', message: `hop ${j}: object is not covered by the signed root` });
        continue;
      }
      if (!this.signatureValid(hop, j))
        return fail({ code: 'bad-signature', message: `hop ${j}: signature does not verify` });
      const root = this.rootOf(hop.r);
      const path = pathOf(hop);
      if (!this.merkle.verify(root, hop.c, leaf, hop.i, path, hop.r))
        return fail({ code: 'bad-signature', message: `hop ${j}: object is not covered by the signed root` });
    }
    return ok({
      core,
      chain,
      origin: first.n,
      terms: first.terms,
      digest,
      wire: provenance,
      ...(declared ? { batch: declared } : {}),
    });
  }

  private readonly roots = new Map<string, Buffer>();

  /** Decoded roots, shared by the objects of a batch. */
  private rootOf(r: string): Buffer {
    let b = this.roots.get(r);
    if (!b) {
      if (this.roots.size > 10_000) this.roots.clear();
      b = fromB64u(r) as Buffer;
      this.roots.set(r, b);
    }
    return b;
  }

  private fingerprint(pk: string): string | undefined {
    let f = this.fingerprints.get(pk);
    if (f === undefined) {
      try {
        f = fingerprint(pk);
      } catch {
        return undefined;
      }
      if (this.fingerprints.size > 10_000) this.fingerprints.clear();
      this.fingerprints.set(pk, f);
    }
    return f;
  }

  /**
   * Every object of a batch carries the same statement: once one verified, the others match it
   * by an exact fingerprint of the statement's fields instead of re-encoding and re-verifying.
   * The fingerprint encodes the fields injectively, so equal fingerprints mean equal statements.
   */
  private signatureValid(hop: BatchHop, index: number): boolean {
    // Fields never contain `|` except the terms' JSON, which comes last.
    const print = `${index === 0 ? 'o' : 'r'}|${hop.n}|${hop.pk}|${hop.to}|${hop.t}|${hop.x}|${hop.r}|${hop.c}|${hop.e ? 1 : 0}|${hop.terms ? termsKey(hop.terms) : ''}`;
    if (this.statements.get(hop.g) === print) return true;
    const text = STATEMENT_CONTEXT + canonicalJson(statementOf(hop, index));
    if (!verifyBytes(hop.pk, text, hop.g)) return false;
    if (this.statements.size > 100_000) this.statements.clear();
    this.statements.set(hop.g, print);
    return true;
  }
}
