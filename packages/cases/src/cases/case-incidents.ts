/**
 * @module
 * The incidents part of the case service: the link between a case and its incidents. Which
 * incidents a case may take (merged ones followed, none that sits in another open case), adding
 * incidents to a case (rules, severity and times follow), the case's incidents and their alerts,
 * and, when a case closes, what its resolution tells rule feedback about each rule.
 */
import { AppError, requireRole, type AuthContext } from '@intersoc/core';
import { WORK_ROLES, type Incident } from '@intersoc/correlate';
import type { FeedbackStore, RuleOutcome, SuppressionSuggestion } from '../feedback/feedback.js';
import { maxSeverity, type CaseCore } from './case-core.js';
import type { CaseObservables } from './case-observables.js';
import type { Case } from './types.js';

/** Incidents of cases. */
export class CaseIncidents {
  constructor(
    private readonly core: CaseCore,
    private readonly observables: CaseObservables,
    private readonly feedback: FeedbackStore | undefined,
    private readonly onSuggestions: ((ctx: AuthContext, s: readonly SuppressionSuggestion[]) => void) | undefined,
  ) {}

  /**
   * The incidents, merged ones followed to where they went: NOT_FOUND for a missing one, CONFLICT
   * for one in another open case than `caseId`.
   */
  resolve(ctx: AuthContext, ids: readonly string[], caseId?: string): Incident[] {
    const out: Incident[] = [];
    for (const id of ids) {
      const inc = this.core.incident(ctx, id);
      if (!inc) throw new AppError('NOT_FOUND', `no incident ${id}`);
      if (inc.caseId !== undefined && inc.caseId !== caseId) {
        const other = this.core.store.get(ctx, inc.caseId);
        if (other && other.status !== 'closed')
          throw new AppError('CONFLICT', `incident ${id} is in case #${other.number}`);
      }
      if (!out.some((x) => x.id === inc.id)) out.push(inc);
    }
    return out;
  }

  /** Tells rule feedback how the closed case was resolved, per rule of its incidents' alerts. */
  feedbackOnClose(ctx: AuthContext, c: Case): void {
    const fb = this.feedback;
    const r = c.resolution;
    if (!fb || (r !== 'false-positive' && r !== 'true-positive' && r !== 'benign')) return;
    const byRule = new Map<string, { ruleId: string; ruleTitle: string; alerts: RuleOutcome['alerts'][number][] }>();
    for (const incId of c.incidents) {
      for (const a of this.core.incidents.alerts(ctx, incId)) {
        const e = byRule.get(a.ruleId) ?? { ruleId: a.ruleId, ruleTitle: a.rule, alerts: [] };
        e.alerts.push(a);
        byRule.set(a.ruleId, e);
      }
    }
    const suggestions = fb.record(ctx, r, c.id, [...byRule.values()]);
    if (suggestions.length > 0) this.onSuggestions?.(ctx, suggestions);
  }

  /** Adds incidents to a case. */
  addIncidents(ctx: AuthContext, id: string, incidentIds: readonly string[]): Case {
    requireRole(ctx, WORK_ROLES);
    const c = this.core.require(ctx, id);
    const incidents = this.resolve(ctx, incidentIds, id);
    const ids = [...new Set([...c.incidents, ...incidents.map((i) => i.id)])];
    const all = [...incidents];
    const next: Case = {
      ...c,
      incidents: ids,
      rules: [...new Set([...c.rules, ...all.flatMap((i) => i.rules.map((r) => r.ruleId))])],
      severity: maxSeverity([c.severity, ...all.map((i) => i.severity)]),
      ...(all.length > 0
        ? {
            occurredAt: Math.min(c.occurredAt ?? Number.POSITIVE_INFINITY, ...all.map((i) => i.firstSeen)),
            detectedAt: Math.min(c.detectedAt, ...all.map((i) => i.created)),
          }
        : {}),
      updated: this.core.now(),
    };
    this.core.store.put(ctx, next);
    this.core.incidents.setStatus(
      ctx,
      incidents.map((i) => i.id),
      c.status === 'closed' ? 'closed' : 'case',
      id,
    );
    for (const inc of incidents) this.observables.fromIncident(ctx, id, inc);
    this.core.history(ctx, id, 'case.incidents', { incidents: incidents.map((i) => i.id) });
    return next;
  }

  /** The case's incidents (merged ones resolved to where they went). */
  caseIncidents(ctx: AuthContext, c: Case): Incident[] {
    const out: Incident[] = [];
    for (const id of c.incidents) {
      const inc = this.core.incident(ctx, id);
      if (inc && !out.some((x) => x.id === inc.id)) out.push(inc);
    }
    return out;
  }

  /** Ids of the alerts of a case's incidents (metrics count them closed when the case closes). */
  alertIdsOf(ctx: AuthContext, c: Case): string[] {
    return this.caseIncidents(ctx, c).flatMap((inc) => this.core.incidents.alerts(ctx, inc.id).map((a) => a.id));
  }
}
