/**
 * @module
 * Test support: where the shared corpora are (`$INTERSOC_CORPORA`, else `../shared/corpora` beside
 * the repository) and small helpers to walk and read them. Tests never copy corpus files.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** The shared corpora directory. */
export const CORPORA = process.env['INTERSOC_CORPORA'] ?? path.resolve(REPO_ROOT, '../shared/corpora');

/** Files under `dir` (recursively) whose name ends with `suffix`, sorted. */
export function listFiles(dir: string, suffix: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(suffix)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Reads a file, gunzipping `.gz`, as UTF-8 text. */
export function readText(file: string): string {
  const bytes = readFileSync(file);
  return (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** The non-empty lines of a (possibly gzipped) file. */
export function readLines(file: string): string[] {
  return readText(file)
    .split('\n')
    .filter((l) => l.trim().length > 0);
}
