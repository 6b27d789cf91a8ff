/**
 * @module
 * Classification metrics: the confusion matrix, per-class precision, recall and F1, macro-F1,
 * accuracy, binary (benign vs the rest) accuracy and detection figures, and ROC AUC.
 */

/** Per-class figures. */
export interface ClassMetrics {
  readonly class: string;
  readonly support: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/** What `evaluate` reports. */
export interface Evaluation {
  readonly rows: number;
  readonly accuracy: number;
  readonly macroF1: number;
  readonly perClass: readonly ClassMetrics[];
  /** Classes in matrix order: the model's, then labels it never saw. */
  readonly labels: readonly string[];
  /** `confusion[true][predicted]`. */
  readonly confusion: readonly (readonly number[])[];
  /** Benign vs attack, when a benign class is known. */
  readonly binary?: {
    readonly accuracy: number;
    readonly detectionRate: number;
    readonly falsePositiveRate: number;
    readonly precision: number;
    readonly f1: number;
  };
}

/**
 * Scores predicted labels against true ones. Macro-F1 averages over the classes present in the
 * truth (a class never true and never predicted would add a meaningless 0 or 1).
 * @example
 * evaluate(['a', 'b'], ['a', 'a'], ['a', 'b'], 'a').accuracy // 0.5
 */
export function evaluate(
  truth: readonly string[],
  predicted: readonly string[],
  classes: readonly string[],
  benign?: string,
): Evaluation {
  const labels = [...classes];
  const index = new Map(labels.map((c, i) => [c, i]));
  const idOf = (l: string): number => {
    let i = index.get(l);
    if (i === undefined) {
      i = labels.length;
      labels.push(l);
      index.set(l, i);
    }
    return i;
  };
  const pairs = truth.map((t, i) => [idOf(t), idOf(predicted[i] ?? '')] as const);
  const K = labels.length;
  const m = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  let correct = 0;
  for (const [t, p] of pairs) {
    (m[t] as number[])[p]!++;
    if (t === p) correct++;
  }
  const perClass: ClassMetrics[] = [];
  for (let k = 0; k < K; k++) {
    const tp = (m[k] as number[])[k] as number;
    const support = (m[k] as number[]).reduce((a, b) => a + b, 0);
    let predictedK = 0;
    for (let t = 0; t < K; t++) predictedK += (m[t] as number[])[k] as number;
    if (support === 0 && predictedK === 0) continue;
    const precision = predictedK > 0 ? tp / predictedK : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    perClass.push({ class: labels[k] as string, support, precision, recall, f1 });
  }
  const present = perClass.filter((c) => c.support > 0);
  const macroF1 = present.length > 0 ? present.reduce((a, c) => a + c.f1, 0) / present.length : 0;
  const n = truth.length;
  return {
    rows: n,
    accuracy: n > 0 ? correct / n : 0,
    macroF1,
    perClass,
    labels,
    confusion: m,
    ...(benign === undefined ? {} : { binary: binaryMetrics(truth, predicted, benign) }),
  };
}

/** Benign vs attack figures from labels. */
export function binaryMetrics(
  truth: readonly string[],
  predicted: readonly string[],
  benign: string,
): NonNullable<Evaluation['binary']> {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  truth.forEach((t, i) => {
    const a = t !== benign;
    const p = predicted[i] !== benign;
    if (a && p) tp++;
    else if (a) fn++;
    else if (p) fp++;
    else tn++;
  });
  const n = tp + fp + tn + fn;
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const detectionRate = tp + fn > 0 ? tp / (tp + fn) : 0;
  return {
    accuracy: n > 0 ? (tp + tn) / n : 0,
    detectionRate,
    falsePositiveRate: fp + tn > 0 ? fp / (fp + tn) : 0,
    precision,
    f1: precision + detectionRate > 0 ? (2 * precision * detectionRate) / (precision + detectionRate) : 0,
  };
}

/** ROC AUC of scores for positives (`positive[i]`), ties counted half. */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (scores[a] as number) - (scores[b] as number));
  let pos = 0;
  let rankSum = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1] as number] === scores[order[i] as number]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (positive[order[k] as number]) {
        pos++;
        rankSum += avgRank;
      }
    }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return 0.5;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}
