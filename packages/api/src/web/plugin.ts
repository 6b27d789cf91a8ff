/**
 * @module
 * Serves the dashboard (the `@intersoc/web` build) on the API's port: its files with long-lived
 * caching for content-hashed assets and revalidation for the shell, and the shell for every other
 * non-API path so client-side routes survive a reload. The shell is public; all data comes from
 * authenticated API routes.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '@intersoc/core';
import type { ApiApp } from '../internal/app-types.js';
import { loadStaticFiles, type StaticFile } from './static-files.js';

/** Options of {@link registerWebApp}. */
export interface WebAppOptions {
  /** Folder with the built app (`index.html`, `assets/`). */
  readonly root: string;
}

/** Paths that belong to the API or the node, never to the app shell. */
const RESERVED = /^\/(api|metrics|taxii2?)(\/|$)/;

/**
 * Content Security Policy of the shell: everything from this origin only (the node works
 * offline, so nothing else is needed); inline style attributes are allowed because the chart
 * and graph libraries position elements with them.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>INTERSOC</title></head>
<body style="font-family:sans-serif;max-width:40em;margin:4em auto"><h1>INTERSOC</h1>
<p>The dashboard is not built on this node. Run <code>npm run build</code> in the repository root
(a fresh clone builds it with <code>npm ci</code>). The API is available under <a href="/api/docs">/api/docs</a>.</p>
</body></html>`;

function send(request: FastifyRequest, reply: FastifyReply, file: StaticFile, revalidate: boolean): FastifyReply {
  reply
    .header('content-type', file.type)
    .header('etag', file.etag)
    .header('vary', 'accept-encoding')
    .header('cache-control', revalidate || !file.immutable ? 'no-cache' : 'public, max-age=31536000, immutable');
  if (file.type.startsWith('text/html')) {
    reply
      .header('content-security-policy', CSP)
      .header('x-frame-options', 'DENY')
      .header('referrer-policy', 'no-referrer');
  }
  if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
  const accepts = String(request.headers['accept-encoding'] ?? '');
  if (file.gzip && /\bgzip\b/.test(accepts)) return reply.header('content-encoding', 'gzip').send(file.gzip);
  return reply.send(file.body);
}

/**
 * Registers `GET /` and `GET /*` for the app. API paths that match no route still get the
 * API's JSON 404. When `root` holds no build, the shell explains how to build it.
 *
 * @example
 * registerWebApp(app, { root: webDistDir() });
 */
export function registerWebApp(fastify: FastifyInstance, options: WebAppOptions): { readonly files: number } {
  const app = fastify as unknown as ApiApp;
  const files = loadStaticFiles(options.root);
  const shell = files.get('/index.html');

  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const pathname = (request.url.split('?')[0] ?? '/').replace(/\/{2,}/g, '/');
    if (RESERVED.test(pathname)) throw new AppError('NOT_FOUND', `no route ${request.method} ${pathname}`);
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      throw new AppError('BAD_REQUEST', 'malformed URL');
    }
    const file = files.get(decoded);
    if (file) return send(request, reply, file, decoded === '/index.html');
    // A missing asset is a 404, not the shell: a browser must not run HTML as a script.
    if (/\.[A-Za-z0-9]{1,8}$/.test(decoded)) throw new AppError('NOT_FOUND', `no file ${decoded}`);
    if (!shell) {
      return reply
        .code(503)
        .header('content-type', 'text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(NOT_BUILT);
    }
    return send(request, reply, shell, true);
  };

  const route = { config: { access: 'public' as const }, schema: { hide: true } };
  app.get('/', route, handler);
  app.get('/*', route, handler);
  return { files: files.size };
}
