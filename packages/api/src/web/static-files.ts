/**
 * @module
 * The dashboard's built files, loaded once into memory with their type, ETag and a gzip copy.
 * The built app is a few megabytes, so memory is the simplest fast path and never touches the
 * disk per request.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** One file ready to serve. */
export interface StaticFile {
  readonly body: Buffer;
  readonly gzip?: Buffer;
  readonly type: string;
  readonly etag: string;
  /** Content-hashed file names may be cached forever. */
  readonly immutable: boolean;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.txt', '.map']);
const MAX_FILES = 2_000;

/** Loads every file below `root`, keyed by URL path (`/assets/index-abc123.js`). */
export function loadStaticFiles(root: string): Map<string, StaticFile> {
  const out = new Map<string, StaticFile>();
  if (!existsSync(path.join(root, 'index.html'))) return out;
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.')) continue;
      const full = path.join(dir, name);
      const st = statSync(full);
      if (st.isDirectory()) walk(full);
      else if (st.isFile() && out.size < MAX_FILES) {
        const ext = path.extname(name).toLowerCase();
        const body = readFileSync(full);
        const rel = `/${path.relative(root, full).split(path.sep).join('/')}`;
        const gzip = COMPRESSIBLE.has(ext) && body.length > 1024 ? gzipSync(body, { level: 9 }) : undefined;
        out.set(rel, {
          body,
          ...(gzip && gzip.length < body.length ? { gzip } : {}),
          type: TYPES[ext] ?? 'application/octet-stream',
          etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
          immutable: rel.startsWith('/assets/'),
        });
      }
    }
  };
  walk(root);
  return out;
}
