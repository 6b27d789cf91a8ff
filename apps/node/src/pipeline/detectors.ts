/**
 * @module
 * Builds the detectors every parse thread runs, from a serialisable spec (workers cannot be
 * handed live objects). New detector kinds register here.
 */
import path from 'node:path';
import type { Detector } from '@intersoc/core';
import type { SigmaCorrelator } from '@intersoc/detect';
import type { BaselineEngine } from '@intersoc/learn';
import type { DetectorSpec } from './detector-spec.js';

export type { DetectorSpec } from './detector-spec.js';

/** Creates the detectors named in `spec`. */
export async function loadDetectors(spec: DetectorSpec): Promise<Detector[]> {
  const out: Detector[] = [];
  for (const kind of spec.kinds) {
    const factory = FACTORIES[kind];
    if (factory) out.push(...(await factory(spec)));
  }
  return out;
}

/** Detector factories by kind; each loads its package lazily. */
const FACTORIES: Record<string, (spec: DetectorSpec) => Promise<Detector[]>> = {
  sigma: async (spec) => {
    const [{ SigmaDetector, SqliteStateStore }, { loadNodeRuleSets }] = await Promise.all([
      import('@intersoc/detect'),
      import('../node/rules.js'),
    ]);
    const sets = loadNodeRuleSets(spec.dataDir);
    const d = new SigmaDetector({
      ruleSet: sets.fallback,
      ...(spec.externalCorrelation
        ? { external: true }
        : { store: new SqliteStateStore(path.join(spec.dataDir, SIGMA_STATE_FILE)) }),
    });
    for (const [tenant, set] of sets.tenants) d.setRuleSet(set, tenant);
    return [d];
  },
  // Indicators of each tenant's CTI store, with peers' trust-weighted confidence.
  ioc: async (spec) => (await import('./ioc-factory.js')).iocDetectors(spec),
  // Each tenant's deployed models (`intersoc ml deploy`), reloaded when the registry changes.
  ml: async (spec) => (await import('./ml-factory.js')).mlDetectors(spec),
  // Host behaviour baselines: observations here, state and alerts in the baseline stage (`loadBaselines`).
  // The thread's Linux pid table outlives a rule reload (it rebuilds every detector).
  baseline: async () => {
    const learn = await import('@intersoc/learn');
    return [new learn.BaselineObserver(learn.threadLinuxTracker())];
  },
};

/**
 * The baseline stage: one engine per pipeline (on the writer thread, or inline), since a tenant's
 * baselines must see every thread's observations. State in `<data>/baselines.db`.
 */
export async function loadBaselines(spec: DetectorSpec): Promise<BaselineEngine | undefined> {
  if (!spec.kinds.includes('baseline')) return undefined;
  const { BaselineEngine, BASELINES_DB_FILE } = await import('@intersoc/learn');
  return new BaselineEngine(path.join(spec.dataDir, BASELINES_DB_FILE), spec.baselines ?? {});
}

/** Where Sigma correlation windows persist, so they survive a restart. */
export const SIGMA_STATE_FILE = 'sigma-state.db';

/** The correlation stage's state for externally correlated detectors (see `SigmaCorrelator`). */
export async function loadCorrelator(spec: DetectorSpec): Promise<SigmaCorrelator | undefined> {
  if (!spec.kinds.includes('sigma')) return undefined;
  const [{ SigmaCorrelator, SqliteStateStore }, { loadNodeRuleSets }] = await Promise.all([
    import('@intersoc/detect'),
    import('../node/rules.js'),
  ]);
  const sets = loadNodeRuleSets(spec.dataDir);
  const c = new SigmaCorrelator({
    ruleSet: sets.fallback,
    store: new SqliteStateStore(path.join(spec.dataDir, SIGMA_STATE_FILE)),
  });
  for (const [tenant, set] of sets.tenants) c.setRuleSet(set, tenant);
  return c;
}
