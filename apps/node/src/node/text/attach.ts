/**
 * @module
 * Adds threat reports and the learned models to a running node: the report routes
 * (`/api/reports/*`) over the text services, the learned alert ranking (`/api/triage/ranked`),
 * and the incident categoriser the incident stage classifies with (the node's trained one under
 * `<data>/models/text/`, else the shipped one; without either, the rule table alone).
 * `textApiService` serves the routes over any stores (`TextRouteStores`); the api role passes
 * the PostgreSQL ones (`roles/api-text.ts`).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { AppError, type AuthContext, type Config } from '@intersoc/core';
import { registerTextRoutes, type TextApiService } from '@intersoc/api';
import { SqliteIncidentStore, type Incident, type IncidentClassifier } from '@intersoc/correlate';
import type { SqliteDb, SqliteEventReader } from '@intersoc/storage';
import { LearnedCategoriser, SqliteIncidentLabels, type IncidentLabelStore } from '@intersoc/text';
import { rankTenantAlerts, shippedCategoriserPath, type rankAlerts, type RankingQuery } from './ranking.js';
import { openTextNode, warninglistsDir, type TextNode } from './services.js';

/** What the text services are built from. */
export interface TextWiring {
  readonly config: Config;
  /** The node's main database. */
  readonly db: SqliteDb;
  readonly reader: SqliteEventReader;
  readonly onError: (err: unknown) => void;
}

/** The parts attached to the node. */
export interface AttachedText {
  readonly text: TextNode;
  /** The learned incident categoriser, when the node has one. */
  readonly categoriser?: IncidentClassifier;
}

/** The node's categoriser: its own trained one, else the shipped one. */
export function loadCategoriser(data: string, onError: (err: unknown) => void): IncidentClassifier | undefined {
  for (const file of [path.join(data, 'models', 'text', 'incident-categoriser.json.gz'), shippedCategoriserPath()]) {
    if (!existsSync(file)) continue;
    try {
      return LearnedCategoriser.load(readFileSync(file));
    } catch (err) {
      onError(err);
    }
  }
  return undefined;
}

/** What the routes beyond reports read and write. */
export interface TextRouteStores {
  /** An incident of the caller's tenant, to correct its category. */
  incident(ctx: AuthContext, id: string): Incident | undefined;
  /** Where category corrections go. */
  labels(): IncidentLabelStore;
  /** The learned ranking of the tenant's alert queue. */
  rank(ctx: AuthContext, q: RankingQuery): ReturnType<typeof rankAlerts>;
}

/** The routes' stores on a node: its main database and SQLite event store. */
export function sqliteTextRouteStores(w: TextWiring): TextRouteStores {
  return {
    incident: (ctx, id) => new SqliteIncidentStore(w.db).get(ctx, id),
    labels: () => new SqliteIncidentLabels(w.db),
    rank: (ctx, q) => rankTenantAlerts(ctx, { db: w.db, events: w.reader.db, data: w.config.data }, q),
  };
}

/** The API service over the text services. */
export function textApiService(t: TextNode, w: TextRouteStores): TextApiService {
  return {
    addReport: (ctx, bytes, o) => t.reports.add(ctx, bytes, o),
    listReports: async (ctx) => t.reports.list(ctx),
    getReport: async (ctx, id) => {
      const r = t.reports.get(ctx, id);
      const { document, analysis, itemsReviewed, ...summary } = r;
      return {
        ...summary,
        document: {
          text: document.text,
          paragraphs: [...document.paragraphs],
          sentences: [...document.sentences],
          attachments: [...document.attachments],
          warnings: [...document.warnings],
        },
        items: itemsReviewed.map((i) => ({ ...i })),
        dropped: [...analysis.dropped],
      };
    },
    review: async (ctx, id, body) => {
      t.reports.review(
        ctx,
        id,
        body.decisions.map((d) => ({ item: d.item, decision: d.decision, ...(d.value ? { value: d.value } : {}) })),
        body.add,
      );
      return textApiService(t, w).getReport(ctx, id);
    },
    publish: async (ctx, id) => {
      const r = t.reports.publish(ctx, id);
      return { ...r, rejected: r.rejected.map((x) => ({ ...x })) };
    },
    stix: async (ctx, id) => t.reports.bundle(ctx, id),
    deleteReport: async (ctx, id) => t.reports.remove(ctx, id),
    models: async (ctx) => ({ current: t.modelFor(ctx).info.version, items: t.store.models(ctx, 'attack') }),
    correctCategory: async (ctx, id, body) => {
      const incident = w.incident(ctx, id);
      if (!incident) throw new AppError('NOT_FOUND', `no incident ${id}`);
      return w.labels().correct(ctx, incident, body.category, body.tactic);
    },
    rankAlerts: async (ctx, q) => {
      const r = w.rank(ctx, q);
      return {
        ...r,
        items: r.items.map((i) => ({
          alert: i.alert,
          status: i.status,
          probability: i.probability,
          reasons: [...i.reasons],
        })),
      };
    },
  };
}

/** Builds the text services and registers their routes. */
export function attachText(app: FastifyInstance, w: TextWiring): AttachedText {
  const text = openTextNode(w.db, w.config.data, warninglistsDir(undefined, w.config.data));
  registerTextRoutes(app, { text: textApiService(text, sqliteTextRouteStores(w)) });
  const categoriser = loadCategoriser(w.config.data, w.onError);
  return { text, ...(categoriser ? { categoriser } : {}) };
}
