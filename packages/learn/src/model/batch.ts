/**
 * @module
 * A model over a whole table: predictions in input order, an evaluation against the table's
 * labels, and explanations of chosen rows. The CLI and the API use these; the detector in the
 * pipeline scores events one batch at a time instead.
 */
import { AppError } from '@intersoc/core';
import { toDataset, type Dataset } from '../data/dataset.js';
import type { Table } from '../data/table.js';
import { evaluate, rocAuc, type Evaluation } from '../metrics/metrics.js';
import type { Contribution, Model, Prediction } from './model.js';

/** One line of `ml predict` output. */
export interface RowPrediction extends Prediction {
  readonly row: number;
}

/** The table as the model reads it (its columns by name; missing ones are missing values). */
export function datasetFor(model: Model, t: Table): Dataset {
  const known = new Set(t.header);
  const present = model.features.filter((f) => known.has(f.name)).length;
  if (present === 0)
    throw new AppError('VALIDATION', `the input has none of the model's ${model.features.length} feature columns`);
  return toDataset(t, model.schema);
}

/**
 * Predicts every row in input order.
 * @example
 * for (const p of predictRows(model, datasetFor(model, table))) out.write(JSON.stringify(p) + '\n');
 */
export function* predictRows(model: Model, d: Dataset): Generator<RowPrediction> {
  for (let i = 0; i < d.rows; i++) {
    const p = model.predict(d.x, i * d.cols);
    yield { row: i, label: p.label, attack: p.attack, score: round6(p.score) };
  }
}

/** The model's figures on a labelled table: classes, benign against attack, and ROC AUC. */
export function evaluateModel(model: Model, d: Dataset): Evaluation & { auc: number } {
  const predicted: string[] = [];
  const scores = new Float64Array(d.rows);
  const positive: boolean[] = [];
  for (let i = 0; i < d.rows; i++) {
    const p = model.predict(d.x, i * d.cols);
    predicted.push(p.label);
    scores[i] = p.score;
    positive.push(d.labels[i] !== model.schema.benign);
  }
  if (d.labels.every((l) => l === ''))
    throw new AppError('VALIDATION', `the input has no "${model.schema.label}" labels`);
  const ev = evaluate(d.labels, predicted, model.schema.classes, model.schema.benign);
  return { ...ev, auc: rocAuc(scores, positive) };
}

/** A row's prediction with the features behind its score. */
export interface RowExplanation extends RowPrediction {
  readonly threshold: number;
  readonly features: readonly Contribution[];
}

/** Explains row `row` of the dataset. */
export function explainRow(model: Model, d: Dataset, row: number, top = 5): RowExplanation {
  if (!Number.isInteger(row) || row < 0 || row >= d.rows)
    throw new AppError('VALIDATION', `row ${row} is not in the input (0..${d.rows - 1})`);
  const p = model.predict(d.x, row * d.cols);
  return {
    row,
    label: p.label,
    attack: p.attack,
    score: round6(p.score),
    threshold: model.doc.threshold,
    features: model.explain(d.x, row * d.cols, top),
  };
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
