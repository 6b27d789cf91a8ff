/**
 * @module
 * The node's text services, shared by the CLI (`intersoc reports`, `intersoc text`) and the
 * running node: the report store and service on the node's main database, each tenant's active
 * sentence model (a retrained version under `<data>/models/text/<tenant>/`, else the shipped
 * one), the known-benign filter, and retraining from reviews.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AuthContext } from '@intersoc/core';
import { openSqliteCtiStore } from '@intersoc/cti';
import type { SqliteDb } from '@intersoc/storage';
import {
  BenignFilter,
  DEFAULT_TRAIN,
  extractIsolated,
  loadSentenceModel,
  ReportService,
  retrain,
  SqliteReportStore,
  type RetrainResult,
  type SentenceModel,
} from '@intersoc/text';

/** The text services of a node. */
export interface TextNode {
  readonly store: SqliteReportStore;
  readonly reports: ReportService;
  readonly benign: BenignFilter;
  /** The tenant's active sentence model. */
  modelFor(ctx: AuthContext): SentenceModel;
  /** Trains a candidate from the tenant's reviews; keeps it as the active model when it beats the current one. */
  retrain(ctx: AuthContext, corpora: string, log?: (line: string) => void): RetrainResult & { readonly file: string };
}

/** Opens the text services on a node's main database and data folder. */
export function openTextNode(db: SqliteDb, data: string, warninglists: string | undefined): TextNode {
  const store = new SqliteReportStore(db);
  const benign = BenignFilter.fromDirectory(warninglists);
  const modelFor = (ctx: AuthContext): SentenceModel => {
    const active = store.activeModel(ctx, 'attack');
    return active ? loadSentenceModel(path.join(data, active.file)) : loadSentenceModel();
  };
  const reports = new ReportService({
    store,
    model: modelFor,
    benign,
    cti: openSqliteCtiStore(db),
    extract: (bytes, o) => extractIsolated(bytes, o),
  });
  return {
    store,
    reports,
    benign,
    modelFor,
    retrain(ctx, corpora, log) {
      const version = `retrain-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}`;
      const r = retrain(ctx, corpora, store.labels(ctx), modelFor(ctx), version, {
        ...DEFAULT_TRAIN,
        ...(log ? { log } : {}),
      });
      const file = path.join('models', 'text', ctx.tenant, `attack-${version}.json.gz`);
      mkdirSync(path.dirname(path.join(data, file)), { recursive: true });
      writeFileSync(path.join(data, file), r.model.serialise());
      store.addModel(
        ctx,
        {
          kind: 'attack',
          version,
          created: Date.now(),
          file,
          metrics: { candidate: r.candidate, current: r.current, corrections: r.corrections, reason: r.reason },
        },
        r.promoted,
      );
      return { ...r, file };
    },
  };
}
