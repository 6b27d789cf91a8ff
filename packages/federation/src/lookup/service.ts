/**
 * @module
 * Private lookups between peers. Answering: the tag set of the values this node has seen
 * itself (its own indicators and observables, not what peers sent it, so an answer never echoes
 * a peer), computed once per value and cached, and rate-limited blind evaluations. Asking: one
 * blinded round per peer, with the evaluation's proof checked against the key the peer
 * published with its set.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { AppError, systemContext } from '@intersoc/core';
import { indicatorsFromStix, type IocKind } from '@intersoc/cti';
import { federationDir } from '../identity/identity.js';
import { b64u, fromB64u } from '../internal/bytes.js';
import { RateLimiter } from '../transport/request-auth.js';
import { PeerClient } from '../transport/peer-client.js';
import type { FedContext } from '../sync/context.js';
import { blindInputs, finalizeTags, lookupInput, LookupServer, TagSet } from './oprf.js';

/** Most values evaluated in one request. */
export const MAX_EVALUATIONS = 64;

/** The seed of the node's lookup key (`<data>/federation/lookup.seed`, created on first use). */
export function loadLookupSeed(dataDir: string): Uint8Array {
  const file = path.join(federationDir(dataDir), 'lookup.seed');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
}

const SCO_KINDS: Readonly<Record<string, IocKind>> = {
  'ipv4-addr': 'ip',
  'ipv6-addr': 'ip',
  'domain-name': 'domain',
  url: 'url',
  'email-addr': 'email',
};

/** The published set. */
export interface PublishedSet {
  readonly public_key: string;
  readonly tags: string;
  readonly size: number;
  /** False while tags are still being computed (large stores). */
  readonly complete: boolean;
}

/** One peer's answer to a lookup. */
export interface LookupAnswer {
  readonly peer: string;
  readonly name: string;
  readonly seen?: boolean;
  readonly error?: string;
}

/** The lookup service of a node. */
export class LookupService {
  private readonly server: LookupServer;
  private readonly limiter: RateLimiter;
  private cached: PublishedSet | undefined;

  constructor(
    private readonly fx: FedContext,
    seed: Uint8Array,
  ) {
    this.server = new LookupServer(seed);
    this.limiter = new RateLimiter(fx.config.lookupsPerMinute, fx.now);
  }

  /** Forgets the published set (the store changed). */
  invalidate(): void {
    this.cached = undefined;
  }

  /** Inputs of the values this node saw itself. */
  private inputs(): string[] {
    const ctx = systemContext(this.fx.config.tenant);
    const out = new Set<string>();
    let after: string | undefined;
    const own: Record<string, unknown>[] = [];
    for (;;) {
      const page = this.fx.cti.query(ctx, {
        types: ['indicator', ...Object.keys(SCO_KINDS), 'file'],
        includeRevoked: false,
        limit: 5000,
        ...(after === undefined ? {} : { after }),
      });
      for (const o of page.objects)
        if (!o.provenance.source.startsWith('peer:')) own.push(o.object as Record<string, unknown>);
      if (!page.next) break;
      after = page.next;
    }
    const add = (kind: IocKind, value: unknown): void => {
      if (typeof value !== 'string') return;
      const input = lookupInput(kind, value);
      if (input) out.add(Buffer.from(input).toString('utf8'));
    };
    for (const s of indicatorsFromStix(own.filter((o) => o['type'] === 'indicator')).simple)
      if (!s.subdomains && !s.value.includes('/')) add(s.kind, s.value);
    for (const o of own) {
      const kind = SCO_KINDS[String(o['type'])];
      if (kind) add(kind, o['value']);
      if (o['type'] === 'file' && o['hashes'] && typeof o['hashes'] === 'object')
        for (const h of Object.values(o['hashes'] as Record<string, unknown>)) add('hash', h);
    }
    return [...out];
  }

  /** The tag set, computing missing tags within a time budget (ms). */
  published(budgetMs = 2000): PublishedSet {
    if (this.cached?.complete) return this.cached;
    const state = this.fx.state;
    const deadline = Date.now() + budgetMs;
    const tags: Buffer[] = [];
    let complete = true;
    for (const input of this.inputs()) {
      const cached = state.lookupTag(input);
      if (cached) {
        tags.push(cached);
        continue;
      }
      if (Date.now() > deadline) {
        complete = false;
        continue;
      }
      const tag = this.server.tag(Buffer.from(input, 'utf8'));
      state.setLookupTag(input, tag);
      tags.push(tag);
    }
    this.cached = { public_key: b64u(this.server.publicKey), tags: TagSet.pack(tags), size: tags.length, complete };
    return this.cached;
  }

  /** Evaluates blinded elements for a peer (rate-limited per peer). */
  evaluate(peer: string, blinded: readonly string[]): { evaluated: string[]; proof: string } {
    if (blinded.length === 0 || blinded.length > MAX_EVALUATIONS)
      throw new AppError('VALIDATION', `1 to ${MAX_EVALUATIONS} blinded elements per request`);
    if (!this.limiter.admit(peer, blinded.length)) throw new AppError('RATE_LIMITED', 'too many lookups');
    const points = blinded.map((b) => {
      const p = fromB64u(b);
      if (!p || p.length !== 32) throw new AppError('VALIDATION', 'blinded elements are 32-byte ristretto255 points');
      return p;
    });
    try {
      const r = this.server.evaluate(points);
      return { evaluated: r.evaluated.map((e) => b64u(e)), proof: b64u(r.proof) };
    } catch {
      throw new AppError('VALIDATION', 'not a valid ristretto255 point');
    }
  }

  /** Asks every reachable peer whether it has seen a value, without showing it. */
  async ask(kind: IocKind, value: string): Promise<LookupAnswer[]> {
    const input = lookupInput(kind, value);
    if (!input) throw new AppError('VALIDATION', `not a valid ${kind}`);
    const peers = this.fx.peers.active().filter((p) => p.endpoint !== undefined);
    return Promise.all(
      peers.map(async (p): Promise<LookupAnswer> => {
        try {
          const client = new PeerClient(
            this.fx.keys,
            { nodeId: p.nodeId, publicKey: p.publicKey, endpoint: p.endpoint as string },
            this.fx.fetch,
          );
          const set = await client.json<PublishedSet>('GET', '/federation/v1/lookup/set');
          const q = blindInputs([input]);
          const ev = await client.json<{ evaluated: string[]; proof: string }>(
            'POST',
            '/federation/v1/lookup/evaluate',
            {
              blinded: q.blinded.map((b) => b64u(b)),
            },
          );
          const key = fromB64u(set.public_key);
          const proof = fromB64u(ev.proof);
          if (!key || !proof) throw new Error('malformed answer');
          const [tag] = finalizeTags(
            q,
            ev.evaluated.map((e) => fromB64u(e) ?? Buffer.alloc(0)),
            proof,
            key,
          );
          return { peer: p.nodeId, name: p.name, seen: TagSet.unpack(set.tags).has(tag as Buffer) };
        } catch (err) {
          return { peer: p.nodeId, name: p.name, error: (err as Error).message };
        }
      }),
    );
  }
}
