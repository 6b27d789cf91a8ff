/**
 * @module
 * Tabular inputs for training and scoring: NSL-KDD (no header: 41 features, the label and the
 * difficulty level), CIC-IDS CSV (CICFlowMeter columns with `Label`), and any CSV with a header.
 * A table is a header and rows of cells, in input order; the dataset layer decides which columns
 * are features.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { AppError } from '@intersoc/core';

/** Input formats. */
export type TableFormat = 'nsl-kdd' | 'cic-ids' | 'csv';

/** The formats `--format` accepts. */
export const TABLE_FORMATS: readonly TableFormat[] = ['nsl-kdd', 'cic-ids', 'csv'];

/** A parsed table. */
export interface Table {
  readonly format: TableFormat;
  readonly header: readonly string[];
  readonly rows: string[][];
  /** SHA-256 over the input files' bytes, in order. */
  readonly hash: string;
}

/** The 41 NSL-KDD features, then the label and the difficulty level. */
export const NSL_KDD_COLUMNS: readonly string[] = [
  'duration',
  'protocol_type',
  'service',
  'flag',
  'src_bytes',
  'dst_bytes',
  'land',
  'wrong_fragment',
  'urgent',
  'hot',
  'num_failed_logins',
  'logged_in',
  'num_compromised',
  'root_shell',
  'su_attempted',
  'num_root',
  'num_file_creations',
  'num_shells',
  'num_access_files',
  'num_outbound_cmds',
  'is_host_login',
  'is_guest_login',
  'count',
  'srv_count',
  'serror_rate',
  'srv_serror_rate',
  'rerror_rate',
  'srv_rerror_rate',
  'same_srv_rate',
  'diff_srv_rate',
  'srv_diff_host_rate',
  'dst_host_count',
  'dst_host_srv_count',
  'dst_host_same_srv_rate',
  'dst_host_diff_srv_rate',
  'dst_host_same_src_port_rate',
  'dst_host_srv_diff_host_rate',
  'dst_host_serror_rate',
  'dst_host_srv_serror_rate',
  'dst_host_rerror_rate',
  'dst_host_srv_rerror_rate',
  'label',
  'difficulty',
];

/** Largest input read, per file. */
export const MAX_TABLE_BYTES = 2 * 1024 * 1024 * 1024 - 1;

/** Splits one CSV line (RFC 4180 quotes), or undefined when a quote is left open. */
export function splitCsvLine(line: string): string[] | undefined {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else quoted = false;
      } else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (quoted) return undefined;
  out.push(cur);
  return out;
}

/** Guesses a file's format from its first line. */
export function guessFormat(firstLine: string): TableFormat {
  const cells = splitCsvLine(firstLine) ?? [];
  if (cells.length >= 42 && /^\d+(\.\d+)?$/.test(cells[0] ?? '') && /^[a-z]+$/.test(cells[1] ?? ''))
    return 'nsl-kdd';
  const names = cells.map((c) => c.trim());
  if (names.includes('Label') && (names.includes('Flow Duration') || names.includes('Dst Port'))) return 'cic-ids';
  return 'csv';
}

/**
 * Reads one or more files into one table (their headers must agree). Lines that do not have the
 * header's column count are an error naming the file and line: training data is not guessed at.
 * @example
 * const t = readTable(['KDDTrain+_20Percent.txt'], 'nsl-kdd');
 */
export function readTable(files: readonly string[], format?: TableFormat): Table {
  if (files.length === 0) throw new AppError('VALIDATION', 'no input file');
  const hash = createHash('sha256');
  let header: string[] | undefined;
  let fmt = format;
  const rows: string[][] = [];
  for (const file of files) {
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      throw new AppError('NOT_FOUND', `cannot read ${file}`);
    }
    if (size > MAX_TABLE_BYTES) throw new AppError('VALIDATION', `${file} is larger than ${MAX_TABLE_BYTES} bytes`);
    const bytes = readFileSync(file);
    hash.update(bytes);
    const text = bytes.toString('utf8');
    const lines = text.split(/\r?\n/);
    let at = 0;
    while (at < lines.length && (lines[at] as string).trim() === '') at++;
    const first = lines[at] ?? '';
    fmt ??= guessFormat(first);
    let fileHeader: string[];
    if (fmt === 'nsl-kdd') {
      const cells = splitCsvLine(first) ?? [];
      // The usual files have no header; some copies add one.
      if (cells.length > 0 && !/^\d/.test(cells[0] ?? '')) at++;
      fileHeader = [...NSL_KDD_COLUMNS];
    } else {
      const cells = splitCsvLine(first);
      if (!cells) throw new AppError('VALIDATION', `${file}: the header row has an open quote`);
      fileHeader = cells.map((c) => c.trim());
      at++;
    }
    if (header && header.join('\u0000') !== fileHeader.join('\u0000'))
      throw new AppError('VALIDATION', `${file}: its columns differ from the first file's`);
    header ??= fileHeader;
    for (let i = at; i < lines.length; i++) {
      const line = lines[i] as string;
      if (line.trim() === '') continue;
      const cells = splitCsvLine(line);
      if (!cells) throw new AppError('VALIDATION', `${file}:${i + 1}: open quote`);
      if (fmt === 'nsl-kdd' && cells.length === 42) cells.push('');
      // A repeated header row (files concatenated) is skipped.
      if (fmt !== 'nsl-kdd' && cells[0]?.trim() === header[0] && cells[1]?.trim() === header[1]) continue;
      if (cells.length !== header.length)
        throw new AppError('VALIDATION', `${file}:${i + 1}: ${cells.length} columns, expected ${header.length}`);
      rows.push(cells);
    }
  }
  return { format: fmt ?? 'csv', header: header ?? [], rows, hash: hash.digest('hex') };
}
