/**
 * @module
 * The provenance chain every shared object carries in `x_intersoc_provenance`: one signed hop
 * per transfer. Hop 0 is the originator's attestation, with the sharing terms; each relay adds a
 * hop bound to the previous one. A hop signs a statement (signer, its key, recipient, signed and
 * expiry times, Merkle root and size, terms) with Ed25519; the object's leaf in that root is
 * `SHA-256(0x00 || salt || SHA-256(RFC 8785 JSON of the object without the chain) [|| previous
 * signature])`. The salt keeps sibling hashes in audit paths from revealing anything about
 * objects the recipient does not get.
 */
import { z } from 'zod';
import { NODE_ID_PATTERN } from '../identity/identity.js';
import { SharingTermsSchema, type SharingTerms } from '../policy/terms.js';

/** The property that carries the chain. */
export const PROVENANCE_PROPERTY = 'x_intersoc_provenance';

const B64 = (len: number) => z.string().regex(new RegExp(`^[A-Za-z0-9_-]{${len}}$`));

/** One hop of the chain. */
export const HopSchema = z
  .object({
    /** Signer's node id. */
    n: z.string().regex(NODE_ID_PATTERN),
    /** Signer's raw Ed25519 public key (its fingerprint must be `n`). */
    pk: B64(43),
    /** Recipient's node id. */
    to: z.string().regex(NODE_ID_PATTERN),
    /** Signed at, epoch seconds. */
    t: z.number().int().nonnegative(),
    /** Expires at, epoch seconds. */
    x: z.number().int().nonnegative(),
    /** Merkle root of the signed batch. */
    r: B64(43),
    /** Batch size. */
    c: z.number().int().min(1).max(1 << 20),
    /** Leaf index. */
    i: z.number().int().nonnegative(),
    /** Audit path, bottom-up. */
    p: z.array(B64(43)).max(21),
    /** Leaf salt. */
    s: B64(22),
    /** Ed25519 signature of the statement. */
    g: B64(86),
    /** Explicit send by an analyst (RED, explicit relays of AMBER). */
    e: z.literal(true).optional(),
    /** Sharing terms: on the originator's hop only. */
    terms: SharingTermsSchema.optional(),
  })
  .strict();
/** One hop. */
export type Hop = z.infer<typeof HopSchema>;

/** The chain property. */
export const ProvenanceSchema = z.object({ v: z.literal(1), chain: z.array(HopSchema).min(1).max(16) }).strict();
/** The chain property. */
export type Provenance = z.infer<typeof ProvenanceSchema>;

/** What a hop's signature covers. */
export interface Statement {
  readonly kind: 'origin' | 'relay';
  readonly n: string;
  readonly pk: string;
  readonly to: string;
  readonly t: number;
  readonly x: number;
  readonly r: string;
  readonly c: number;
  readonly e?: true;
  readonly terms?: SharingTerms;
}

/** The statement of a hop. */
export function statementOf(hop: Hop, index: number): Statement {
  return {
    kind: index === 0 ? 'origin' : 'relay',
    n: hop.n,
    pk: hop.pk,
    to: hop.to,
    t: hop.t,
    x: hop.x,
    r: hop.r,
    c: hop.c,
    ...(hop.e === undefined ? {} : { e: hop.e }),
    ...(hop.terms === undefined ? {} : { terms: hop.terms }),
  };
}

/** Domain separation of statement signatures. */
export const STATEMENT_CONTEXT = 'intersoc-federation-attestation-v1\n';

/** Splits an object into its core (what is hashed) and its chain (unparsed). */
export function splitProvenance(o: Readonly<Record<string, unknown>>): {
  core: Record<string, unknown>;
  provenance: unknown;
} {
  const { [PROVENANCE_PROPERTY]: provenance, ...core } = o;
  return { core, provenance };
}
