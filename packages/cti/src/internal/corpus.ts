/**
 * @module
 * Where the shared reference corpora are, for tests and defaults: `$INTERSOC_CORPORA`, else
 * `../shared/corpora` beside the repository.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is in packages/cti/{src,dist}/internal). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** The corpora folder, or one of its sub-folders. */
export function corpusDir(...sub: string[]): string {
  const env = process.env['INTERSOC_CORPORA'];
  const base = env ? path.resolve(env) : path.resolve(REPO_ROOT, '../shared/corpora');
  return path.join(base, ...sub);
}
