/**
 * @module
 * Rows of the report store and their mapping to objects, shared by `SqliteReportStore` and
 * `PgReportStore` so both answer alike: the same column names on both databases, documents and
 * analyses as gzipped JSON bytes, the report id derived from the file's SHA-256.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { AppError, type AuthContext } from '@intersoc/core';
import type { TlpLevel } from '@intersoc/cti';
import type { ReportFormat } from '../document/types.js';
import type {
  ModelKind,
  ModelVersion,
  NewReport,
  ReportStatus,
  ReportSummary,
  Review,
  SentenceLabel,
} from './types.js';

/** A summary row: the report's columns and its count of reviews. */
export interface ReportRow {
  id: string;
  sha256: string;
  name: string;
  title: string | null;
  format: string;
  tlp: string;
  status: string;
  bytes: number;
  pages: number;
  items: number;
  model: string;
  added: number;
  added_by: string;
  updated: number;
  published: number | null;
  reviewed: number;
}

/**
 * The summary select over `text_reports r` (no placeholders: each store appends its WHERE). The
 * `by` column of reviews is not read here, so the text is valid on both databases.
 */
export const SUMMARY_SELECT = `SELECT r.id, r.sha256, r.name, r.title, r.format, r.tlp, r.status, r.bytes, r.pages, r.items,
  r.model, r.added, r.added_by, r.updated, r.published,
  (SELECT COUNT(*) FROM text_reviews v WHERE v.tenant = r.tenant AND v.report = r.id) AS reviewed
  FROM text_reports r`;

/** A report's id: the first 16 hex digits of its SHA-256, so the same file gets the same id. */
export const reportId = (sha256: string): string => `r-${sha256.slice(0, 16)}`;

/** Columns a new report is inserted with, in the order of `insertParams`. */
export const INSERT_PARAMS = [
  'tenant',
  'id',
  'sha256',
  'name',
  'title',
  'format',
  'tlp',
  'status',
  'bytes',
  'pages',
  'items',
  'model',
  'added',
  'added_by',
  'updated',
  'doc',
  'analysis',
] as const;
export const INSERT_COLUMNS = INSERT_PARAMS.join(', ');

/** The values of a new report's row (status 'analysed', not published). */
export function insertParams(ctx: AuthContext, r: NewReport, now: number): (string | number | null | Buffer)[] {
  return [
    ctx.tenant,
    reportId(r.sha256),
    r.sha256,
    r.name,
    r.document.title ?? null,
    r.document.format,
    r.tlp,
    'analysed',
    r.bytes,
    r.document.pages,
    r.analysis.items.length,
    r.analysis.model,
    now,
    ctx.user,
    now,
    pack(r.document),
    pack(r.analysis),
  ];
}

export function toSummary(r: ReportRow): ReportSummary {
  return {
    id: r.id,
    sha256: r.sha256,
    name: r.name,
    ...(r.title ? { title: r.title } : {}),
    format: r.format as ReportFormat,
    tlp: r.tlp as TlpLevel,
    status: r.status as ReportStatus,
    bytes: r.bytes,
    pages: r.pages,
    items: r.items,
    reviewed: r.reviewed,
    model: r.model,
    added: r.added,
    addedBy: r.added_by,
    updated: r.updated,
    ...(r.published === null ? {} : { published: r.published }),
  };
}

/** A document or analysis as stored: gzipped JSON. */
export const pack = (v: unknown): Buffer => gzipSync(JSON.stringify(v));
/** Bytes come back as a Buffer from SQLite and as a Uint8Array from the PostgreSQL bridge. */
export const unpack = <T>(b: Uint8Array): T => JSON.parse(gunzipSync(b).toString('utf8')) as T;

export interface ReviewRow {
  item: string;
  decision: string;
  value: string | null;
  by: string;
  at: number;
}

export function toReview(r: ReviewRow): Review {
  return {
    item: r.item,
    decision: r.decision as Review['decision'],
    ...(r.value === null ? {} : { value: r.value }),
    by: r.by,
    at: r.at,
  };
}

export interface LabelRow {
  report: string;
  sentence: number;
  text: string;
  techniques: string;
  rejected: string;
  updated: number;
}

export function toLabel(r: LabelRow): SentenceLabel {
  return {
    report: r.report,
    sentence: r.sentence,
    text: r.text,
    techniques: JSON.parse(r.techniques) as string[],
    rejected: JSON.parse(r.rejected) as string[],
    updated: r.updated,
  };
}

export interface ModelRow {
  kind: string;
  version: string;
  created: number;
  file: string;
  /** 0/1 in SQLite, a boolean in PostgreSQL. */
  active: number | boolean;
  metrics: string;
}

export function toModel(r: ModelRow): ModelVersion {
  return {
    kind: r.kind as ModelKind,
    version: r.version,
    created: r.created,
    file: r.file,
    active: r.active === 1 || r.active === true,
    metrics: JSON.parse(r.metrics) as Record<string, unknown>,
  };
}

/** Version names become file names: a closed alphabet. */
export function checkModelVersion(version: string): void {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(version)) throw new AppError('VALIDATION', `bad model version ${version}`);
}
