/**
 * @module
 * Multinomial naive Bayes over word unigrams and bigrams: the baseline the issue anchors the
 * sentence classifier against (0.70 micro-F1 by document on TRAM).
 */
import { wordNgrams, wordTokens } from './tokenise.js';

/** A fitted naive Bayes model. */
export class NaiveBayes {
  private constructor(
    private readonly classes: readonly string[],
    private readonly prior: Float64Array,
    private readonly logp: Map<string, Float64Array>,
    private readonly unseen: Float64Array,
  ) {}

  /** Fits on labelled texts (first label of each), with Laplace smoothing `alpha`. */
  static fit(items: readonly { text: string; labels: readonly string[] }[], alpha = 0.1): NaiveBayes {
    const classes = [...new Set(items.flatMap((i) => i.labels.slice(0, 1)))].sort();
    const ci = new Map(classes.map((c, i) => [c, i]));
    const K = classes.length;
    const counts = new Map<string, Float64Array>();
    const totals = new Float64Array(K);
    const prior = new Float64Array(K);
    for (const it of items) {
      const k = ci.get(it.labels[0] ?? '');
      if (k === undefined) continue;
      prior[k] = (prior[k] as number) + 1;
      for (const t of wordNgrams(wordTokens(it.text), 2)) {
        let c = counts.get(t);
        if (!c) counts.set(t, (c = new Float64Array(K)));
        c[k] = (c[k] as number) + 1;
        totals[k] = (totals[k] as number) + 1;
      }
    }
    const V = counts.size;
    const logp = new Map<string, Float64Array>();
    for (const [t, c] of counts)
      logp.set(
        t,
        c.map((x, k) => Math.log((x + alpha) / ((totals[k] as number) + alpha * V))),
      );
    const unseen = totals.map((tot) => Math.log(alpha / (tot + alpha * V)));
    const n = items.length;
    return new NaiveBayes(
      classes,
      prior.map((p) => Math.log(p / n)),
      logp,
      unseen,
    );
  }

  /** The most likely class of a text. */
  predict(text: string): string {
    const s = Float64Array.from(this.prior);
    for (const t of wordNgrams(wordTokens(text), 2)) {
      const l = this.logp.get(t);
      if (!l) continue;
      for (let k = 0; k < s.length; k++) s[k] = (s[k] as number) + (l[k] as number);
    }
    void this.unseen;
    let best = 0;
    for (let k = 1; k < s.length; k++) if ((s[k] as number) > (s[best] as number)) best = k;
    return this.classes[best] ?? '';
  }
}
