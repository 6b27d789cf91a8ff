/**
 * @module
 * The threat-report and learned-model routes of the `api` role over the PostgreSQL store, the
 * routes `node/text/attach.ts` registers on a node: reports in (`/api/reports`: read in the
 * bounded extraction worker of this process, analysed, stored in `PgReportStore`), reviews,
 * STIX out and publishing into the store's CTI objects (`PgCtiStore`), the model versions,
 * category corrections of incidents (`PgIncidentStore`, `PgIncidentLabels`) and the learned
 * ranking of the alert queue (`ev_alerts` with the `alert_status` states `PgAlertTriage` keeps).
 * Nothing of it needs the pipeline or the bus, so every route is served.
 *
 * Model files stay files: a tenant's active sentence or triage model is recorded in the store
 * (`text_models`) with a path under the data folder, so every api instance needs the same files
 * under its `--data` (a shared volume), as it needs the audit keys. The learned incident
 * categoriser is returned for the incident builder to classify with; the routes do not use it.
 */
import type { FastifyInstance } from 'fastify';
import { registerTextRoutes } from '@intersoc/api';
import { PgIncidentStore, type IncidentClassifier } from '@intersoc/correlate';
import type { CtiStore } from '@intersoc/cti';
import type { SyncPg } from '@intersoc/storage/postgres';
import { PgIncidentLabels, PgReportStore } from '@intersoc/text';
import { loadCategoriser, textApiService } from '../node/text/attach.js';
import { pgAlertWindow, rankAlerts } from '../node/text/ranking.js';
import { openTextServices, warninglistsDir, type TextNode } from '../node/text/services.js';

/** What the routes are built from. */
export interface ApiTextWiring {
  /** The identity stores' bridge: reports, labels, incidents and alerts share its connection. */
  readonly pg: SyncPg;
  /** Where published reports go (the role's `PgCtiStore`). */
  readonly cti: CtiStore;
  /** This host's data folder: model files, warninglists (`<data>/warninglists`). */
  readonly data: string;
  readonly onError: (err: unknown) => void;
}

/** What registering gives back. */
export interface ApiText {
  readonly text: TextNode;
  /** The learned incident categoriser, when this host has one. */
  readonly categoriser?: IncidentClassifier;
}

/** Registers the report, categorisation and ranking routes on the api role's server. */
export function registerApiText(app: FastifyInstance, w: ApiTextWiring): ApiText {
  const store = new PgReportStore(w.pg);
  const text = openTextServices({ store, cti: w.cti, data: w.data, warninglists: warninglistsDir(undefined, w.data) });
  const incidents = new PgIncidentStore(w.pg);
  const labels = new PgIncidentLabels(w.pg);
  const alerts = pgAlertWindow(w.pg);
  registerTextRoutes(app, {
    text: textApiService(text, {
      incident: (ctx, id) => incidents.get(ctx, id),
      labels: () => labels,
      rank: (ctx, q) => rankAlerts(ctx, { models: store, alerts, data: w.data }, q),
    }),
  });
  const categoriser = loadCategoriser(w.data, w.onError);
  return { text, ...(categoriser ? { categoriser } : {}) };
}
