import { describe, expect, it } from 'vitest';
import { testKeys } from '../internal/testing.js';
import {
  bodyMatches,
  isNodeAuth,
  parseAuthHeader,
  RateLimiter,
  signRequest,
  signResponse,
  verifyRequest,
  verifyResponse,
  type RequestVerifierOptions,
} from './request-auth.js';

const a = testKeys('A');
const b = testKeys('B');
const NOW = Date.parse('2025-06-01T12:00:00Z');

function options(o: Partial<RequestVerifierOptions> = {}): RequestVerifierOptions {
  const seen = new Set<string>();
  return {
    me: b.identity.nodeId,
    peerKey: (id) => (id === a.identity.nodeId ? a.identity.publicKey : undefined),
    useNonce: (peer, nonce) => {
      const k = `${peer}:${nonce}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    },
    skewSeconds: 300,
    now: () => NOW,
    ...o,
  };
}

const sign = (target = '/taxii2/federation/collections/x/objects/', body?: string, now = NOW) =>
  signRequest(a.privateKey, {
    id: a.identity.nodeId,
    to: b.identity.nodeId,
    method: 'POST',
    target,
    now,
    ...(body === undefined ? {} : { body }),
  });

describe('node-key request authentication', () => {
  it('accepts a signed request once, and refuses its replay', () => {
    const o = options();
    const { header } = sign();
    const req = { method: 'POST', target: '/taxii2/federation/collections/x/objects/', authorization: header };
    expect(verifyRequest(o, req).ok).toBe(true);
    expect(verifyRequest(o, req)).toMatchObject({ ok: false, reason: { status: 401, reason: 'replayed request' } });
  });

  it('refuses another target, method, recipient, unknown keys, stale times and forged signatures', () => {
    const { header } = sign();
    const base = { method: 'POST', target: '/taxii2/federation/collections/x/objects/', authorization: header };
    expect(verifyRequest(options(), { ...base, target: '/taxii2/federation/collections/y/objects/' }).ok).toBe(false);
    expect(verifyRequest(options(), { ...base, method: 'DELETE' }).ok).toBe(false);
    expect(verifyRequest(options({ me: a.identity.nodeId }), base).ok).toBe(false);
    expect(verifyRequest(options({ peerKey: () => undefined }), base).ok).toBe(false);
    expect(verifyRequest(options({ now: () => NOW + 600_000 }), base).ok).toBe(false);
    const forged = header.replace(/sig="[^"]+"/, `sig="${'A'.repeat(86)}"`);
    expect(verifyRequest(options(), { ...base, authorization: forged }).ok).toBe(false);
    expect(verifyRequest(options(), { ...base, authorization: 'Bearer x' }).ok).toBe(false);
  });

  it('binds the body through its digest', () => {
    const { header } = sign('/t', '{"objects":[]}');
    expect(bodyMatches(header, '{"objects":[]}')).toBe(true);
    expect(bodyMatches(header, '{"objects":[1]}')).toBe(false);
    expect(isNodeAuth(header)).toBe(true);
    expect(parseAuthHeader(header)?.id).toBe(a.identity.nodeId);
  });

  it('rate-limits a peer only once its signature holds', () => {
    let calls = 0;
    const o = options({ admit: () => ++calls <= 1 });
    const ok = verifyRequest(o, { method: 'POST', target: '/t', authorization: sign('/t').header });
    expect(ok.ok).toBe(true);
    const limited = verifyRequest(o, { method: 'POST', target: '/t', authorization: sign('/t').header });
    expect(limited).toMatchObject({ ok: false, reason: { status: 429 } });
    const forged = sign('/t').header.replace(/sig="[^"]+"/, `sig="${'A'.repeat(86)}"`);
    verifyRequest(o, { method: 'POST', target: '/t', authorization: forged });
    expect(calls).toBe(2);
  });

  it('signs answers so the requester can tell them from a forger’s', () => {
    const h = signResponse(b.privateKey, b.identity.nodeId, 202, 'nonce1', Buffer.from('{"id":"s"}'));
    const check = (o: Partial<{ status: number; nonce: string; body: string; header: string }>) =>
      verifyResponse(b.identity.publicKey, b.identity.nodeId, {
        status: 202,
        nonce: 'nonce1',
        body: '{"id":"s"}',
        header: h,
        ...o,
      });
    expect(check({})).toBe(true);
    expect(check({ status: 200 })).toBe(false);
    expect(check({ nonce: 'nonce2' })).toBe(false);
    expect(check({ body: '{"id":"t"}' })).toBe(false);
    expect(
      verifyResponse(a.identity.publicKey, b.identity.nodeId, {
        status: 202,
        nonce: 'nonce1',
        body: '{"id":"s"}',
        header: h,
      }),
    ).toBe(false);
  });
});

describe('rate limiter', () => {
  it('allows a minute’s worth in a burst and refills over time', () => {
    let t = 0;
    const r = new RateLimiter(60, () => t);
    let n = 0;
    while (r.admit('p')) n++;
    expect(n).toBe(60);
    t += 1000;
    expect(r.admit('p')).toBe(true);
    expect(r.admit('p')).toBe(false);
    expect(r.admit('q')).toBe(true);
  });
});
