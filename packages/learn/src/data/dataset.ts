/**
 * @module
 * From a table to a numeric dataset: which column is the label, which class is benign, which
 * columns are features (identifiers such as addresses, ports of the client, flow ids and times
 * are left out, since they identify a capture rather than a behaviour), and how text columns
 * become numbers (codes ordered by how often the category is benign, so one split can separate
 * benign-looking from attack-looking categories; unseen categories are missing).
 */
import { AppError } from '@intersoc/core';
import type { Table, TableFormat } from './table.js';

/** One feature: a number, or a category with its codes. */
export type FeatureSpec =
  | { readonly name: string; readonly kind: 'number' }
  | { readonly name: string; readonly kind: 'category'; readonly codes: Readonly<Record<string, number>> };

/** What a model reads and predicts. */
export interface Schema {
  readonly features: readonly FeatureSpec[];
  readonly label: string;
  /** Class names; a class's index is its position. */
  readonly classes: readonly string[];
  /** The benign class: `attack` is false exactly when this is the predicted class. */
  readonly benign: string;
}

/** A numeric dataset in input order. */
export interface Dataset {
  readonly schema: Schema;
  /** Row-major features. */
  readonly x: Float64Array;
  readonly rows: number;
  readonly cols: number;
  /** Class index per row; -1 where the label is missing or a class the schema does not know. */
  readonly y: Int32Array;
  /** The label text per row, as read. */
  readonly labels: readonly string[];
}

/** Options of `fitSchema`. */
export interface SchemaOptions {
  /** Label column (default by format: `label`, `Label`, or the last column). */
  readonly label?: string;
  /** The benign class (default: `BENIGN`, `normal` and their spellings, else the most frequent class). */
  readonly benign?: string;
}

/** Columns that identify a flow, a host or a moment rather than a behaviour. */
const IDENTIFIERS = new Set([
  'id',
  'Flow ID',
  'Src IP',
  'Source IP',
  'Src Port',
  'Source Port',
  'Dst IP',
  'Destination IP',
  'Timestamp',
  'Attempted Category',
  'difficulty',
]);

/** Most categories kept per text column (the rest read as missing). */
const MAX_CATEGORIES = 1000;

/** Benign class names tried, in order, when none is given. */
const BENIGN_GUESSES = ['BENIGN', 'normal', 'Normal', 'benign', 'NORMAL', '0'];

/** Normalises a label cell (NSL-KDD copies of KDD'99 end labels with a dot). */
export function labelText(cell: string | undefined): string {
  const t = (cell ?? '').trim();
  return t.endsWith('.') ? t.slice(0, -1) : t;
}

/** Parses a numeric cell: empty and `NaN` are missing, `Infinity` stays infinite. */
export function numberCell(cell: string | undefined): number {
  if (cell === undefined) return NaN;
  const t = cell.trim();
  if (t === '') return NaN;
  const v = Number(t);
  if (!Number.isNaN(v)) return v;
  if (/^[+-]?inf(inity)?$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  return NaN;
}

function defaultLabel(format: TableFormat, header: readonly string[]): string {
  if (format === 'nsl-kdd') return 'label';
  for (const c of ['Label', 'label', 'class', 'Class']) if (header.includes(c)) return c;
  return header[header.length - 1] ?? 'label';
}

/**
 * Decides features, codes and classes from a training table.
 * @example
 * const schema = fitSchema(readTable(files, 'cic-ids')); const d = toDataset(table, schema);
 */
export function fitSchema(t: Table, o: SchemaOptions = {}): Schema {
  const label = o.label ?? defaultLabel(t.format, t.header);
  const li = t.header.indexOf(label);
  if (li < 0) throw new AppError('VALIDATION', `no label column "${label}" (columns: ${t.header.join(', ')})`);
  const counts = new Map<string, number>();
  for (const r of t.rows) {
    const l = labelText(r[li]);
    if (l !== '') counts.set(l, (counts.get(l) ?? 0) + 1);
  }
  if (counts.size < 2) throw new AppError('VALIDATION', `the label column "${label}" has fewer than two classes`);
  let benign = o.benign;
  if (benign !== undefined && !counts.has(benign))
    throw new AppError('VALIDATION', `the benign class "${benign}" is not among the labels`);
  // Else the most frequent class is taken as the normal state of things.
  benign ??=
    BENIGN_GUESSES.find((b) => counts.has(b)) ?? [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
  // Benign first, then by frequency, then by name: a stable class order.
  const classes = [...counts.keys()].sort((a, b) =>
    a === benign ? -1 : b === benign ? 1 : (counts.get(b) ?? 0) - (counts.get(a) ?? 0) || (a < b ? -1 : 1),
  );
  const features: FeatureSpec[] = [];
  for (let c = 0; c < t.header.length; c++) {
    const name = t.header[c] as string;
    if (c === li || IDENTIFIERS.has(name)) continue;
    features.push(featureOf(t, c, li, name, benign));
  }
  return { features, label, classes, benign: benign ?? (classes[0] as string) };
}

function featureOf(t: Table, c: number, li: number, name: string, benign: string | undefined): FeatureSpec {
  let present = 0;
  let numeric = 0;
  for (const r of t.rows) {
    const cell = (r[c] ?? '').trim();
    if (cell === '') continue;
    present++;
    if (!Number.isNaN(numberCell(cell)) || /^nan$/i.test(cell)) numeric++;
  }
  if (present === 0 || numeric >= present * 0.99) return { name, kind: 'number' };
  const seen = new Map<string, { n: number; benign: number }>();
  for (const r of t.rows) {
    const cell = (r[c] ?? '').trim();
    if (cell === '') continue;
    const s = seen.get(cell) ?? { n: 0, benign: 0 };
    s.n++;
    if (benign !== undefined && labelText(r[li]) === benign) s.benign++;
    seen.set(cell, s);
  }
  const kept = [...seen.entries()].sort((a, b) => b[1].n - a[1].n || (a[0] < b[0] ? -1 : 1)).slice(0, MAX_CATEGORIES);
  kept.sort((a, b) => b[1].benign / b[1].n - a[1].benign / a[1].n || b[1].n - a[1].n || (a[0] < b[0] ? -1 : 1));
  const codes: Record<string, number> = Object.create(null) as Record<string, number>;
  kept.forEach(([k], i) => (codes[k] = i));
  return { name, kind: 'category', codes };
}

/** The value of one feature from a cell. */
export function featureValue(f: FeatureSpec, cell: string | number | undefined | null): number {
  if (cell === undefined || cell === null) return NaN;
  if (f.kind === 'number') return typeof cell === 'number' ? cell : numberCell(cell);
  const code = f.codes[typeof cell === 'number' ? String(cell) : cell.trim()];
  return code === undefined ? NaN : code;
}

/**
 * Turns a table into a dataset under `schema` (features by column name; a column the table lacks
 * is missing in every row).
 */
export function toDataset(t: Table, schema: Schema): Dataset {
  const cols = schema.features.length;
  const rows = t.rows.length;
  const x = new Float64Array(rows * cols);
  const at = schema.features.map((f) => t.header.indexOf(f.name));
  const li = t.header.indexOf(schema.label);
  const classIndex = new Map(schema.classes.map((c, i) => [c, i]));
  const y = new Int32Array(rows);
  const labels: string[] = new Array<string>(rows);
  for (let i = 0; i < rows; i++) {
    const r = t.rows[i] as string[];
    for (let f = 0; f < cols; f++) {
      const c = at[f] as number;
      x[i * cols + f] = c < 0 ? NaN : featureValue(schema.features[f] as FeatureSpec, r[c]);
    }
    const l = li < 0 ? '' : labelText(r[li]);
    labels[i] = l;
    y[i] = classIndex.get(l) ?? -1;
  }
  return { schema, x, rows, cols, y, labels };
}

/** The rows of `d` listed in `idx`, as a new dataset. */
export function subset(d: Dataset, idx: ArrayLike<number>): Dataset {
  const x = new Float64Array(idx.length * d.cols);
  const y = new Int32Array(idx.length);
  const labels: string[] = [];
  for (let j = 0; j < idx.length; j++) {
    const i = idx[j] as number;
    x.set(d.x.subarray(i * d.cols, (i + 1) * d.cols), j * d.cols);
    y[j] = d.y[i] as number;
    labels.push(d.labels[i] as string);
  }
  return { schema: d.schema, x, rows: idx.length, cols: d.cols, y, labels };
}
