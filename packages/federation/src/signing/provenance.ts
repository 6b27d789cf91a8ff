/**
 * @module
 * The provenance chain every shared object carries in `x_intersoc_provenance`: one signed hop
 * per transfer. Hop 0 is the originator's attestation, with the sharing terms; each relay adds a
 * hop bound to the previous one. A hop signs a statement (signer, its key, recipient, signed and
 * expiry times, Merkle root and size, terms) with Ed25519; the object's leaf in that root is
 * `SHA-256(0x00 || salt || SHA-256(RFC 8785 JSON of the object without the chain) [|| previous
 * signature])`. The salt keeps sibling hashes in audit paths from revealing anything about
 * objects the recipient does not get.
 *
 * On the wire a hop is one compact string (fields joined by `.`, numbers in base 36, the audit
 * path as one base64url run of 32-byte hashes): `{ "v": 1, "terms": {...}, "chain": ["…", …] }`.
 * A chain rides on every shared object, so its size and parse cost matter as much as the
 * object's own. In version 2 the last hop is a reference `node.root.index.salt` to a batch
 * declared once beside the objects (`batch.ts`): the statement, signature, terms and every leaf
 * travel once per batch instead of once per object, and the audit path is derived from them.
 */
import { SharingTermsSchema, type SharingTerms } from '../policy/terms.js';

/** The property that carries the chain. */
export const PROVENANCE_PROPERTY = 'x_intersoc_provenance';

/** One hop of the chain. */
export interface Hop {
  /** Signer's node id. */
  readonly n: string;
  /** Signer's raw Ed25519 public key, base64url (its fingerprint must be `n`). */
  readonly pk: string;
  /** Recipient's node id. */
  readonly to: string;
  /** Signed at, epoch seconds. */
  readonly t: number;
  /** Expires at, epoch seconds. */
  readonly x: number;
  /** Merkle root of the signed batch, base64url. */
  readonly r: string;
  /** Batch size. */
  readonly c: number;
  /** Leaf index. */
  readonly i: number;
  /** Leaf salt, base64url (16 bytes). */
  readonly s: string;
  /** Ed25519 signature of the statement, base64url. */
  readonly g: string;
  /** Audit path, bottom-up: concatenated 32-byte hashes, base64url. */
  readonly p: string;
  /** Explicit send by an analyst (RED, explicit relays of AMBER). */
  readonly e?: true;
  /** Sharing terms: on the originator's hop only. */
  readonly terms?: SharingTerms;
}

/** A chain (`v` 2 when its last hop referred to a declared batch). */
export interface Provenance {
  readonly v: 1 | 2;
  readonly chain: readonly Hop[];
}

/** A hop's fields shared by every object of its batch. */
export type BatchHop = Omit<Hop, 'i' | 's' | 'p'>;

/** The reference a version 2 chain's last hop makes to its declared batch. */
export interface BatchRef {
  readonly n: string;
  readonly r: string;
  readonly i: number;
  readonly s: string;
}

/** Expands a batch reference at chain position `j` into its hop; the reason when it cannot. */
export type BatchResolver = (ref: BatchRef, j: number) => Hop | string;

const NODE_ID = /^[0-9a-f]{32}$/;
const B64_43 = /^[A-Za-z0-9_-]{43}$/;
const B64_22 = /^[A-Za-z0-9_-]{22}$/;
const B64_86 = /^[A-Za-z0-9_-]{86}$/;
const B64 = /^[A-Za-z0-9_-]*$/;
const BASE36 = /^[0-9a-z]{1,11}$/;
const TERMS_SEEN = new Map<string, SharingTerms>();
const TERMS_KEYS = new WeakMap<SharingTerms, string>();

/** A stable text of a terms object (the JSON it arrived as, when it was parsed here). */
export function termsKey(t: SharingTerms): string {
  let k = TERMS_KEYS.get(t);
  if (k === undefined) {
    k = JSON.stringify(t);
    TERMS_KEYS.set(t, k);
  }
  return k;
}
/** Most audit path entries (a batch of 2^21 objects). */
const MAX_PATH = 21;

/** The wire form of a hop (without its terms, which ride beside the chain). */
export function encodeHop(h: Hop): string {
  return [
    h.n,
    h.pk,
    h.to,
    h.t.toString(36),
    h.x.toString(36),
    h.r,
    h.c.toString(36),
    h.i.toString(36),
    h.s,
    h.g,
    h.p,
    h.e ? 'e' : '',
  ].join('.');
}

/** The wire form of a chain. */
export function encodeProvenance(chain: readonly Hop[]): { v: 1; terms?: SharingTerms; chain: string[] } {
  const terms = chain[0]?.terms;
  return { v: 1, ...(terms ? { terms } : {}), chain: chain.map(encodeHop) };
}

/** Length of the base64url text of `n` bytes, unpadded. */
function b64Length(n: number): number {
  return Math.ceil((n * 4) / 3);
}

/** The wire form of the fields of a batch's hop: `n.pk.to.t.x.r.c.g.e`. */
export function encodeBatchHop(h: BatchHop): string {
  return [h.n, h.pk, h.to, h.t.toString(36), h.x.toString(36), h.r, h.c.toString(36), h.g, h.e ? 'e' : ''].join('.');
}

/** Checks and converts the batch-level fields of a hop; the reason when malformed. */
export function batchHopOf(
  f: readonly [n: string, pk: string, to: string, t: string, x: string, r: string, c: string, g: string, e: string],
  where: string,
): BatchHop | string {
  const [n, pk, to, t, x, r, c, g, e] = f;
  if (!NODE_ID.test(n) || !NODE_ID.test(to)) return `${where}: node ids`;
  if (!B64_43.test(pk) || !B64_43.test(r) || !B64_86.test(g)) return `${where}: key, root or signature malformed`;
  if (!BASE36.test(t) || !BASE36.test(x) || !BASE36.test(c)) return `${where}: numbers`;
  const size = parseInt(c, 36);
  if (size < 1 || size > 1 << MAX_PATH) return `${where}: batch size`;
  if (e !== '' && e !== 'e') return `${where}: flags`;
  return {
    n,
    pk,
    to,
    t: parseInt(t, 36),
    x: parseInt(x, 36),
    r,
    c: size,
    g,
    ...(e === 'e' ? { e: true as const } : {}),
  };
}

function decodeHop(text: string, j: number): Hop | string {
  const f = text.split('.');
  if (f.length !== 12) return `chain.${j}: 12 fields expected`;
  const [n, pk, to, t, x, r, c, i, s, g, p, e] = f as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const b = batchHopOf([n, pk, to, t, x, r, c, g, e], `chain.${j}`);
  if (typeof b === 'string') return b;
  if (!B64_22.test(s)) return `chain.${j}: salt malformed`;
  if (!BASE36.test(i)) return `chain.${j}: numbers`;
  const entries = Math.round((p.length * 3) / 128);
  if (entries > MAX_PATH || b64Length(32 * entries) !== p.length || !B64.test(p))
    return `chain.${j}: audit path malformed`;
  return { ...b, i: parseInt(i, 36), s, p };
}

/** The wire form of a reference to a declared batch. */
export function encodeBatchRef(ref: BatchRef): string {
  return `${ref.n}.${ref.r}.${ref.i.toString(36)}.${ref.s}`;
}

const BATCH_REF = /^([0-9a-f]{32})\.([A-Za-z0-9_-]{43})\.([0-9a-z]{1,11})\.([A-Za-z0-9_-]{22})$/;

function decodeBatchRef(text: string, j: number): BatchRef | string {
  const m = BATCH_REF.exec(text);
  if (!m) return `chain.${j}: batch reference malformed`;
  return { n: m[1] as string, r: m[2] as string, i: parseInt(m[3] as string, 36), s: m[4] as string };
}

/** Validates a terms object once per distinct JSON text (a batch shares one). */
export function parseTerms(input: unknown): SharingTerms | string {
  const key = JSON.stringify(input);
  let terms = TERMS_SEEN.get(key);
  if (!terms) {
    const t = SharingTermsSchema.safeParse(input);
    if (!t.success) return `terms: ${t.error.issues[0]?.message ?? 'invalid'}`;
    terms = t.data;
    if (TERMS_SEEN.size > 1000) TERMS_SEEN.clear();
    TERMS_SEEN.set(key, terms);
    TERMS_KEYS.set(terms, key);
  }
  return terms;
}

/**
 * Parses and checks the wire form of a chain; the reason when it is malformed. A version 2
 * chain's last hop is resolved by `resolve` (without one, or for an unknown batch, it fails).
 */
export function parseProvenance(
  input: unknown,
  resolve?: BatchResolver,
): { ok: true; value: Provenance } | { ok: false; reason: string } {
  const bad = (reason: string) => ({ ok: false as const, reason });
  if (!input || typeof input !== 'object' || Array.isArray(input)) return bad('not an object');
  const p = input as { v?: unknown; chain?: unknown; terms?: unknown };
  if (p.v !== 1 && p.v !== 2) return bad('v: unsupported version');
  for (const k in p) if (k !== 'v' && k !== 'chain' && k !== 'terms') return bad(`${k}: unknown property`);
  if (!Array.isArray(p.chain) || p.chain.length < 1 || p.chain.length > 16) return bad('chain: 1 to 16 hops');
  let terms: SharingTerms | undefined;
  if (p.terms !== undefined) {
    const t = parseTerms(p.terms);
    if (typeof t === 'string') return bad(t);
    terms = t;
  }
  const last = p.chain.length - 1;
  const chain: Hop[] = [];
  for (let j = 0; j <= last; j++) {
    const text: unknown = p.chain[j];
    if (typeof text !== 'string' || text.length > 2048) return bad(`chain.${j}: not a hop`);
    let h: Hop | string;
    if (p.v === 2 && j === last) {
      const ref = decodeBatchRef(text, j);
      if (typeof ref === 'string') return bad(ref);
      h = resolve ? resolve(ref, j) : `chain.${j}: batch ${ref.r} of ${ref.n} is unknown here`;
      // The originator's terms travel with its batch, or beside the chain: never both.
      if (typeof h !== 'string' && j === 0 && terms) return bad('terms: set by the batch');
    } else h = decodeHop(text, j);
    if (typeof h === 'string') return bad(h);
    chain.push(j === 0 && terms ? { ...h, terms } : h);
  }
  return { ok: true, value: { v: p.v, chain } };
}

/** The audit path of a hop as 32-byte hashes. */
export function pathOf(hop: Hop): Buffer[] {
  const all = Buffer.from(hop.p, 'base64url');
  const out: Buffer[] = [];
  for (let k = 0; k + 32 <= all.length; k += 32) out.push(all.subarray(k, k + 32));
  return out;
}

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

/** The statement of a hop (at chain position `index`). */
export function statementOf(hop: BatchHop, index: number): Statement {
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

/** Splits an object into its core (what is hashed; `o` itself when it has no chain) and its chain (unparsed). */
export function splitProvenance(o: Readonly<Record<string, unknown>>): {
  core: Record<string, unknown>;
  provenance: unknown;
} {
  // Most objects a node shares carry no chain: they are their own core.
  if (!(PROVENANCE_PROPERTY in o)) return { core: o as Record<string, unknown>, provenance: undefined };
  // A plain loop: object rest with a computed key takes a slow path in V8.
  const core: Record<string, unknown> = {};
  for (const k in o) if (k !== PROVENANCE_PROPERTY) core[k] = o[k];
  return { core, provenance: o[PROVENANCE_PROPERTY] };
}
