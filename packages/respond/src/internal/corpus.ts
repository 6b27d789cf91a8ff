/**
 * @module
 * Where tests find the shared corpora (`../shared/corpora` beside the repository, or
 * `$INTERSOC_CORPORA`) and the CACAO material in it.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** The shared corpora. */
export const CORPORA = process.env['INTERSOC_CORPORA'] ?? path.resolve(repo, '../shared/corpora');

/** The CACAO folder of the corpora. */
export const CACAO_DIR = path.join(CORPORA, 'response', 'cacao');

/** The OASIS CACAO 2.0 schemas. */
export const CACAO_SCHEMAS = path.join(CACAO_DIR, 'cacao-json-schemas', 'schemas');
