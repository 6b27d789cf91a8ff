/**
 * @module
 * TRAM's labelled sentences (`single_label.json`: text, technique, document title) and its
 * negative sentences, and the split **by document**: every sentence of a report falls on the
 * same side, so the held-out figures say how the model does on reports it never saw, not on
 * neighbouring sentences of reports it trained on. The split is a hash of the title: stable,
 * whatever the order of the file.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '@intersoc/core';

/** One labelled sentence. */
export interface LabelledSentence {
  readonly text: string;
  /** Technique ids; empty for a sentence that names none. */
  readonly labels: readonly string[];
  /** The document it comes from (the split key). */
  readonly doc: string;
}

const SingleLabel = z.array(z.object({ text: z.string(), label: z.string(), doc_title: z.string() }));

/** Reads TRAM's `single_label.json` from its corpus folder. */
export function readTramSingleLabel(dir: string): LabelledSentence[] {
  const file = path.join(dir, 'single_label.json');
  const parsed = SingleLabel.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new AppError('PARSE', `${file}: not TRAM's single_label format`);
  return parsed.data.map((r) => ({ text: r.text, labels: [r.label.trim().toUpperCase()], doc: r.doc_title }));
}

/** Reads TRAM's negative sentences (`negative_data.json`), keeping those of at least `minWords` words. */
export function readTramNegatives(dir: string, minWords = 5): LabelledSentence[] {
  const file = path.join(dir, 'negative_data.json');
  const raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(raw)) throw new AppError('PARSE', `${file}: not a list of sentences`);
  return raw
    .filter((s): s is string => typeof s === 'string' && s.trim().split(/\s+/).length >= minWords)
    .map((text) => ({ text, labels: [], doc: `negative:${hashOf(text).slice(0, 8)}` }));
}

function hashOf(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/** The fold (0 to folds - 1) of a document, from a hash of its title. */
export function foldOf(doc: string, folds: number, seed = 'tram'): number {
  return parseInt(hashOf(`${seed}\0${doc}`).slice(0, 8), 16) % folds;
}

/** Splits sentences by document: fold `test` is held out. */
export function splitByDocument<T extends { readonly doc: string }>(
  items: readonly T[],
  folds: number,
  test: number,
  seed = 'tram',
): { train: T[]; test: T[] } {
  const out = { train: [] as T[], test: [] as T[] };
  for (const it of items) (foldOf(it.doc, folds, seed) === test ? out.test : out.train).push(it);
  return out;
}
