/**
 * @module
 * Shared corpus loading for benchmarks: a fixed, deterministic sample of mordor lines.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { AppError } from '@intersoc/core';

/** Reads up to `max` mordor event lines, taking files in manifest order (deterministic). */
export function mordorLines(corpora: string, max: number): string[] {
  const dir = path.join(corpora, 'mordor');
  const manifest = path.join(dir, 'manifest.jsonl');
  if (!existsSync(manifest)) throw new AppError('NOT_FOUND', `mordor corpus not found at ${dir}`);
  const files = readFileSync(manifest, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { file: string }).file)
    .filter((f) => f.endsWith('.jsonl.gz'));
  const out: string[] = [];
  for (const f of files) {
    const text = gunzipSync(readFileSync(path.join(dir, f))).toString('utf8');
    for (const line of text.split('\n')) {
      // A few datasets hold pretty-printed JSON; keep whole one-line records only.
      if (line.length === 0 || line[0] !== '{' || !isJson(line)) continue;
      out.push(line);
      if (out.length >= max) return out;
    }
  }
  return out;
}

function isJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}
