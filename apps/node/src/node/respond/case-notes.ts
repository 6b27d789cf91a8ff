/**
 * @module
 * Runs on the case timeline: a run that answers an incident in a case (or a case itself) is noted
 * on that case once when it starts and once when it ends. Shared by the embedded node and the
 * `respond` role, both of which hear every run change from their engine (`onChange`). "Once" is
 * per process: a role restarted mid-run notes the start of a resumed run again.
 */
import { systemContext, type AuthContext } from '@intersoc/core';
import type { Incident } from '@intersoc/correlate';
import type { RunSummary } from '@intersoc/respond';

/** Where the notes go and how an incident's case is found. */
export interface CaseNoteWiring {
  readonly note: (ctx: AuthContext, caseId: string, text: string, details: Record<string, unknown>) => void;
  readonly incident: (ctx: AuthContext, id: string) => Pick<Incident, 'caseId'> | undefined;
  readonly onError: (err: unknown) => void;
}

/** A function to call with every run change. */
export function caseNoter(w: CaseNoteWiring): (s: RunSummary) => void {
  const noted = new Set<string>();
  return (s) => {
    if ((s.trigger.kind !== 'incident' && s.trigger.kind !== 'case') || !s.trigger.ref) return;
    const key = `${s.id}:${s.status === 'running' || s.status === 'waiting' ? 'start' : s.status}`;
    if (noted.has(key)) return;
    noted.add(key);
    const ctx = systemContext(s.tenant);
    try {
      const caseId = s.trigger.kind === 'case' ? s.trigger.ref : w.incident(ctx, s.trigger.ref)?.caseId;
      if (!caseId) return;
      w.note(ctx, caseId, `playbook run ${key.endsWith('start') ? 'started' : s.status}`, {
        run: s.id,
        playbook: s.playbookName,
        status: s.status,
        ...(s.reason ? { reason: s.reason } : {}),
      });
    } catch (err) {
      w.onError(err);
    }
  };
}
