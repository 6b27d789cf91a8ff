/**
 * @module
 * Private lookups: "have you seen X?" without showing X. An OPRF-based private set membership
 * test over ristretto255 (RFC 9497 VOPRF, ristretto255-SHA512, from `@noble/curves`):
 *
 * 1. The answering node holds a secret OPRF key k and publishes, to its peers only, the set of
 *    tags F_k(v) (first 64 bits) of the values it has seen, and its public key.
 * 2. The asking node blinds its value (r·H(x)); the answering node evaluates the blinded
 *    element (k·r·H(x)) with a DLEQ proof that it used the published key; the asker unblinds,
 *    gets F_k(x) and checks it against the tag set.
 *
 * The answering node learns nothing about x, whether or not it holds it. The asker learns
 * whether x is in the set, and nothing about other members: it cannot compute tags without an
 * evaluation by the key holder, which is rate-limited, so it cannot enumerate the set offline
 * (the weakness of a plain or shared-key Bloom filter over low-entropy values such as IPv4).
 */
import { ristretto255_oprf } from '@noble/curves/ed25519.js';
import { normaliseValue, type IocKind } from '@intersoc/cti';

// `evaluate` (the key holder's non-interactive PRF) exists in VOPRF mode but is missing from
// the published typings of that mode.
const voprf = ristretto255_oprf.voprf as typeof ristretto255_oprf.voprf & {
  evaluate(secretKey: Uint8Array, input: Uint8Array): Uint8Array;
};

/** Bytes of a tag kept in the published set. */
export const TAG_BYTES = 8;

/** The OPRF input of a value: `kind:normalised value`; undefined when it does not normalise. */
export function lookupInput(kind: IocKind, value: string): Uint8Array | undefined {
  const v = normaliseValue(kind, value);
  return v === undefined ? undefined : new TextEncoder().encode(`${kind}:${v}`);
}

/** The answering side. */
export class LookupServer {
  readonly publicKey: Uint8Array;
  private readonly secretKey: Uint8Array;

  /** Derives the key pair from a 32-byte seed kept by the node. */
  constructor(seed: Uint8Array) {
    if (seed.length !== 32) throw new Error('lookup seeds are 32 bytes');
    const keys = voprf.deriveKeyPair(seed, new TextEncoder().encode('intersoc-lookup-v1'));
    this.secretKey = keys.secretKey;
    this.publicKey = keys.publicKey;
  }

  /** The tag of an input (computed with the secret key, for the published set). */
  tag(input: Uint8Array): Buffer {
    return Buffer.from(voprf.evaluate(this.secretKey, input)).subarray(0, TAG_BYTES);
  }

  /** Evaluates blinded elements with one batch DLEQ proof. Throws on invalid points. */
  evaluate(blinded: readonly Uint8Array[]): { evaluated: Uint8Array[]; proof: Uint8Array } {
    const r = voprf.blindEvaluateBatch(this.secretKey, this.publicKey, [...blinded]);
    return { evaluated: r.evaluated, proof: r.proof };
  }
}

/** A blinded query in progress. */
export interface BlindedQuery {
  readonly inputs: readonly Uint8Array[];
  readonly blinds: readonly Uint8Array[];
  readonly blinded: readonly Uint8Array[];
}

/** Blinds inputs for evaluation. */
export function blindInputs(inputs: readonly Uint8Array[]): BlindedQuery {
  const parts = inputs.map((i) => voprf.blind(i));
  return { inputs, blinds: parts.map((p) => p.blind), blinded: parts.map((p) => p.blinded) };
}

/** Checks the proof and unblinds: the tags of the inputs. Throws when the proof fails. */
export function finalizeTags(
  q: BlindedQuery,
  evaluated: readonly Uint8Array[],
  proof: Uint8Array,
  publicKey: Uint8Array,
): Buffer[] {
  if (evaluated.length !== q.inputs.length) throw new Error('evaluation count differs from the query');
  const out = voprf.finalizeBatch(
    q.inputs.map((input, i) => ({
      input,
      blind: q.blinds[i] as Uint8Array,
      evaluated: evaluated[i] as Uint8Array,
      blinded: q.blinded[i] as Uint8Array,
    })),
    publicKey,
    proof,
  );
  return out.map((o) => Buffer.from(o).subarray(0, TAG_BYTES));
}

/** A published tag set, for membership tests. */
export class TagSet {
  private readonly tags: Set<string>;
  constructor(tags: Iterable<Uint8Array>) {
    this.tags = new Set([...tags].map((t) => Buffer.from(t).toString('hex')));
  }
  get size(): number {
    return this.tags.size;
  }
  has(tag: Uint8Array): boolean {
    return this.tags.has(Buffer.from(tag).toString('hex'));
  }
  /** Packs tags for transport (concatenated, base64url). */
  static pack(tags: readonly Uint8Array[]): string {
    return Buffer.concat(tags.map((t) => Buffer.from(t).subarray(0, TAG_BYTES))).toString('base64url');
  }
  /** Unpacks a transported set. */
  static unpack(text: string): TagSet {
    const b = Buffer.from(text, 'base64url');
    const out: Buffer[] = [];
    for (let i = 0; i + TAG_BYTES <= b.length; i += TAG_BYTES) out.push(b.subarray(i, i + TAG_BYTES));
    return new TagSet(out);
  }
}
