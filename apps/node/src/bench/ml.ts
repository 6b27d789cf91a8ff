/**
 * @module
 * `bench ml`: the learners' speed. Training: gradient-boosted trees on 100,000 rows × 40 features
 * (a nonlinear rule over five of them, 10% label noise), 100 trees, on one core, no early
 * stopping. Scoring: the trained model (through the `ml` detector's path: fields by name,
 * vectorised, scored) over 100,000 flow records; the baseline is plain `JSON.parse` of the same
 * records in the same run, so the ratio says whether scoring a flow costs less than parsing it
 * (≥ 1). Beside it: the detector with explanations (top-5 path attributions) for the alerts.
 */
import { performance } from 'node:perf_hooks';
import type { SocEvent } from '@intersoc/core';
import { MlDetector } from '@intersoc/detect';
import { featureValue, GBDT_DEFAULTS, Model, trainModel, type Dataset, type Schema } from '@intersoc/learn';
import { benchResult, type BenchModule, type BenchOptions, type BenchResult } from './types.js';

const COLS = 40;

function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Rows of flow-like features (heavy-tailed counts and rates) and their labels. */
function rows(n: number, seed: number): { x: Float64Array; y: Int32Array } {
  const r = generator(seed);
  const x = new Float64Array(n * COLS);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < COLS; f++) x[i * COLS + f] = Math.floor(Math.exp(r() * 12));
    const a = x[i * COLS] as number;
    const b = x[i * COLS + 1] as number;
    const c = x[i * COLS + 2] as number;
    const attack = (a > 5000 && b < 200) || (c > 50_000 && (x[i * COLS + 3] as number) > (x[i * COLS + 4] as number));
    y[i] = (r() < 0.1 ? !attack : attack) ? 1 : 0;
  }
  return { x, y };
}

const names = Array.from({ length: COLS }, (_, f) => `flow_feature_${String(f).padStart(2, '0')}`);

async function run(o: BenchOptions): Promise<BenchResult> {
  const n = o.quick ? 20_000 : 100_000;
  const schema: Schema = {
    features: names.map((name) => ({ name, kind: 'number' as const })),
    label: 'Label',
    classes: ['BENIGN', 'ATTACK'],
    benign: 'BENIGN',
  };
  const train = rows(n, 1);
  const data: Dataset = {
    schema,
    x: train.x,
    rows: n,
    cols: COLS,
    y: train.y,
    labels: Array.from(train.y, (k) => (k === 1 ? 'ATTACK' : 'BENIGN')),
  };
  o.log(`training ${n} rows × ${COLS} features, 100 trees`);
  const t0 = performance.now();
  const trained = trainModel(
    data,
    { algorithm: 'gbdt', seed: 1, validFraction: 0.1, gbdt: { ...GBDT_DEFAULTS, rounds: 100, earlyStopping: 0 } },
    { dataHash: 'bench' },
  );
  const trainSeconds = (performance.now() - t0) / 1000;
  const model = new Model(trained.doc);

  // Flow records as they arrive: JSON text, then a parsed object of named fields.
  const test = rows(n, 2);
  const texts: string[] = [];
  for (let i = 0; i < n; i++) {
    const rec: Record<string, number> = {};
    for (let f = 0; f < COLS; f++) rec[names[f] as string] = test.x[i * COLS + f] as number;
    texts.push(JSON.stringify(rec));
  }
  const parsed = texts.map((t) => JSON.parse(t) as Record<string, number>);
  const specs = model.features;
  const row = new Float64Array(COLS);
  let sink = 0;
  const parseRate = (): number => {
    const s = performance.now();
    for (const t of texts) sink += (JSON.parse(t) as Record<string, number>)['flow_feature_00'] ?? 0;
    return n / ((performance.now() - s) / 1000);
  };
  const scoreRate = (): number => {
    const s = performance.now();
    for (const rec of parsed) {
      for (let f = 0; f < COLS; f++) row[f] = featureValue(specs[f] as (typeof specs)[number], rec[names[f] as string]);
      sink += model.score(row);
    }
    return n / ((performance.now() - s) / 1000);
  };
  // Alternate the two, three rounds each after a warm-up; keep the best of each.
  parseRate();
  scoreRate();
  let parse = 0;
  let score = 0;
  for (let k = 0; k < 3; k++) {
    parse = Math.max(parse, parseRate());
    score = Math.max(score, scoreRate());
  }
  // The detector's own path (fields by name, threshold, explanations for alerts), in batches.
  const detector = new MlDetector({
    revision: () => 1,
    deployed: () => [{ name: 'bench', version: 1, doc: trained.doc }],
  });
  const events = parsed.map(
    (fields, i) =>
      ({
        id: String(i),
        time: 0,
        ingested: 0,
        tenant: 'bench',
        source: { format: 'json', kind: 'file', name: 'bench' },
        raw: '',
        fields,
        ecs: {},
      }) as SocEvent,
  );
  // Like the others: a warm-up pass, then the best of three.
  let alerts = 0;
  let detectRate = 0;
  for (let k = 0; k < 4; k++) {
    const s = performance.now();
    alerts = 0;
    for (let i = 0; i < events.length; i += 512)
      alerts += (detector.detect(events.slice(i, i + 512)) as readonly unknown[]).length;
    if (k > 0) detectRate = Math.max(detectRate, n / ((performance.now() - s) / 1000));
  }
  if (sink === 42) o.log('');
  const v = trained.validation;
  return benchResult({
    name: 'ml',
    unit: 'flows/s',
    value: Math.round(score),
    baseline_value: Math.round(parse),
    cores: 1,
    extra: {
      rows: n,
      features: COLS,
      trees: (trained.doc.training['rounds'] as Record<string, number>)['detector'],
      train_seconds: Math.round(trainSeconds * 100) / 100,
      train_rows_per_second: Math.round(n / trainSeconds),
      score_flows_per_second: Math.round(score),
      json_parse_records_per_second: Math.round(parse),
      detector_flows_per_second: Math.round(detectRate),
      detector_alerts: alerts,
      validation_auc: Math.round((v.auc ?? 0) * 10_000) / 10_000,
      validation_accuracy: Math.round(v.accuracy * 10_000) / 10_000,
      note: 'train: one core, 100 trees, 31 leaves, 255 bins; scoring: fields by name → vector → score, vs JSON.parse of the same records',
    },
  });
}

/** The `ml` benchmark. */
export const bench: BenchModule = {
  description: 'gradient-boosted trees: training time (100,000 × 40, 100 trees) and scoring flows/s against JSON.parse',
  run,
};
