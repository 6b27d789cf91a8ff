/**
 * @module
 * Picks the importer: by the `--format` given, else by the file's name and first bytes.
 */
import { AppError } from '@intersoc/core';
import type { ImportResult } from '../model/types.js';
import { isDependencyCsv, parseDependencyCsv } from './csv.js';
import { parseEdgeList, type EdgeListOptions } from './edgelist.js';
import { parseGraphml } from './graphml.js';
import { graphFromJson } from './json.js';
import { graphFromStix } from './stix.js';

/** Import formats. */
export type ImportFormat = 'csv' | 'json' | 'graphml' | 'stix' | 'edgelist';

/** Every import format. */
export const IMPORT_FORMATS: readonly ImportFormat[] = ['csv', 'json', 'graphml', 'stix', 'edgelist'];

/** Largest document the importers take (bytes of text). */
export const MAX_IMPORT_BYTES = 512 * 1024 * 1024;

/** Guesses the format of a document. */
export function detectFormat(text: string, fileName = ''): ImportFormat {
  const lower = fileName.toLowerCase();
  const head = text
    .slice(0, 4096)
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (lower.endsWith('.graphml') || head.startsWith('<')) return 'graphml';
  if (head.startsWith('{') || head.startsWith('[')) {
    return /"type"\s*:\s*"(bundle|infrastructure|relationship)"/.test(text.slice(0, 65536)) ? 'stix' : 'json';
  }
  return isDependencyCsv(text) ? 'csv' : 'edgelist';
}

/** Parses a document in a format (detected when not given). */
export function importGraph(
  text: string,
  o: { readonly format?: ImportFormat; readonly fileName?: string } & EdgeListOptions = {},
): ImportResult & { readonly format: ImportFormat } {
  if (text.length > MAX_IMPORT_BYTES)
    throw new AppError('PAYLOAD_TOO_LARGE', `documents of at most ${MAX_IMPORT_BYTES} bytes`);
  let format = o.format ?? detectFormat(text, o.fileName);
  // A CSV without the dependency header is an edge list (the power-grid files).
  if (format === 'csv' && !isDependencyCsv(text)) format = 'edgelist';
  const json = (): unknown => {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new AppError('PARSE', `not JSON: ${(err as Error).message}`);
    }
  };
  switch (format) {
    case 'csv':
      return { ...parseDependencyCsv(text), format };
    case 'edgelist':
      return {
        ...parseEdgeList(text, {
          ...(o.coordinates !== undefined ? { coordinates: o.coordinates } : {}),
          ...(o.sector !== undefined ? { sector: o.sector } : {}),
        }),
        format,
      };
    case 'graphml':
      return { ...parseGraphml(text), format };
    case 'json':
      return { ...graphFromJson(json()), format };
    case 'stix':
      return { ...graphFromStix(json()), format };
  }
}
