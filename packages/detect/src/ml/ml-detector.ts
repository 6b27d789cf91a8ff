/**
 * @module
 * The `ml` detector kind: a tenant's deployed models score its events. A model reads its
 * features by name from each event (the CIC-IDS columns of `cic-flow` events, or the `cic.`
 * fields of flows our pcap reader builds); events that carry fewer than half of a model's
 * features are not its kind of event and are skipped. An alert carries the score, the threshold,
 * the model's name and version, the predicted class, the five features that moved the score
 * most, with their values, and the whole feature row (`vector`, for retraining from verdicts).
 * Deployed models are reloaded when the registry's revision changes,
 * checked at most every few seconds, so a deploy or retire reaches a running node without a
 * restart.
 */
import type { AlertDraft, Detector, Entity, FieldValue, Severity, SocEvent } from '@intersoc/core';
import { alertVector, featureValue, Model, type FeatureSpec, type ModelDoc } from '@intersoc/learn';

/** A deployed model as the registry hands it over. */
export interface DeployedModel {
  readonly name: string;
  readonly version: number;
  readonly doc: ModelDoc;
}

/** Where deployed models come from (the node's model registry). */
export interface ModelSource {
  /** Changes whenever any tenant deploys or retires a model. */
  revision(): number;
  /** The tenant's deployed models. */
  deployed(tenant: string): readonly DeployedModel[];
}

/** Options of `MlDetector`. */
export interface MlDetectorOptions {
  /** How often the registry's revision is read, ms (default 5000). */
  readonly checkEveryMs?: number;
  /** Share of a model's features an event must carry to be scored (default 0.5). */
  readonly minFeatureShare?: number;
  /** Clock, for tests. */
  readonly now?: () => number;
}

/** Field name prefixes a feature may hide under (pcap flows: `cic.Flow Duration`). */
const PREFIXES = ['', 'cic.'];

interface Loaded {
  readonly name: string;
  readonly version: number;
  readonly model: Model;
  readonly row: Float64Array;
  /** Field names tried per feature, in order. */
  readonly names: readonly (readonly string[])[];
}

/** The event field names each of a model's features is read from, in order of preference. */
export function modelFieldNames(model: Model): readonly (readonly string[])[] {
  return model.features.map((f) => PREFIXES.map((p) => p + f.name));
}

/**
 * Reads a model's features from an event into `row` (schema order); returns how many features
 * the event carries. The detector and the drift monitor read events the same way through this.
 */
export function readModelRow(
  model: Model,
  names: readonly (readonly string[])[],
  e: SocEvent,
  row: Float64Array,
): number {
  let present = 0;
  const fields = e.fields;
  const specs = model.features;
  for (let f = 0; f < specs.length; f++) {
    let v: FieldValue | undefined;
    for (const n of names[f] as readonly string[]) {
      v = fields[n];
      if (v !== undefined) break;
    }
    if (v !== undefined && v !== null && v !== '') present++;
    row[f] = featureValue(
      specs[f] as FeatureSpec,
      typeof v === 'boolean' ? (v ? 1 : 0) : Array.isArray(v) ? null : (v as string | number | null | undefined),
    );
  }
  return present;
}

function severityOf(score: number, threshold: number): Severity {
  // How far past the threshold, on the way to certainty.
  const past = threshold >= 1 ? 1 : (score - threshold) / (1 - threshold);
  return past >= 0.9 ? 'high' : past >= 0.5 ? 'medium' : 'low';
}

function entitiesOf(e: SocEvent): Entity[] {
  const out: Entity[] = [];
  const src = e.ecs['source.ip'];
  const dst = e.ecs['destination.ip'];
  if (typeof src === 'string') out.push({ type: 'ip', value: src, role: 'source' });
  if (typeof dst === 'string') out.push({ type: 'ip', value: dst, role: 'destination' });
  return out;
}

/**
 * Runs the deployed models of each batch's tenant (a batch is always one tenant's events).
 * @example
 * const d = new MlDetector({ revision: () => store.revision(), deployed: (t) => store.deployed(systemContext(t)) });
 */
export class MlDetector implements Detector {
  readonly kind = 'ml';
  readonly id = 'ml:models';
  private readonly byTenant = new Map<string, readonly Loaded[]>();
  private revision = Number.NaN;
  private checked = -Infinity;
  private readonly checkEveryMs: number;
  private readonly minShare: number;
  private readonly now: () => number;

  constructor(
    private readonly source: ModelSource,
    o: MlDetectorOptions = {},
  ) {
    this.checkEveryMs = o.checkEveryMs ?? 5000;
    this.minShare = o.minFeatureShare ?? 0.5;
    this.now = o.now ?? Date.now;
  }

  /** Models loaded for a tenant (after the revision check), for tests and metrics. */
  models(tenant: string): readonly { name: string; version: number }[] {
    this.refresh();
    return this.load(tenant).map((l) => ({ name: l.name, version: l.version }));
  }

  detect(events: readonly SocEvent[]): readonly AlertDraft[] {
    const tenant = events[0]?.tenant;
    if (tenant === undefined) return [];
    this.refresh();
    const models = this.load(tenant);
    if (models.length === 0) return [];
    const out: AlertDraft[] = [];
    for (const e of events) {
      for (const m of models) {
        const a = this.score(m, e);
        if (a) out.push(a);
      }
    }
    return out;
  }

  private refresh(): void {
    const t = this.now();
    if (t - this.checked < this.checkEveryMs) return;
    this.checked = t;
    let r: number;
    try {
      r = this.source.revision();
    } catch {
      return;
    }
    if (r !== this.revision) {
      this.revision = r;
      this.byTenant.clear();
    }
  }

  private load(tenant: string): readonly Loaded[] {
    let l = this.byTenant.get(tenant);
    if (l) return l;
    let deployed: readonly DeployedModel[] = [];
    try {
      deployed = this.source.deployed(tenant);
    } catch {
      // A registry that cannot be read leaves the tenant without models until the next change.
    }
    l = deployed.map((d) => {
      const model = new Model(d.doc);
      return {
        name: d.name,
        version: d.version,
        model,
        row: new Float64Array(model.features.length),
        names: modelFieldNames(model),
      };
    });
    this.byTenant.set(tenant, l);
    return l;
  }

  /** Scores one event with one model; an alert draft when it crosses the threshold. */
  private score(m: Loaded, e: SocEvent): AlertDraft | undefined {
    const present = readModelRow(m.model, m.names, e, m.row);
    if (present < m.model.features.length * this.minShare) return undefined;
    const p = m.model.predict(m.row);
    if (!p.attack) return undefined;
    const threshold = m.model.doc.threshold;
    const features = m.model.explain(m.row, 0, 5);
    const vector = alertVector(m.row);
    return {
      time: e.time,
      detector: { kind: 'ml', ruleId: `ml:${m.name}`, ruleTitle: `model ${m.name}`, ruleVersion: String(m.version) },
      severity: severityOf(p.score, threshold),
      tactics: [],
      techniques: [],
      entities: entitiesOf(e),
      eventIds: [e.id],
      summary: `model ${m.name} v${m.version}: ${p.label} (score ${p.score.toFixed(3)} ≥ ${threshold.toPrecision(3)}); ${features
        .slice(0, 3)
        .map((f) => `${f.feature}=${String(f.value)}`)
        .join(', ')}`,
      details: {
        model: { name: m.name, version: m.version, algorithm: m.model.doc.algorithm },
        label: p.label,
        score: Math.round(p.score * 1e6) / 1e6,
        threshold,
        features,
        // The whole feature row (bounded), so an analyst's verdict on the alert can teach a retrain.
        ...(vector ? { vector } : {}),
      },
    };
  }
}
