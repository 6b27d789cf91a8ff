/**
 * @module
 * Held-out splits that do not leak. Neighbouring flows of one attack burst are near copies of
 * each other, so a random split of rows puts copies on both sides and flatters the model. Here
 * every class is cut in time: its earliest rows train and its latest rows test, so the test rows
 * come after every training row of their class.
 */
import { AppError } from '@intersoc/core';
import { labelText } from './dataset.js';
import type { Table } from './table.js';

/** Two tables cut from one. */
export interface TableSplit {
  readonly train: Table;
  readonly test: Table;
}

/**
 * Per class (by `label`), sorts rows by `timeColumn` and holds out the latest `fraction` of them
 * (at least one row of a class with two or more). Rows keep their input order within each side.
 * @example
 * const { train, test } = timeSplit(readTable(files, 'cic-ids'), 'Label', 'Timestamp', 0.3);
 */
export function timeSplit(t: Table, label: string, timeColumn: string, fraction: number): TableSplit {
  const li = t.header.indexOf(label);
  const ti = t.header.indexOf(timeColumn);
  if (li < 0) throw new AppError('VALIDATION', `no label column "${label}"`);
  if (ti < 0) throw new AppError('VALIDATION', `no time column "${timeColumn}"`);
  if (!(fraction > 0 && fraction < 1)) throw new AppError('VALIDATION', 'the held-out fraction must be in (0, 1)');
  const byClass = new Map<string, number[]>();
  t.rows.forEach((r, i) => {
    const l = labelText(r[li]);
    let a = byClass.get(l);
    if (!a) byClass.set(l, (a = []));
    a.push(i);
  });
  const time = (i: number): number => {
    const v = Date.parse((t.rows[i]?.[ti] ?? '').trim().replace(' ', 'T'));
    return Number.isNaN(v) ? 0 : v;
  };
  const held = new Uint8Array(t.rows.length);
  for (const idx of byClass.values()) {
    idx.sort((a, b) => time(a) - time(b) || a - b);
    const n = idx.length < 2 ? 0 : Math.max(1, Math.round(idx.length * fraction));
    for (let j = idx.length - n; j < idx.length; j++) held[idx[j] as number] = 1;
  }
  const train: string[][] = [];
  const test: string[][] = [];
  t.rows.forEach((r, i) => (held[i] ? test : train).push(r));
  return { train: { ...t, rows: train }, test: { ...t, rows: test } };
}
