/**
 * @module
 * The TAXII 2.1 server as a Fastify 5 plugin (encapsulated: its hooks apply to its routes
 * only). The API mounts it at `/taxii2/`. Authentication is injected (HTTP Basic and API tokens
 * are the caller's business); permissions are per collection, read and write separately, for
 * tenants and partners, with a TLP ceiling for anyone outside the owner tenant.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthContext } from '@intersoc/core';
import type { SchemaValidator } from '../stix/schema-validator.js';
import { validateStix } from '../stix/validate.js';
import { isPartner } from '../store/policy.js';
import { TLP_LEVELS, tlpAllows, type TlpLevel } from '../taxonomies/tlp.js';
import type { ObjectFilter, TaxiiBackend, TaxiiCollection, TaxiiRecord } from './backend.js';
import {
  acceptsTaxii21,
  isTaxii21,
  parseTaxiiTimestamp,
  STIX_MEDIA_TYPE,
  TAXII_MEDIA_TYPE,
  taxiiTimestamp,
} from './media.js';

/** What `authenticate` sees of a request (signature schemes need the method and target too). */
export interface TaxiiAuthRequest {
  readonly authorization?: string;
  /** Client address (for brute-force throttles on passwords). */
  readonly ip?: string;
  readonly method?: string;
  /** Path and query as requested. */
  readonly url?: string;
}

/** Options of the plugin. */
export interface TaxiiServerOptions {
  readonly backend: TaxiiBackend;
  /**
   * Resolves the caller from the request; undefined means 401. An error it throws with a
   * `statusCode` (e.g. 429) is answered with that status.
   */
  authenticate(req: TaxiiAuthRequest): Promise<AuthContext | undefined>;
  readonly title?: string;
  readonly description?: string;
  readonly contact?: string;
  /** API root name served as `default` in discovery. */
  readonly defaultRoot?: string;
  /** Largest page; `limit` is clamped to it (default 100). */
  readonly maxPageSize?: number;
  /** Status resources older than this are removed (default 24 h). */
  readonly statusRetentionMs?: number;
  /** Overrides the default permission model. */
  readonly access?: (ctx: AuthContext, c: TaxiiCollection) => { read: boolean; write: boolean };
  /**
   * Overrides the TLP levels a caller reads in a collection ('' = unmarked; undefined = all;
   * `default` = the default ceiling), e.g. for collections whose content a sharing policy
   * already selected per recipient.
   */
  readonly readableTlps?: (ctx: AuthContext, c: TaxiiCollection) => readonly string[] | undefined | 'default';
  /** Checks a request body against its credentials (e.g. a signed digest); a reason means 401. */
  readonly checkBody?: (req: TaxiiAuthRequest, raw: string) => string | undefined;
  /** Largest body read at all, bytes (default 1 GiB; API roots' max_content_length still applies). */
  readonly bodyLimit?: number;
  /** Route config the host application requires on every route (e.g. access declarations). */
  readonly routeConfig?: (method: string) => Record<string, unknown>;
  /** OASIS schemas that posted objects must also satisfy; the code rules always apply. */
  readonly schemas?: SchemaValidator;
  /**
   * The backend validates posted objects itself (a bridge into a CTI store, which refuses
   * invalid objects one by one and journals refusals), so the server does not check them twice.
   */
  readonly backendValidates?: boolean;
}

/** Read and write rights of a caller on a collection under the default model. */
export function collectionAccess(ctx: AuthContext, c: TaxiiCollection): { read: boolean; write: boolean } {
  if (ctx.tenant === c.acl.tenant && !isPartner(ctx)) {
    return { read: true, write: ctx.roles.some((r) => r === 'admin' || r === 'analyst') };
  }
  const principals = new Set([
    '*',
    `tenant:${ctx.tenant}`,
    `user:${ctx.user}`,
    ...(isPartner(ctx) ? [`partner:${ctx.user}`] : []),
  ]);
  return { read: c.acl.read.some((p) => principals.has(p)), write: c.acl.write.some((p) => principals.has(p)) };
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly description?: string,
  ) {
    super(title);
  }
}

const ctxOf = new WeakMap<FastifyRequest, AuthContext>();

/** Who may read a status resource: the tenant and user that posted (ids alone are not secrets). */
function statusOwner(ctx: AuthContext): string {
  return `${ctx.tenant}/${ctx.user}`;
}

function authRequest(req: FastifyRequest): TaxiiAuthRequest {
  return {
    ...(req.headers.authorization === undefined ? {} : { authorization: req.headers.authorization }),
    method: req.method,
    url: req.url,
    ip: req.ip,
  };
}

type Query = Record<string, string | string[] | undefined>;

function one(q: Query, k: string): string | undefined {
  const v = q[k];
  return Array.isArray(v) ? v[v.length - 1] : v;
}
function list(q: Query, k: string): string[] | undefined {
  const v = one(q, k);
  return v === undefined
    ? undefined
    : v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
}

/** The Fastify plugin. */
export async function taxiiServer(app: FastifyInstance, opts: TaxiiServerOptions): Promise<void> {
  const { backend } = opts;
  const maxPage = opts.maxPageSize ?? 100;
  const access = opts.access ?? collectionAccess;
  // Absolute URLs of API roots are built from the request's host and the plugin's mount prefix.
  const base = (req: FastifyRequest): string => `${req.protocol}://${req.host}${app.prefix}/`;

  const parse = (req: FastifyRequest, body: string, done: (err: Error | null, body?: unknown) => void): void => {
    const refused = opts.checkBody?.(authRequest(req), body);
    if (refused !== undefined) {
      done(new HttpError(401, 'Body does not match its credentials', refused));
      return;
    }
    try {
      done(null, body === '' ? undefined : JSON.parse(body));
    } catch {
      done(new HttpError(400, 'Malformed JSON body'));
    }
  };
  app.addContentTypeParser(
    ['application/taxii+json', 'application/stix+json'],
    { parseAs: 'string', bodyLimit: opts.bodyLimit ?? 1 << 30 },
    parse,
  );

  app.setErrorHandler((err: Error & { statusCode?: number; retryAfterSeconds?: number }, _req, reply) => {
    const status = err instanceof HttpError ? err.status : (err.statusCode ?? 500);
    const title =
      err instanceof HttpError
        ? err.title
        : status === 415
          ? 'Unsupported media type'
          : status === 413
            ? 'Request too large'
            : status >= 500
              ? 'Internal error'
              : err.message;
    const body: Record<string, unknown> = { title, http_status: String(status) };
    if (err instanceof HttpError && err.description) body['description'] = err.description;
    if (status === 401) void reply.header('WWW-Authenticate', 'Basic realm="INTERSOC TAXII", Bearer');
    if (status === 429 && err.retryAfterSeconds !== undefined)
      void reply.header('Retry-After', String(err.retryAfterSeconds));
    void reply
      .code(status)
      .type(TAXII_MEDIA_TYPE)
      .send(Buffer.from(JSON.stringify(body)));
  });

  // Declared on each route, not in an onRoute hook: the host's own onRoute checks run first.
  const cfg = (method: string) => (opts.routeConfig ? { config: opts.routeConfig(method) } : {});

  app.addHook('onRequest', async (req) => {
    const ctx = await opts.authenticate(authRequest(req));
    if (!ctx) throw new HttpError(401, 'Authentication required');
    ctxOf.set(req, ctx);
    if (!acceptsTaxii21(req.headers.accept))
      throw new HttpError(406, 'Not acceptable', `use Accept: ${TAXII_MEDIA_TYPE}`);
  });

  // Refuse oversized bodies before reading them.
  app.addHook('preParsing', async (req, _reply, payload) => {
    if (req.method !== 'POST') return payload;
    const name = (req.params as { root?: string }).root;
    const root = backend.apiRoots().find((r) => r.name === name);
    const length = Number(req.headers['content-length'] ?? '0');
    if (root && length > root.maxContentLength)
      throw new HttpError(413, 'Request too large', `max_content_length is ${root.maxContentLength}`);
    return payload;
  });

  // Bodies go out as buffers: Fastify rewrites the media type of string JSON replies
  // (`version="2.1"; charset=utf-8`), while TAXII clients compare the exact type.
  const raw = (reply: FastifyReply, text: string, status = 200): FastifyReply =>
    reply.code(status).type(TAXII_MEDIA_TYPE).send(Buffer.from(text));
  const send = (reply: FastifyReply, body: unknown, status = 200): FastifyReply =>
    raw(reply, JSON.stringify(body), status);
  const auth = (req: FastifyRequest): AuthContext => ctxOf.get(req) as AuthContext;
  const rootOf = (name: string) => {
    const root = backend.apiRoots().find((r) => r.name === name);
    if (!root) throw new HttpError(404, 'Unknown API root');
    return root;
  };
  const collectionFor = (req: FastifyRequest, root: string, id: string, need: 'read' | 'write'): TaxiiCollection => {
    rootOf(root);
    const c = backend.collection(root, id);
    const a = c ? access(auth(req), c) : undefined;
    if (!c || !a || (!a.read && !a.write)) throw new HttpError(404, 'Unknown collection');
    if (!a[need]) throw new HttpError(403, `Collection not ${need === 'read' ? 'readable' : 'writable'}`);
    return c;
  };
  const readableTlps = (ctx: AuthContext, c: TaxiiCollection): readonly string[] | undefined => {
    if (opts.readableTlps) {
      const chosen = opts.readableTlps(ctx, c);
      if (chosen !== 'default') return chosen;
    }
    if (ctx.tenant === c.acl.tenant && !isPartner(ctx)) return undefined;
    const ceiling: TlpLevel = c.acl.maxTlp && tlpAllows('amber', c.acl.maxTlp) ? c.acl.maxTlp : 'amber';
    const levels: string[] = TLP_LEVELS.filter((l) => tlpAllows(ceiling, l));
    // Unmarked objects count as AMBER: readable only when AMBER is.
    if (tlpAllows(ceiling, 'amber')) levels.push('');
    return levels;
  };

  app.get('/', cfg('GET'), async (req, reply) => {
    const roots = backend.apiRoots();
    const b = base(req);
    return send(reply, {
      title: opts.title ?? 'INTERSOC TAXII 2.1',
      ...(opts.description ? { description: opts.description } : {}),
      ...(opts.contact ? { contact: opts.contact } : {}),
      ...(opts.defaultRoot ? { default: `${b}${opts.defaultRoot}/` } : {}),
      api_roots: roots.map((r) => `${b}${r.name}/`),
    });
  });

  app.get<{ Params: { root: string } }>('/:root/', cfg('GET'), async (req, reply) => {
    const r = rootOf(req.params.root);
    return send(reply, {
      title: r.title,
      ...(r.description ? { description: r.description } : {}),
      versions: [TAXII_MEDIA_TYPE],
      max_content_length: r.maxContentLength,
    });
  });

  app.get<{ Params: { root: string; id: string } }>('/:root/status/:id/', cfg('GET'), async (req, reply) => {
    rootOf(req.params.root);
    const s = backend.status(req.params.root, req.params.id, statusOwner(auth(req)));
    if (!s) throw new HttpError(404, 'Unknown status');
    return send(reply, s);
  });

  const collectionResource = (c: TaxiiCollection, a: { read: boolean; write: boolean }) => ({
    id: c.id,
    title: c.title,
    ...(c.description ? { description: c.description } : {}),
    ...(c.alias ? { alias: c.alias } : {}),
    can_read: a.read,
    can_write: a.write,
    media_types: c.mediaTypes,
  });

  app.get<{ Params: { root: string } }>('/:root/collections/', cfg('GET'), async (req, reply) => {
    rootOf(req.params.root);
    const ctx = auth(req);
    const cs = backend
      .collections(req.params.root)
      .map((c) => ({ c, a: access(ctx, c) }))
      .filter(({ a }) => a.read || a.write)
      .map(({ c, a }) => collectionResource(c, a));
    return send(reply, cs.length > 0 ? { collections: cs } : {});
  });

  app.get<{ Params: { root: string; cid: string } }>('/:root/collections/:cid/', cfg('GET'), async (req, reply) => {
    rootOf(req.params.root);
    const c = backend.collection(req.params.root, req.params.cid);
    const a = c ? access(auth(req), c) : undefined;
    if (!c || !a || (!a.read && !a.write)) throw new HttpError(404, 'Unknown collection');
    return send(reply, collectionResource(c, a));
  });

  /** Builds the filter of a GET from its query, checking the `next` token. */
  const filterOf = (
    q: Query,
    tlps: readonly string[] | undefined,
    extra: { ids?: string[] } = {},
  ): { f: ObjectFilter; hash: string } => {
    const limitText = one(q, 'limit');
    let limit = maxPage;
    if (limitText !== undefined) {
      if (!/^\d+$/.test(limitText) || Number(limitText) <= 0)
        throw new HttpError(400, 'limit must be a positive integer');
      limit = Math.min(Number(limitText), maxPage);
    }
    const addedAfterText = one(q, 'added_after');
    const addedAfter = addedAfterText === undefined ? undefined : parseTaxiiTimestamp(addedAfterText);
    if (addedAfterText !== undefined && addedAfter === undefined)
      throw new HttpError(400, 'added_after is not a timestamp');
    const versionList = list(q, 'match[version]');
    let versions: ObjectFilter['versions'] = 'last';
    if (versionList?.includes('all')) versions = 'all';
    else if (versionList && versionList.length === 1 && (versionList[0] === 'first' || versionList[0] === 'last'))
      versions = versionList[0];
    else if (versionList) versions = versionList.filter((v) => v !== 'first' && v !== 'last');
    const specVersions = list(q, 'match[spec_version]');
    if (specVersions?.some((s) => s !== '2.0' && s !== '2.1'))
      throw new HttpError(400, 'match[spec_version] takes 2.0 and 2.1');
    const ids = extra.ids ?? list(q, 'match[id]');
    const types = list(q, 'match[type]');
    const hash = createHash('sha256')
      .update(JSON.stringify([ids, types, versionList, specVersions, addedAfterText]))
      .digest('base64url')
      .slice(0, 16);
    const next = one(q, 'next');
    let after: ObjectFilter['after'];
    if (next !== undefined) {
      const m = /^([0-9a-z]+)-([0-9a-z]+)\.(.+)$/.exec(next);
      if (!m || m[3] !== hash) throw new HttpError(400, 'next does not belong to this query');
      after = { dateAdded: parseInt(m[1] as string, 36), seq: parseInt(m[2] as string, 36) };
    }
    const f: ObjectFilter = {
      limit,
      versions,
      ...(ids ? { ids } : {}),
      ...(types ? { types } : {}),
      ...(specVersions ? { specVersions } : {}),
      ...(addedAfter === undefined ? {} : { addedAfter }),
      ...(after === undefined ? {} : { after }),
      ...(tlps ? { tlps } : {}),
    };
    return { f, hash };
  };

  const page = (reply: FastifyReply, rows: TaxiiRecord[], f: ObjectFilter, hash: string) => {
    const more = rows.length > f.limit;
    const shown = rows.slice(0, f.limit);
    const first = shown[0];
    const last = shown[shown.length - 1];
    if (first && last) {
      void reply.header('X-TAXII-Date-Added-First', taxiiTimestamp(first.dateAdded));
      void reply.header('X-TAXII-Date-Added-Last', taxiiTimestamp(last.dateAdded));
    }
    return {
      shown,
      more,
      next: more && last ? `${last.dateAdded.toString(36)}-${last.seq.toString(36)}.${hash}` : undefined,
    };
  };

  app.get<{ Params: { root: string; cid: string }; Querystring: Query }>(
    '/:root/collections/:cid/objects/',
    cfg('GET'),
    async (req, reply) => {
      const c = collectionFor(req, req.params.root, req.params.cid, 'read');
      const { f, hash } = filterOf(req.query, readableTlps(auth(req), c));
      const p = page(reply, backend.queryObjects(c.apiRoot, c.id, f), f, hash);
      const objects = p.shown.map((r) => r.json).join(',');
      // Objects are stored as JSON text; the envelope is assembled without re-parsing them.
      const body = `{"more":${p.more}${p.next ? `,"next":${JSON.stringify(p.next)}` : ''}${p.shown.length > 0 ? `,"objects":[${objects}]` : ''}}`;
      return raw(reply, body);
    },
  );

  app.get<{ Params: { root: string; cid: string }; Querystring: Query }>(
    '/:root/collections/:cid/manifest/',
    cfg('GET'),
    async (req, reply) => {
      const c = collectionFor(req, req.params.root, req.params.cid, 'read');
      const { f, hash } = filterOf(req.query, readableTlps(auth(req), c));
      const p = page(reply, backend.queryObjects(c.apiRoot, c.id, f), f, hash);
      return send(reply, {
        more: p.more,
        ...(p.next ? { next: p.next } : {}),
        ...(p.shown.length > 0
          ? {
              objects: p.shown.map((r) => ({
                id: r.id,
                date_added: taxiiTimestamp(r.dateAdded),
                version: r.version,
                media_type:
                  r.specVersion === '2.1' ? STIX_MEDIA_TYPE : `application/stix+json;version=${r.specVersion}`,
              })),
            }
          : {}),
      });
    },
  );

  app.get<{ Params: { root: string; cid: string; oid: string }; Querystring: Query }>(
    '/:root/collections/:cid/objects/:oid/',
    cfg('GET'),
    async (req, reply) => {
      const c = collectionFor(req, req.params.root, req.params.cid, 'read');
      const { f, hash } = filterOf(req.query, readableTlps(auth(req), c), { ids: [req.params.oid] });
      const rows = backend.queryObjects(c.apiRoot, c.id, f);
      if (rows.length === 0 && f.after === undefined && f.addedAfter === undefined) {
        const any = backend.queryObjects(c.apiRoot, c.id, {
          ids: [req.params.oid],
          versions: 'all',
          limit: 1,
          ...(f.tlps ? { tlps: f.tlps } : {}),
        });
        if (any.length === 0) throw new HttpError(404, 'Unknown object');
      }
      const p = page(reply, rows, f, hash);
      const body = `{"more":${p.more}${p.next ? `,"next":${JSON.stringify(p.next)}` : ''}${p.shown.length > 0 ? `,"objects":[${p.shown.map((r) => r.json).join(',')}]` : ''}}`;
      return raw(reply, body);
    },
  );

  app.get<{ Params: { root: string; cid: string; oid: string }; Querystring: Query }>(
    '/:root/collections/:cid/objects/:oid/versions/',
    cfg('GET'),
    async (req, reply) => {
      const c = collectionFor(req, req.params.root, req.params.cid, 'read');
      const q: Query = { ...req.query, 'match[version]': 'all' };
      const { f, hash } = filterOf(q, readableTlps(auth(req), c), { ids: [req.params.oid] });
      const rows = backend.queryObjects(c.apiRoot, c.id, f);
      if (rows.length === 0 && f.after === undefined && f.addedAfter === undefined)
        throw new HttpError(404, 'Unknown object');
      const p = page(reply, rows, f, hash);
      return send(reply, {
        more: p.more,
        ...(p.next ? { next: p.next } : {}),
        ...(p.shown.length > 0 ? { versions: p.shown.map((r) => r.version) } : {}),
      });
    },
  );

  app.delete<{ Params: { root: string; cid: string; oid: string }; Querystring: Query }>(
    '/:root/collections/:cid/objects/:oid/',
    cfg('DELETE'),
    async (req, reply) => {
      const c = collectionFor(req, req.params.root, req.params.cid, 'write');
      if (!access(auth(req), c).read) throw new HttpError(403, 'Collection not readable');
      const versions = list(req.query, 'match[version]')?.filter((v) => v !== 'all');
      const n = backend.deleteObject(c.apiRoot, c.id, req.params.oid, versions);
      if (n === 0) throw new HttpError(404, 'Unknown object');
      return raw(reply, '');
    },
  );

  app.post<{ Params: { root: string; cid: string } }>(
    '/:root/collections/:cid/objects/',
    cfg('POST'),
    async (req, reply) => {
      rootOf(req.params.root);
      const c = collectionFor(req, req.params.root, req.params.cid, 'write');
      if (!isTaxii21(req.headers['content-type']))
        throw new HttpError(415, 'Unsupported media type', `use Content-Type: ${TAXII_MEDIA_TYPE}`);
      const body = req.body as { objects?: unknown } | undefined;
      if (!body || typeof body !== 'object' || Array.isArray(body) || !Array.isArray(body.objects) || 'type' in body) {
        throw new HttpError(422, 'Not an envelope', 'POST an envelope: {"objects": [...]}');
      }
      const requestTimestamp = taxiiTimestamp(Date.now() * 1000);
      const valid: Record<string, unknown>[] = [];
      const failures: { id: string; version?: string; message: string }[] = [];
      for (const o of body.objects as unknown[]) {
        const obj = o && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, unknown>) : undefined;
        if (!obj || typeof obj['id'] !== 'string' || typeof obj['type'] !== 'string' || obj['type'] === 'bundle') {
          failures.push({ id: String(obj?.['id'] ?? ''), message: 'not a STIX object (needs type and id)' });
          continue;
        }
        // Each object on its own: an invalid one fails with its reason, the rest are stored.
        const v = opts.backendValidates ? undefined : validateStix(obj, opts.schemas ? { schemas: opts.schemas } : {});
        const first = v?.errors[0];
        if (first) {
          const version = obj['modified'] ?? obj['created'];
          failures.push({
            id: obj['id'],
            ...(typeof version === 'string' ? { version } : {}),
            message: `invalid STIX: ${first.path} ${first.message}${(v?.errors.length ?? 0) > 1 ? ` (and ${(v?.errors.length ?? 1) - 1} more)` : ''}`,
          });
          continue;
        }
        valid.push(obj);
      }
      const outcomes = backend.addObjects(c.apiRoot, c.id, valid);
      for (const r of outcomes)
        if (r.error !== undefined)
          failures.push({ id: r.id, ...(r.version ? { version: r.version } : {}), message: r.error });
      const successes = outcomes
        .filter((r) => r.error === undefined)
        .map((r) => ({
          id: r.id,
          version: r.version,
          message: r.added ? `added to collection ${c.id}` : 'already present',
        }));
      const status = {
        id: randomUUID(),
        status: 'complete',
        request_timestamp: requestTimestamp,
        total_count: successes.length + failures.length,
        success_count: successes.length,
        successes,
        failure_count: failures.length,
        failures,
        pending_count: 0,
        pendings: [],
      };
      backend.pruneStatus(opts.statusRetentionMs ?? 86_400_000);
      backend.saveStatus(c.apiRoot, status, statusOwner(auth(req)));
      return send(reply, status, 202);
    },
  );
}
