/**
 * @module
 * Playbooks started by incidents and cases: each playbook whose triggers the subject meets
 * (incident triggers: RSIT class, ATT&CK technique, severity; `on_case` triggers: the case's
 * severity, RSIT class, its incidents' techniques, tags) runs once per subject and playbook, the
 * store's run listing by trigger being the record of "once". The embedded node calls these when
 * incidents and cases are announced on its bus; the `respond` role when it sees them change in
 * the PostgreSQL store. Calls are serialised, so a subject announced twice in a row cannot start
 * its playbooks twice.
 */
import { systemContext, type AuthContext } from '@intersoc/core';
import type { Case } from '@intersoc/cases';
import type { Incident } from '@intersoc/correlate';
import { triggerReason, type RespondStore, type RunOps, type TriggerSubject } from '@intersoc/respond';

/** Where the subjects are read and runs started. */
export interface TriggerWiring {
  readonly store: RespondStore;
  readonly ops: Pick<RunOps, 'startRun'>;
  readonly incident: (ctx: AuthContext, id: string) => Incident | undefined;
  readonly case?: (ctx: AuthContext, id: string) => Case | undefined;
  readonly onError: (err: unknown) => void;
}

/** Starts the playbooks an incident or a case calls for. */
export interface PlaybookTriggers {
  /** Resolves once the incident's playbooks (if any) are started; errors go to `onError`. */
  incident(tenant: string, id: string): Promise<void>;
  case(tenant: string, id: string): Promise<void>;
}

/** The triggers over `w`. */
export function playbookTriggers(w: TriggerWiring): PlaybookTriggers {
  let queue: Promise<void> = Promise.resolve();
  const serial = (f: () => Promise<void>): Promise<void> => (queue = queue.then(f).catch(w.onError));

  async function start(ctx: AuthContext, subject: TriggerSubject): Promise<void> {
    for (const brief of w.store.listPlaybooks(ctx)) {
      const stored = w.store.getPlaybook(ctx, brief.id);
      if (!stored) continue;
      const reason = triggerReason(stored.playbook, subject);
      if (!reason) continue;
      if (w.store.listRuns(ctx, { trigger: subject.id, playbook: brief.id, limit: 1 }).items.length > 0) continue;
      await w.ops.startRun(ctx, { playbook: brief.id, trigger: { kind: subject.kind, ref: subject.id, reason } });
    }
  }

  return {
    incident: (tenant, id) =>
      serial(async () => {
        const ctx: AuthContext = { ...systemContext(tenant), user: 'system' };
        const inc = w.incident(ctx, id);
        if (!inc) return;
        await start(ctx, { kind: 'incident', id, severity: inc.severity, rsit: inc.rsit, techniques: inc.techniques });
      }),
    case: (tenant, id) =>
      serial(async () => {
        const ctx: AuthContext = { ...systemContext(tenant), user: 'system' };
        const c = w.case?.(ctx, id);
        if (!c || c.status === 'closed') return;
        const techniques = new Set<string>();
        for (const inc of c.incidents) for (const t of w.incident(ctx, inc)?.techniques ?? []) techniques.add(t);
        await start(ctx, {
          kind: 'case',
          id,
          severity: c.severity,
          ...(c.rsit ? { rsit: c.rsit } : {}),
          techniques: [...techniques],
          tags: c.tags,
        });
      }),
  };
}
