/**
 * @module
 * The node's TAXII 2.1 server and the federation's peer endpoints, as one Fastify plugin. Users
 * reach the tenants' collections with their API credentials; peers reach their inbox and outbox
 * in the `federation` API root, and the private-lookup endpoints, with node-signed requests whose
 * answers are signed back. Bodies of signed requests must match the digest they signed.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isAppError, type AuthContext } from '@intersoc/core';
import { collectionAccess, TLP_LEVELS, taxiiServer, type TaxiiBackend, type TaxiiCollection } from '@intersoc/cti';
import { z } from 'zod';
import { cardOf } from '../identity/identity.js';
import type { Federation } from '../sync/federation.js';
import { peerOf } from '../sync/federation.js';
import { FEDERATION_ROOT } from './peer-client.js';
import { bodyMatches, isNodeAuth, parseAuthHeader, RESPONSE_SIGNATURE_HEADER, signResponse } from './request-auth.js';

/** Options of the plugin. */
export interface FederationHttpOptions {
  /** The TAXII backend (the bridge). */
  readonly backend: TaxiiBackend;
  /**
   * User authentication (API tokens, Basic) for the tenants' collections; the address feeds its
   * password throttle, and an error with a `statusCode` (429) is answered with it.
   */
  readonly authenticate: (req: { authorization?: string; ip?: string }) => Promise<AuthContext | undefined>;
  /** The federation; without it only users are served. */
  readonly federation?: Federation;
  /** Route config the host requires on every route (access declarations). */
  readonly routeConfig?: (method: string) => Record<string, unknown>;
  /** Largest body read, bytes. */
  readonly bodyLimit?: number;
}

const LOOKUP_MEDIA_TYPE = 'application/intersoc-lookup+json';
const EvaluateSchema = z.object({ blinded: z.array(z.string().max(64)).min(1).max(64) }).strict();

const STATUS: Readonly<Record<string, number>> = {
  BAD_REQUEST: 400,
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
};

/** The plugin; register it without a prefix (it serves `/taxii2/` and `/federation/v1/`). */
export async function federationHttp(app: FastifyInstance, o: FederationHttpOptions): Promise<void> {
  const fed = o.federation;
  const cfg = (method: string) => (o.routeConfig ? { config: o.routeConfig(method) } : {});

  // Answers to node-signed requests are signed, whatever their status.
  if (fed) {
    app.addHook('onSend', async (req, reply, payload) => {
      const f = isNodeAuth(req.headers.authorization) ? parseAuthHeader(req.headers.authorization) : undefined;
      if (!f) return payload;
      const bytes =
        payload === null || payload === undefined
          ? Buffer.alloc(0)
          : Buffer.isBuffer(payload)
            ? payload
            : typeof payload === 'string'
              ? Buffer.from(payload)
              : undefined;
      if (!bytes) return payload;
      void reply.header(
        RESPONSE_SIGNATURE_HEADER,
        signResponse(fed.fx.keys.privateKey, fed.me, reply.statusCode, f.nonce, bytes),
      );
      return bytes;
    });
  }

  await app.register(taxiiServer, {
    prefix: '/taxii2',
    backend: o.backend,
    // The bridge puts every posted object through the CTI store, which validates it.
    backendValidates: true,
    title: 'INTERSOC TAXII 2.1',
    defaultRoot: 'default',
    maxPageSize: 1000,
    ...(o.bodyLimit === undefined ? {} : { bodyLimit: o.bodyLimit }),
    ...(o.routeConfig ? { routeConfig: o.routeConfig } : {}),
    authenticate: async (req) => {
      if (isNodeAuth(req.authorization)) {
        if (!fed) return undefined;
        const r = fed.authenticatePeer({
          method: req.method ?? 'GET',
          url: req.url ?? '',
          ...(req.authorization === undefined ? {} : { authorization: req.authorization }),
        });
        if (r.ok) return r.ctx;
        if (r.refusal.status === 429) throw Object.assign(new Error('Too many requests'), { statusCode: 429 });
        return undefined;
      }
      return o.authenticate({
        ...(req.authorization === undefined ? {} : { authorization: req.authorization }),
        ...(req.ip === undefined ? {} : { ip: req.ip }),
      });
    },
    checkBody: (req, raw) =>
      isNodeAuth(req.authorization) && !bodyMatches(req.authorization, raw) ? 'body digest mismatch' : undefined,
    access: (ctx: AuthContext, c: TaxiiCollection) =>
      fed
        ? fed.access(ctx, c, collectionAccess)
        : c.apiRoot === FEDERATION_ROOT
          ? { read: false, write: false }
          : collectionAccess(ctx, c),
    // A peer's outbox holds exactly what the sharing policy selected for it.
    readableTlps: (ctx, c) => (c.apiRoot === FEDERATION_ROOT && peerOf(ctx) ? [...TLP_LEVELS, ''] : 'default'),
  });

  if (!fed) return;

  await app.register(async (peerApi) => {
    peerApi.addContentTypeParser(LOOKUP_MEDIA_TYPE, { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => {
      done(null, body);
    });
    peerApi.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
      const status = isAppError(err) ? (STATUS[err.code] ?? 500) : (err.statusCode ?? 500);
      void reply.code(status).send({ error: status >= 500 ? 'internal error' : err.message });
    });
    const peerOfRequest = (req: FastifyRequest): string => {
      const r = fed.authenticatePeer({
        method: req.method,
        url: req.url,
        ...(req.headers.authorization === undefined ? {} : { authorization: req.headers.authorization }),
      });
      if (!r.ok) throw new AppError(r.refusal.status === 429 ? 'RATE_LIMITED' : 'UNAUTHENTICATED', r.refusal.reason);
      return r.peer;
    };

    peerApi.get('/federation/v1/card', cfg('GET'), async () => cardOf(fed.fx.keys.identity));

    peerApi.get('/federation/v1/lookup/set', cfg('GET'), async (req) => {
      peerOfRequest(req);
      return fed.lookupSet();
    });

    peerApi.post('/federation/v1/lookup/evaluate', cfg('POST'), async (req: FastifyRequest, reply: FastifyReply) => {
      const peer = peerOfRequest(req);
      const raw = typeof req.body === 'string' ? req.body : '';
      if (!bodyMatches(req.headers.authorization, raw)) throw new AppError('UNAUTHENTICATED', 'body digest mismatch');
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        throw new AppError('BAD_REQUEST', 'malformed JSON');
      }
      const body = EvaluateSchema.safeParse(parsed);
      if (!body.success) throw new AppError('VALIDATION', 'expected {"blinded": [base64url points]}');
      return reply.send(fed.lookups.evaluate(peer, body.data.blinded));
    });
  });
}
