/**
 * @module
 * TF-IDF features over word n-grams and character n-grams, with a vocabulary learned from the
 * training sentences (terms in at least `minDf` of them). Each block (words, characters) is
 * L2-normalised on its own and weighted, so that neither drowns the other. The result is a
 * sparse vector: sorted feature indices and their values.
 */
import { charNgrams, wordNgrams, wordTokens } from './tokenise.js';

/** A sparse vector. */
export interface SparseVector {
  readonly idx: Int32Array;
  readonly val: Float32Array;
}

/** Settings of the vectoriser. */
export interface VectorizerOptions {
  readonly wordN: number;
  readonly charMin: number;
  readonly charMax: number;
  readonly minDf: number;
  /** Most terms kept per block, by document frequency. */
  readonly maxTerms: number;
  /** Weight of the word block against the character block (1 = equal). */
  readonly wordWeight: number;
}

/** The defaults found on TRAM's training documents. */
export const DEFAULT_VECTORIZER: VectorizerOptions = {
  wordN: 2,
  charMin: 3,
  charMax: 5,
  minDf: 2,
  maxTerms: 40_000,
  wordWeight: 1,
};

/** A fitted vectoriser (serialisable). */
export interface VectorizerState {
  readonly options: VectorizerOptions;
  readonly words: readonly string[];
  readonly chars: readonly string[];
  /** idf of every feature: words first, then characters. */
  readonly idf: readonly number[];
}

function terms(text: string, o: VectorizerOptions): { words: string[]; chars: string[] } {
  const toks = wordTokens(text);
  return { words: wordNgrams(toks, o.wordN), chars: charNgrams(toks, o.charMin, o.charMax) };
}

function vocabulary(docs: readonly string[][], o: VectorizerOptions): { list: string[]; df: number[] } {
  const df = new Map<string, number>();
  for (const d of docs) for (const t of new Set(d)) df.set(t, (df.get(t) ?? 0) + 1);
  const list = [...df.entries()]
    .filter(([, n]) => n >= o.minDf)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, o.maxTerms);
  return { list: list.map(([t]) => t), df: list.map(([, n]) => n) };
}

/** The vectoriser. */
export class Vectorizer {
  private readonly index = new Map<string, number>();
  readonly size: number;

  constructor(readonly state: VectorizerState) {
    state.words.forEach((w, i) => this.index.set(`w${w}`, i));
    state.chars.forEach((c, i) => this.index.set(`c${c}`, state.words.length + i));
    this.size = state.words.length + state.chars.length;
  }

  /** Fits the vocabulary and idf on `texts`. */
  static fit(texts: readonly string[], options: VectorizerOptions = DEFAULT_VECTORIZER): Vectorizer {
    const all = texts.map((t) => terms(t, options));
    const w = vocabulary(
      all.map((a) => a.words),
      options,
    );
    const c = vocabulary(
      all.map((a) => a.chars),
      options,
    );
    const n = texts.length;
    const idf = [...w.df, ...c.df].map((d) => Math.log((1 + n) / (1 + d)) + 1);
    return new Vectorizer({ options, words: w.list, chars: c.list, idf });
  }

  /** The sparse TF-IDF vector of a text. */
  transform(text: string): SparseVector {
    const o = this.state.options;
    const t = terms(text, o);
    const block = (list: readonly string[], prefix: string, weight: number): Map<number, number> => {
      const counts = new Map<number, number>();
      for (const x of list) {
        const i = this.index.get(prefix + x);
        if (i !== undefined) counts.set(i, (counts.get(i) ?? 0) + 1);
      }
      let norm = 0;
      for (const [i, c] of counts) {
        const v = (1 + Math.log(c)) * (this.state.idf[i] ?? 1);
        counts.set(i, v);
        norm += v * v;
      }
      const s = norm > 0 ? weight / Math.sqrt(norm) : 0;
      for (const [i, v] of counts) counts.set(i, v * s);
      return counts;
    };
    const words = block(t.words, 'w', o.wordWeight);
    const chars = block(t.chars, 'c', 1);
    const entries = [...words, ...chars].sort((a, b) => a[0] - b[0]);
    return { idx: Int32Array.from(entries.map((e) => e[0])), val: Float32Array.from(entries.map((e) => e[1])) };
  }
}
