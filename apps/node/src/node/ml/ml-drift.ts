/**
 * @module
 * `intersoc ml drift` and `GET /api/ml/models/:name/drift`: how far the rows a model scores now
 * have moved from the rows it was trained on (PSI per feature against the training profile kept
 * in the model). The live rows are the tenant's stored events of the model's kind in the window
 * (newest first, up to a cap): events that carry at least half of the model's features, read by
 * the same field names the `ml` detector reads (`Flow Duration` or `cic.Flow Duration`). The
 * read yields to the event loop between pages, so it can run inside a serving node. The events
 * come from the node's SQLite reader or from the PostgreSQL event store (the api role): both
 * answer the same search, one synchronously, one with a promise.
 */
import { AppError, type AuthContext, type SocEvent } from '@intersoc/core';
import { modelFieldNames, readModelRow } from '@intersoc/detect';
import type { SearchPage, SearchRequest } from '@intersoc/storage';
import { DriftCounter, Model, type DriftReport, type FeatureProfile } from '@intersoc/learn';
import { modelStoreOf, type ModelRegistry } from './ml-ops.js';

/** Where the live events are read: `SqliteEventReader` or `PgEventStore`. */
export interface DriftEvents {
  searchEvents(ctx: AuthContext, req: SearchRequest): SearchPage<SocEvent> | Promise<SearchPage<SocEvent>>;
}

/** Rows of the model's kind a window needs before its PSI means anything. */
const MIN_ROWS = 100;

/** What a drift check reports. */
export interface ModelDrift extends DriftReport {
  readonly name: string;
  readonly version: number;
  readonly from: number;
  readonly to: number;
  /** Events read in the window (of every kind). */
  readonly scannedEvents: number;
  /** Why there is no figure, when there is none. */
  readonly reason?: string;
}

/** Options of `modelDrift`. */
export interface DriftOptions {
  readonly version?: number;
  /** Window length in hours, ending now (default 24). */
  readonly hours?: number;
  /** Most model rows counted (default 50,000). */
  readonly maxRows?: number;
  /** Most events read (default 1,000,000). */
  readonly maxEvents?: number;
  readonly now?: number;
  /** An explicit window (epoch ms); overrides `hours`. */
  readonly from?: number;
  readonly to?: number;
}

/** The drift of one model version (the deployed one, else the newest) over the window. */
export async function modelDrift(
  ctx: AuthContext,
  models: ModelRegistry,
  reader: DriftEvents,
  name: string,
  o: DriftOptions = {},
): Promise<ModelDrift> {
  const store = modelStoreOf(models);
  const stored =
    o.version === undefined
      ? (store.deployed(ctx).find((m) => m.name === name) ?? store.require(ctx, name))
      : store.require(ctx, name, o.version);
  const hours = o.hours ?? 24;
  if (!(hours > 0 && hours <= 24 * 400)) throw new AppError('VALIDATION', 'hours must be in (0, 9600]');
  const to = o.to ?? o.now ?? Date.now();
  const from = o.from ?? to - hours * 3_600_000;
  if (!(from <= to)) throw new AppError('VALIDATION', 'from must not be after to');
  const base = { name: stored.name, version: stored.version, from, to };
  const profile = stored.doc.training['profile'] as FeatureProfile[] | undefined;
  if (!Array.isArray(profile) || profile.length !== stored.doc.schema.features.length)
    return {
      ...base,
      rows: 0,
      status: 'unknown',
      maxPsi: 0,
      features: [],
      scannedEvents: 0,
      reason: 'the model has no training profile (imported, or trained before profiles were kept)',
    };
  const model = new Model(stored.doc);
  const names = modelFieldNames(model);
  const counter = new DriftCounter(profile);
  const row = new Float64Array(model.features.length);
  const maxRows = o.maxRows ?? 50_000;
  const maxEvents = o.maxEvents ?? 1_000_000;
  let scanned = 0;
  let cursor: string | undefined;
  do {
    // Small pages with a deadline, and a turn of the event loop between them: a serving node's
    // API keeps answering while a long window is read.
    const page = await reader.searchEvents(ctx, {
      q: '',
      from,
      to,
      limit: 2000,
      deadline: Date.now() + 50,
      ...(cursor ? { cursor } : {}),
    });
    for (const e of page.items) {
      scanned++;
      const present = readModelRow(model, names, e, row);
      if (present >= model.features.length * 0.5) counter.add(row);
      if (counter.rows >= maxRows) break;
    }
    cursor = page.next;
    await new Promise<void>((r) => setImmediate(r));
  } while (cursor !== undefined && counter.rows < maxRows && scanned < maxEvents);
  const report = counter.report(MIN_ROWS);
  return {
    ...base,
    ...report,
    scannedEvents: scanned,
    ...(report.status === 'unknown'
      ? { reason: `${report.rows} events of the model's kind in the window; at least ${MIN_ROWS} are needed` }
      : {}),
  };
}
