/**
 * @module
 * The `respond` role's playbook triggers. The embedded node hears incidents and cases on its bus;
 * this role has none, so the instance that drives the runs reads the incidents and cases written
 * since its last look (every 2 s; at start, those of the last day, so a role that was down catches
 * up) and hands each to `playbookTriggers`, which starts every matching playbook once per subject
 * and playbook. Reading by `updated` (the writer's wall clock, indexed by migration step 24) finds
 * a replayed capture's incidents too, whose alert times are years old.
 */
import type { PlaybookTriggers } from '../node/respond/triggers.js';

/** A changed subject, as the stores list them (`changedSince`). */
export interface Changed {
  readonly tenant: string;
  readonly id: string;
  readonly updated: number;
}

/** What the scan reads and calls. */
export interface TriggerScanWiring {
  readonly incidents: { changedSince(since: number, limit?: number): Changed[] };
  readonly cases: { changedSince(since: number, limit?: number): Changed[] };
  readonly triggers: PlaybookTriggers;
  readonly everyMs?: number;
  /** How far back the first scan looks (default one day). */
  readonly lookbackMs?: number;
  readonly now?: () => number;
  readonly onError: (err: unknown) => void;
}

/** A running scan. */
export interface TriggerScan {
  /** Scans once now; resolves with the number of subjects handed to the triggers. */
  scan(): Promise<number>;
  close(): void;
}

const LIMIT = 500;

/** Starts scanning; the first scan runs at once. */
export function startTriggerScan(w: TriggerScanWiring): TriggerScan {
  const now = w.now ?? Date.now;
  let since = now() - (w.lookbackMs ?? 86_400_000);
  // Subjects seen at their current `updated`: the next scan starts at the newest time seen
  // (inclusive, as later writes can share that millisecond), so these would come again.
  const seen = new Map<string, number>();
  let closed = false;
  let running: Promise<number> | undefined;
  let timer: NodeJS.Timeout | undefined;

  async function once(): Promise<number> {
    let handed = 0;
    let newest = since;
    for (const kind of ['incident', 'case'] as const) {
      const rows = (kind === 'incident' ? w.incidents : w.cases).changedSince(since, LIMIT);
      for (const r of rows) {
        newest = Math.max(newest, r.updated);
        const key = `${kind}\u0000${r.tenant}\u0000${r.id}`;
        if (seen.get(key) === r.updated) continue;
        seen.set(key, r.updated);
        handed += 1;
        await (kind === 'incident' ? w.triggers.incident(r.tenant, r.id) : w.triggers.case(r.tenant, r.id));
      }
    }
    since = newest;
    for (const [key, updated] of seen) if (updated < since) seen.delete(key);
    return handed;
  }

  const scan = (): Promise<number> => {
    // One scan at a time: a slow one (many playbooks to start) is not overtaken by the timer.
    running ??= once().finally(() => (running = undefined));
    return running;
  };
  const loop = (): void => {
    if (closed) return;
    scan()
      .catch(w.onError)
      .finally(() => {
        if (!closed) timer = setTimeout(loop, w.everyMs ?? 2_000);
      });
  };
  loop();
  return {
    scan,
    close: () => {
      closed = true;
      clearTimeout(timer);
    },
  };
}
