/**
 * @module
 * The node's text services, shared by the CLI (`intersoc reports`, `intersoc text`) and the
 * running node: the report store and service on the node's main database, each tenant's active
 * sentence model (a retrained version under `<data>/models/text/<tenant>/`, else the shipped
 * one), the known-benign filter, and retraining from reviews. `openTextServices` builds them on
 * any report store and CTI store (the api role's `PgReportStore`, `PgCtiStore`).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError, type AuthContext } from '@intersoc/core';
import { openSqliteCtiStore, type CtiStore } from '@intersoc/cti';
import type { SqliteDb } from '@intersoc/storage';
import {
  BenignFilter,
  DEFAULT_TRAIN,
  extractIsolated,
  loadSentenceModel,
  ReportService,
  retrain,
  SqliteReportStore,
  type ReportStore,
  type RetrainResult,
  type SentenceModel,
} from '@intersoc/text';

/** The shared corpora: `$INTERSOC_CORPORA`, else `../shared/corpora` beside the repository. */
export function corporaPath(): string {
  const env = process.env['INTERSOC_CORPORA'];
  if (env) return path.resolve(env);
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../../../shared/corpora');
}

/**
 * The MISP warninglists folder: the flag, `$INTERSOC_WARNINGLISTS`, `<data>/warninglists`, else
 * the shared corpus's, when present.
 */
export function warninglistsDir(flag?: string, data?: string): string | undefined {
  if (flag) {
    if (!existsSync(flag)) throw new AppError('NOT_FOUND', `no warninglists folder ${flag}`);
    return flag;
  }
  const env = process.env['INTERSOC_WARNINGLISTS'];
  if (env) return env;
  if (data && existsSync(path.join(data, 'warninglists'))) return path.join(data, 'warninglists');
  const corpus = path.join(corporaPath(), 'cti', 'misp-warninglists', 'lists');
  return existsSync(corpus) ? corpus : undefined;
}

/** The text services of a node. */
export interface TextNode {
  readonly store: ReportStore;
  readonly reports: ReportService;
  readonly benign: BenignFilter;
  /** The tenant's active sentence model. */
  modelFor(ctx: AuthContext): SentenceModel;
  /** Trains a candidate from the tenant's reviews; keeps it as the active model when it beats the current one. */
  retrain(ctx: AuthContext, corpora: string, log?: (line: string) => void): RetrainResult & { readonly file: string };
}

/** Opens the text services on a node's main database and data folder. */
export function openTextNode(db: SqliteDb, data: string, warninglists: string | undefined): TextNode {
  return openTextServices({ store: new SqliteReportStore(db), cti: openSqliteCtiStore(db), data, warninglists });
}

/**
 * The text services on a report store, a CTI store (where published reports go) and a data folder
 * (retrained models are files under it; the store records which one is active).
 */
export function openTextServices(o: {
  readonly store: ReportStore;
  readonly cti: CtiStore;
  readonly data: string;
  readonly warninglists: string | undefined;
}): TextNode {
  const { store, data } = o;
  const benign = BenignFilter.fromDirectory(o.warninglists);
  const modelFor = (ctx: AuthContext): SentenceModel => {
    const active = store.activeModel(ctx, 'attack');
    return active ? loadSentenceModel(path.join(data, active.file)) : loadSentenceModel();
  };
  const reports = new ReportService({
    store,
    model: modelFor,
    benign,
    cti: o.cti,
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
