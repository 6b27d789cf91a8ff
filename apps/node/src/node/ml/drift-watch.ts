/**
 * @module
 * The periodic drift check: every deployed model of every tenant against the events it read in
 * the last hours (PSI per feature, `modelDrift`). A model whose largest PSI reaches the
 * threshold (0.25, the usual "the figures no longer hold" level) gets a warning naming the
 * features and their PSI, and an alert (`ml-drift:<name>`, at most one per model version and
 * day). Models without a training profile or with too few rows in the window are skipped, and
 * counted as such.
 */
import { systemContext, type Alert } from '@intersoc/core';
import { PSI_DRIFTED } from '@intersoc/learn';
import { modelDrift, type DriftEvents, type ModelDrift } from './ml-drift.js';
import { modelStoreOf, type ModelRegistry } from './ml-ops.js';
import { nodeAlert } from './node-alerts.js';

const DAY = 86_400_000;

/** Options of a drift check. */
export interface DriftWatchOptions {
  /** Window of live events, hours ending `now` (default 24). */
  readonly hours?: number;
  /** PSI at or above which a model warns (default 0.25). */
  readonly threshold?: number;
  readonly now?: number;
  /** Most model rows read per model (default 50,000). */
  readonly maxRows?: number;
}

/** One drifted model. */
export interface DriftWarning {
  readonly tenant: string;
  readonly drift: ModelDrift;
  /** The features at or above the threshold, largest first. */
  readonly features: readonly { feature: string; psi: number }[];
  readonly message: string;
  readonly alert: Alert;
}

/** What a check found. */
export interface DriftCheck {
  readonly at: number;
  readonly checked: number;
  /** Models without a figure (no profile, too few rows), with the reason. */
  readonly unknown: readonly { tenant: string; name: string; reason: string }[];
  readonly warnings: readonly DriftWarning[];
}

/** Checks every deployed model of `tenants`. */
export async function checkDrift(
  models: ModelRegistry,
  reader: DriftEvents,
  tenants: readonly string[],
  o: DriftWatchOptions = {},
): Promise<DriftCheck> {
  const now = o.now ?? Date.now();
  const threshold = o.threshold ?? PSI_DRIFTED;
  const store = modelStoreOf(models);
  const warnings: DriftWarning[] = [];
  const unknown: { tenant: string; name: string; reason: string }[] = [];
  let checked = 0;
  for (const tenant of tenants) {
    const ctx = systemContext(tenant);
    for (const m of store.deployed(ctx)) {
      checked++;
      const d = await modelDrift(ctx, store, reader, m.name, {
        version: m.version,
        hours: o.hours ?? 24,
        now,
        ...(o.maxRows === undefined ? {} : { maxRows: o.maxRows }),
      });
      if (d.status === 'unknown') {
        unknown.push({ tenant, name: m.name, reason: d.reason ?? 'no figure' });
        continue;
      }
      if (d.maxPsi < threshold) continue;
      const features = d.features.filter((f) => f.psi >= threshold);
      const list = features
        .slice(0, 5)
        .map((f) => `${f.feature} ${f.psi.toFixed(2)}`)
        .join(', ');
      const message =
        `model ${m.name} v${m.version}: input drift, PSI ${d.maxPsi.toFixed(2)} ≥ ${threshold} on ${features.length} ` +
        `feature(s) (${list}) over ${d.rows} events of the last ${o.hours ?? 24} h; its validation figures no longer hold — retrain or retire it`;
      const alert = nodeAlert(
        tenant,
        {
          time: now,
          detector: {
            kind: 'ml-drift',
            ruleId: `ml-drift:${m.name}`,
            ruleTitle: `input drift of model ${m.name}`,
            ruleVersion: String(m.version),
          },
          severity: d.maxPsi >= 2 * threshold ? 'medium' : 'low',
          tactics: [],
          techniques: [],
          entities: [],
          eventIds: [],
          summary: message,
          details: {
            model: { name: m.name, version: m.version },
            maxPsi: d.maxPsi,
            threshold,
            features,
            rows: d.rows,
            window: { from: d.from, to: d.to },
          },
        },
        [String(m.version), String(Math.floor(now / DAY))],
        now,
      );
      warnings.push({ tenant, drift: d, features, message, alert });
    }
  }
  return { at: now, checked, unknown, warnings };
}
