/**
 * @module
 * Rule packs shared through the PostgreSQL store (`intersoc rules add --store`): a detect or
 * correlate role mirrors them into its `--data` folder before it loads its rules, then asks the
 * store for the rule revision every `bus.rulesPollMs` and, when it moved, mirrors again and hands
 * the change on (`onChange` rebuilds detectors and re-routes correlations). One cheap query per
 * poll; the packs are read only when something changed. A store that cannot be reached leaves the
 * role on its last mirror, logged once per outage.
 */
import { mirroredRevision, mirrorRules, type MirrorResult } from '../node/rules-mirror.js';

/** Settings of the rule sync. */
export interface RuleSyncOptions {
  readonly url: string;
  readonly data: string;
  readonly pollMs: number;
  readonly log: (message: string) => void;
}

/** A running rule sync. */
export interface RuleSync {
  /** Revision mirrored into `--data`. */
  readonly revision: () => number;
  /** Called after each mirror that changed something; a failure is logged, the sync goes on. */
  onChange(f: () => Promise<void>): void;
  close(): Promise<void>;
}

/** Mirrors the store's rules now (so the role starts on them), then keeps them current. */
export async function startRuleSync(o: RuleSyncOptions): Promise<RuleSync> {
  const { PgRulePacks } = await import('@intersoc/storage/postgres');
  const store = PgRulePacks.open(o.url);
  const report = (r: MirrorResult): void => {
    o.log(`rules: revision ${r.rev} from the store: ${r.packs} pack(s), ${r.removed} removed`);
    for (const s of r.skipped) o.log(`rules: skipped ${s}`);
  };
  try {
    report(mirrorRules(await store.snapshot(), o.data));
  } catch (err) {
    await store.close();
    throw err;
  }
  const listeners: (() => Promise<void>)[] = [];
  let failing = false;
  let running: Promise<void> | undefined;
  const poll = async (): Promise<void> => {
    try {
      if ((await store.revision()) === mirroredRevision(o.data)) return;
      const r = mirrorRules(await store.snapshot(), o.data);
      report(r);
      if (failing) o.log('rules: the store answers again');
      failing = false;
      for (const f of listeners) {
        try {
          await f();
        } catch (err) {
          o.log(`rules: applying revision ${r.rev} failed: ${(err as Error).message}`);
        }
      }
      o.log(`rules: revision ${r.rev} applied`);
    } catch (err) {
      if (!failing) o.log(`rules: cannot refresh from the store, keeping the last mirror: ${(err as Error).message}`);
      failing = true;
    }
  };
  const timer = setInterval(() => {
    running ??= poll().finally(() => (running = undefined));
  }, o.pollMs);
  timer.unref();
  return {
    revision: () => mirroredRevision(o.data),
    onChange: (f) => void listeners.push(f),
    close: async () => {
      clearInterval(timer);
      await running;
      await store.close();
    },
  };
}
