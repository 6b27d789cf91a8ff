/**
 * @module
 * HTTP client towards one peer: every request is signed with this node's key and addressed to
 * the peer's node id; every successful answer must carry the peer's signature over the status,
 * the request's nonce and the body, checked against the key pinned for that peer. The TAXII
 * client runs on top of it (its fetcher), so pushes and pulls are authenticated both ways.
 */
import { AppError } from '@intersoc/core';
import { TaxiiClient } from '@intersoc/cti';
import type { NodeKeys } from '../identity/identity.js';
import { RESPONSE_SIGNATURE_HEADER, signRequest, verifyResponse } from './request-auth.js';

/** API root of the exchange between nodes. */
export const FEDERATION_ROOT = 'federation';

/** What the client needs to know about the peer. */
export interface PeerAddress {
  readonly nodeId: string;
  readonly publicKey: string;
  readonly endpoint: string;
}

/** A signed HTTP client towards one peer. */
export class PeerClient {
  readonly fetch: typeof fetch;

  constructor(
    private readonly keys: NodeKeys,
    readonly peer: PeerAddress,
    private readonly base: typeof fetch = fetch,
    private readonly timeoutMs = 30_000,
  ) {
    this.fetch = (input, init) => this.request(input, init);
  }

  /** The peer's federation API root URL. */
  get rootUrl(): string {
    return `${this.peer.endpoint.replace(/\/+$/, '')}/taxii2/${FEDERATION_ROOT}/`;
  }

  /** A TAXII client whose requests are signed and whose answers are verified. */
  taxii(): TaxiiClient {
    return new TaxiiClient(undefined, this.fetch);
  }

  /** Sends a JSON request to a federation path and returns the verified JSON answer. */
  async json<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const url = `${this.peer.endpoint.replace(/\/+$/, '')}${path}`;
    const res = await this.fetch(url, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/intersoc-lookup+json' } }),
    });
    const text = await res.text();
    if (!res.ok)
      throw new AppError(
        res.status === 429 ? 'RATE_LIMITED' : 'BAD_REQUEST',
        `peer ${res.status}: ${text.slice(0, 200)}`,
      );
    return JSON.parse(text) as T;
  }

  private async request(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const method = (init.method ?? 'GET').toUpperCase();
    const body = typeof init.body === 'string' ? init.body : undefined;
    if (init.body !== undefined && init.body !== null && body === undefined)
      throw new AppError('INTERNAL', 'peer requests send text bodies');
    const { header, nonce } = signRequest(this.keys.privateKey, {
      id: this.keys.identity.nodeId,
      to: this.peer.nodeId,
      method,
      target: `${url.pathname}${url.search}`,
      ...(body === undefined ? {} : { body }),
    });
    const headers = new Headers(init.headers);
    headers.set('authorization', header);
    let res: Response;
    try {
      res = await this.base(url, { ...init, method, headers, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      throw new AppError('TIMEOUT', `peer ${this.peer.nodeId} unreachable: ${(err as Error).message}`, { cause: err });
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    const signed = verifyResponse(this.peer.publicKey, this.peer.nodeId, {
      status: res.status,
      nonce,
      body: bytes,
      header: res.headers.get(RESPONSE_SIGNATURE_HEADER),
    });
    // An unsigned refusal still tells us the request failed; an unsigned success is never believed.
    if (!signed && res.ok)
      throw new AppError('UNAUTHENTICATED', `answer from ${url.host} is not signed by peer ${this.peer.nodeId}`);
    return new Response(bytes.length === 0 || res.status === 204 ? null : bytes, {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
    });
  }
}
