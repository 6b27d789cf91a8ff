/**
 * @module
 * What every part of the case service shares: the case and incident stores, the clock, the
 * reader-role lookup of a case and the history writer. It exists so the parts (lifecycle, tasks,
 * observables, records) can live in their own files and still behave as one service.
 */
import { AppError, randomId, requireRole, SEVERITIES, type AuthContext, type Severity } from '@intersoc/core';
import { READ_ROLES, type Incident, type IncidentStore } from '@intersoc/correlate';
import type { CaseStore } from '../store/types.js';
import type { Case } from './types.js';

const SEV = new Map(SEVERITIES.map((s, i) => [s, i]));

/** The highest of the severities; `informational` for none. */
export function maxSeverity(list: readonly Severity[]): Severity {
  let best: Severity = 'informational';
  for (const s of list) if ((SEV.get(s) ?? 0) > (SEV.get(best) ?? 0)) best = s;
  return best;
}

/** A new id for a case or one of its parts. */
export function shortId(): string {
  return randomId().slice(0, 16);
}

/** The stores and clock of one case service, with the lookups all its parts make. */
export class CaseCore {
  constructor(
    readonly store: CaseStore,
    readonly incidents: IncidentStore,
    readonly now: () => number,
  ) {}

  /** Writes an entry to the case's history, by the caller, now. */
  history(ctx: AuthContext, caseId: string, action: string, detail: Record<string, unknown>): void {
    this.store.appendHistory(ctx, { caseId, time: this.now(), actor: ctx.user, action, detail });
  }

  /** The case, or NOT_FOUND. */
  require(ctx: AuthContext, id: string): Case {
    requireRole(ctx, READ_ROLES);
    const c = this.store.get(ctx, id);
    if (!c) throw new AppError('NOT_FOUND', `no case ${id}`);
    return c;
  }

  /** The incident, or where it was merged into (at most 8 hops); undefined when there is none. */
  incident(ctx: AuthContext, id: string): Incident | undefined {
    let inc = this.incidents.get(ctx, id);
    // A merged incident lives on in the one it was merged into.
    for (let i = 0; inc?.status === 'merged' && inc.mergedInto && i < 8; i++)
      inc = this.incidents.get(ctx, inc.mergedInto);
    return inc;
  }
}
