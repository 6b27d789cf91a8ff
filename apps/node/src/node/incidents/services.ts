/**
 * @module
 * The node's implementations of the API's incident and case services, over the incident stage
 * (builder, incident store, inventory), the case service, NIS2 and rule feedback. Accepted
 * rule-level suggestions are written to the tenant's rule tuning and the detectors reloaded.
 */
import { AppError, requireRole, type AuthContext } from '@intersoc/core';
import type { CaseApiService, IncidentApiService } from '@intersoc/api';
import {
  alertClosures,
  caseMetrics,
  tenantMetrics,
  type CaseService,
  type Nis2Service,
  type ObservableEnricher,
  type FeedbackStore,
} from '@intersoc/cases';
import { CONFIG_ROLES, type Incident, type IncidentStore } from '@intersoc/correlate';
import type { AlertTriage } from '@intersoc/storage';
import { readTuning, rulesHome, writeTuning } from '../rules.js';
import { intelMatcher } from '../intel-matches.js';
import type { IncidentStage } from './stage.js';

/** A copy without undefined members (zod's optional outputs into `exactOptionalPropertyTypes` shapes). */
function defined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

/** An incident without graph, timeline and the other heavy parts, for lists. */
export function briefOf(
  i: Incident,
): Omit<Incident, 'graph' | 'timeline' | 'rules' | 'scoreParts' | 'mergedFrom' | 'links'> {
  const { graph: _g, timeline: _t, rules: _r, scoreParts: _s, mergedFrom: _m, links: _l, ...brief } = i;
  return brief;
}

/** The incident service of a node. */
export function incidentApiService(
  stage: Pick<IncidentStage, 'split' | 'assets'> & { readonly incidents: IncidentStore },
  triage?: AlertTriage,
  intel?: ObservableEnricher,
): IncidentApiService {
  const store = stage.incidents;
  return {
    list: async (ctx, q) => {
      const page = store.list(ctx, q);
      return { items: page.items.map(briefOf), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
    },
    get: async (ctx, id) => {
      const inc = store.get(ctx, id);
      if (!inc || !intel) return inc;
      // The incident's entities (graph nodes) against the CTI store as it is now.
      const known = intelMatcher(intel, ctx)(inc.graph.nodes);
      return known.length === 0 ? inc : { ...inc, intel: known };
    },
    alerts: async (ctx, id) => {
      const list = store.alerts(ctx, id);
      if (!triage) return list;
      // Each alert with its state in the queue (acknowledged, closed and why).
      const states = triage.states(
        ctx,
        list.map((a) => a.id),
      );
      return list.map((a) => {
        const state = states.get(a.id);
        return state === undefined ? a : { ...a, state };
      });
    },
    counts: async (ctx) => store.counts(ctx),
    setStatus: async (ctx, ids, status) => {
      // Incidents in a case follow the case; only free incidents are dismissed or reopened here.
      const free = ids.filter((id) => {
        const inc = store.get(ctx, id);
        return inc !== undefined && (inc.status === 'open' || inc.status === 'closed') && inc.caseId === undefined;
      });
      return { updated: store.setStatus(ctx, free, status) };
    },
    split: async (ctx, id, alertIds) => stage.split(ctx, id, alertIds),
    assets: async (ctx, q) => stage.assets.list(ctx, q),
    putAssets: async (ctx, assets) => stage.assets.upsert(ctx, assets.map(defined)),
    removeAsset: async (ctx, kind, name) => stage.assets.remove(ctx, kind, name),
  };
}

/** What the case service of a node is built from. */
export interface CaseApiDeps {
  readonly cases: CaseService;
  readonly nis2: Nis2Service;
  readonly feedback: FeedbackStore;
  /** The node's data folder (rule tuning lives under it). */
  readonly data: string;
  /** Rebuilds detectors after tuning changed. */
  readonly reloadDetectors: () => Promise<void>;
  /** The alert queue, so metrics count alerts closed there as well as in cases. */
  readonly triage?: AlertTriage;
  readonly now?: () => number;
}

function applyTuning(data: string, tenant: string, ruleId: string, action: string): void {
  const home = rulesHome(data, tenant);
  const tuning = readTuning(home);
  if (action === 'disable') {
    writeTuning(home, { ...tuning, disabled: [...new Set([...(tuning.disabled ?? []), ruleId])] });
  } else if (action === 'lower-level') {
    writeTuning(home, { ...tuning, levels: { ...(tuning.levels ?? {}), [ruleId]: 'low' } });
  }
}

/** The case service of a node. */
export function caseApiService(d: CaseApiDeps): CaseApiService {
  const { cases, nis2, feedback } = d;
  const now = d.now ?? Date.now;
  const detail = (ctx: AuthContext, id: string) => {
    const c = cases.store.get(ctx, id);
    if (!c) return undefined;
    return {
      case: cases.require(ctx, id),
      tasks: cases.tasks(ctx, id),
      observables: cases.observables(ctx, id),
      comments: cases.comments(ctx, id),
      attachments: cases.attachments(ctx, id),
      deadlines: nis2.deadlines(ctx, id),
      metrics: caseMetrics(c),
    };
  };
  return {
    list: async (ctx, q) => cases.list(ctx, q),
    detail: async (ctx, id) => detail(ctx, id),
    create: async (ctx, req) => cases.create(ctx, req),
    update: async (ctx, id, req) => cases.update(ctx, id, req),
    transition: async (ctx, id, req) => cases.transition(ctx, id, req),
    addIncidents: async (ctx, id, incidents) => cases.addIncidents(ctx, id, incidents),
    addTask: async (ctx, id, t) => cases.addTask(ctx, id, t),
    updateTask: async (ctx, id, taskId, patch) => cases.updateTask(ctx, id, taskId, patch),
    reorderTasks: async (ctx, id, taskIds) => cases.reorderTasks(ctx, id, taskIds),
    taskLogs: async (ctx, id, taskId) => cases.taskLogs(ctx, id, taskId),
    addTaskLog: async (ctx, id, taskId, text) => cases.addTaskLog(ctx, id, taskId, text),
    applyTemplate: async (ctx, id, key) => cases.applyTemplate(ctx, id, key),
    addObservable: async (ctx, id, o) => cases.addObservable(ctx, id, o),
    updateObservable: async (ctx, id, obsId, patch) => cases.updateObservable(ctx, id, obsId, patch),
    removeObservable: async (ctx, id, obsId) => cases.removeObservable(ctx, id, obsId),
    enrichObservables: async (ctx, id) => cases.enrichObservables(ctx, id),
    addComment: async (ctx, id, text) => cases.addComment(ctx, id, text),
    addAttachment: async (ctx, id, a) => cases.addAttachment(ctx, id, a),
    attachment: async (ctx, id, attId) => cases.attachment(ctx, id, attId),
    timeline: async (ctx, id) => cases.timeline(ctx, id),
    annotate: async (ctx, id, n) => cases.annotate(ctx, id, n),
    removeNote: async (ctx, id, noteId) => cases.removeNote(ctx, id, noteId),
    history: async (ctx, id) => cases.historyOf(ctx, id),
    deadlines: async (ctx, id) => nis2.deadlines(ctx, id),
    dueDeadlines: async (ctx) => nis2.due(ctx),
    report: async (ctx, id, kind, format) =>
      format === 'stix' ? nis2.stix(ctx, id, kind) : { ...nis2.draft(ctx, id, kind) },
    submitReport: async (ctx, id, kind, at) => nis2.submit(ctx, id, kind, at),
    metrics: async (ctx, w) => {
      requireRole(ctx, ['admin', 'analyst', 'viewer']);
      const all = cases.store.all(ctx);
      const m = tenantMetrics(all, w, now());
      if (!d.triage) return m;
      // Alerts closed with their case count when the case closed within the window.
      const closedCases = all.filter((c) => c.closedAt !== undefined && c.closedAt >= w.from && c.closedAt <= w.to);
      const inCases = closedCases.flatMap((c) => cases.alertIdsOf(ctx, c));
      return { ...m, alerts: alertClosures(d.triage.closedBetween(ctx, w.from, w.to), inCases) };
    },
    templates: async (ctx) => cases.templates(ctx),
    putTemplate: async (ctx, t) => cases.putTemplate(ctx, { ...t, tasks: t.tasks.map(defined) }),
    deleteTemplate: async (ctx, key) => cases.deleteTemplate(ctx, key),
    ruleFeedback: async (ctx) => feedback.rules(ctx),
    suggestions: async (ctx, status) => feedback.suggestions(ctx, status),
    decideSuggestion: async (ctx, id, accept) => {
      requireRole(ctx, CONFIG_ROLES);
      const before = feedback.suggestion(ctx, id);
      if (!before) throw new AppError('NOT_FOUND', `no suggestion ${id}`);
      const s = feedback.decide(ctx, id, accept);
      if (accept && (s.action === 'disable' || s.action === 'lower-level')) {
        applyTuning(d.data, ctx.tenant, s.ruleId, s.action);
        await d.reloadDetectors();
      }
      return s;
    },
  };
}
