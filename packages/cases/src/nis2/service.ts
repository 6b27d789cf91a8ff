/**
 * @module
 * NIS2 reporting for significant cases: the deadlines, report drafts as JSON and STIX 2.1,
 * submission stamps, and warnings before a deadline passes (each recorded once in the case's
 * history, so the node can tell analysts and not repeat itself).
 */
import { AppError, isoTime, requireRole, type AuthContext } from '@intersoc/core';
import { READ_ROLES, WORK_ROLES } from '@intersoc/correlate';
import type { CaseService } from '../cases/case-service.js';
import type { Case, Nis2ReportKind } from '../cases/types.js';
import { nis2Deadlines, type Nis2Deadline } from './deadlines.js';
import { nis2Draft, type Nis2Report, type ReportInput, type ReportingEntity } from './report.js';
import { nis2Stix } from './stix.js';

/** A deadline that needs attention. */
export interface DueDeadline {
  readonly case: Case;
  readonly deadline: Nis2Deadline;
}

/** NIS2 over the case service. */
export class Nis2Service {
  constructor(
    private readonly cases: CaseService,
    private readonly entity: (tenant: string) => ReportingEntity = (tenant) => ({ name: tenant }),
    private readonly now: () => number = Date.now,
  ) {}

  /** Deadlines of a case (none unless it is significant). */
  deadlines(ctx: AuthContext, id: string): Nis2Deadline[] {
    return this.deadlinesOf(this.cases.require(ctx, id));
  }

  private deadlinesOf(c: Case): Nis2Deadline[] {
    if (!c.significant) return [];
    return nis2Deadlines({ awareAt: c.awareAt ?? c.created, timeZone: c.timeZone, submitted: c.submitted }, this.now());
  }

  private input(ctx: AuthContext, c: Case): ReportInput {
    return {
      case: c,
      incidents: this.cases.caseIncidents(ctx, c),
      observables: this.cases.observables(ctx, c.id),
      tasks: this.cases.tasks(ctx, c.id),
      entity: this.entity(ctx.tenant),
      now: this.now(),
    };
  }

  /** The draft of one report. */
  draft(ctx: AuthContext, id: string, kind: Nis2ReportKind): Nis2Report {
    const c = this.cases.require(ctx, id);
    if (!c.significant) throw new AppError('CONFLICT', `case #${c.number} is not marked significant under NIS2`);
    return nis2Draft(kind, this.input(ctx, c));
  }

  /** The draft as a STIX 2.1 bundle (incident with the incident core extension). */
  stix(ctx: AuthContext, id: string, kind: Nis2ReportKind): Record<string, unknown> {
    const c = this.cases.require(ctx, id);
    if (!c.significant) throw new AppError('CONFLICT', `case #${c.number} is not marked significant under NIS2`);
    const input = this.input(ctx, c);
    return nis2Stix(nis2Draft(kind, input), input);
  }

  /** Records that a report was submitted to the CSIRT. */
  submit(ctx: AuthContext, id: string, kind: Nis2ReportKind, at?: number): Case {
    requireRole(ctx, WORK_ROLES);
    const c = this.cases.require(ctx, id);
    if (!c.significant) throw new AppError('CONFLICT', `case #${c.number} is not marked significant under NIS2`);
    const when = at ?? this.now();
    const next: Case = { ...c, submitted: { ...c.submitted, [kind]: when } };
    this.cases.save(ctx, next);
    this.cases.note(ctx, id, 'nis2.submitted', { kind, at: isoTime(when) });
    return next;
  }

  /** Deadlines of the tenant's significant cases that are due soon or overdue. */
  due(ctx: AuthContext): DueDeadline[] {
    requireRole(ctx, READ_ROLES);
    const out: DueDeadline[] = [];
    for (const c of this.cases.store.all(ctx)) {
      for (const d of this.deadlinesOf(c)) {
        if (d.state === 'due-soon' || d.state === 'overdue') out.push({ case: c, deadline: d });
      }
    }
    return out.sort((a, b) => a.deadline.due - b.deadline.due);
  }

  /** Warns once per deadline and state (due soon, overdue); returns the new warnings. */
  warn(ctx: AuthContext): DueDeadline[] {
    const fresh: DueDeadline[] = [];
    for (const d of this.due(ctx)) {
      const said = this.cases
        .historyOf(ctx, d.case.id)
        .some(
          (h) =>
            h.action === 'nis2.warning' &&
            h.detail['kind'] === d.deadline.kind &&
            h.detail['state'] === d.deadline.state,
        );
      if (said) continue;
      this.cases.note(ctx, d.case.id, 'nis2.warning', {
        kind: d.deadline.kind,
        state: d.deadline.state,
        due: d.deadline.dueLocal,
      });
      fresh.push(d);
    }
    return fresh;
  }
}
