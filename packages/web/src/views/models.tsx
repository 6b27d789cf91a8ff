/**
 * @module
 * Learned detection models: every version of every model of the tenant, grouped by name, with
 * their validation figures side by side (accuracy, macro-F1, AUC, detection and false-positive
 * rates, threshold), which one is deployed, deploy and retire for analysts, and the input drift
 * of each model's deployed (else newest) version over a chosen window — PSI per feature against
 * its training rows, largest first. A version retrained from analysts' verdicts (`Retrain` for
 * analysts) shows its lineage — parent, false and true positives added — and its figures beside
 * its parent's on the same held-out rows.
 */
import { useState, type ReactNode } from 'react';
import { ml, type ModelDrift, type ModelSummary } from '../api/ml';
import { useSession } from '../app/session';
import { useAsync } from '../app/use-async';
import type { ViewProps } from '../app/view-types';
import { Async, Empty } from '../components/states';

const num = (v: unknown, digits = 4): string => (typeof v === 'number' ? v.toFixed(digits) : '–');
const pct = (v: unknown): string => (typeof v === 'number' ? `${(v * 100).toFixed(2)}%` : '–');

function validation(m: ModelSummary): Record<string, unknown> {
  return (m.metrics['validation'] as Record<string, unknown> | undefined) ?? {};
}

/** A retrained version's parent and its figures beside the parent's on the same held-out rows. */
function Lineage(props: { versions: readonly ModelSummary[] }): ReactNode {
  const children = props.versions.filter((m) => m.lineage !== undefined);
  if (children.length === 0) return null;
  return (
    <table className="table" aria-label="Lineage">
      <caption>Retrained from analysts' verdicts: each version beside its parent, on the same held-out rows</caption>
      <thead>
        <tr>
          <th scope="col">Version</th>
          <th scope="col">Parent</th>
          <th scope="col">Verdicts added</th>
          <th scope="col">Accuracy (parent → this)</th>
          <th scope="col">Macro-F1</th>
          <th scope="col">Detection</th>
          <th scope="col">False positives</th>
        </tr>
      </thead>
      <tbody>
        {children.map((m) => {
          const l = m.lineage ?? {};
          const p = (m.metrics['parentValidation'] as Record<string, unknown> | undefined) ?? {};
          const c = validation(m);
          const pb = (p['binary'] as Record<string, unknown> | undefined) ?? {};
          const cb = (c['binary'] as Record<string, unknown> | undefined) ?? {};
          return (
            <tr key={m.version}>
              <td>v{m.version}</td>
              <td>v{String(l['parent'])}</td>
              <td>
                {String(l['falsePositives'])} false positives, {String(l['truePositives'])} true positives
                {l['repeat'] !== 1 ? ` (×${String(l['repeat'])})` : ''}
              </td>
              <td className="num">
                {pct(p['accuracy'])} → {pct(c['accuracy'])}
              </td>
              <td className="num">
                {num(p['macroF1'])} → {num(c['macroF1'])}
              </td>
              <td className="num">
                {pct(pb['detectionRate'])} → {pct(cb['detectionRate'])}
              </td>
              <td className="num">
                {pct(pb['falsePositiveRate'])} → {pct(cb['falsePositiveRate'])}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

const DRIFT_TEXT: Record<ModelDrift['status'], string> = {
  stable: 'stable (PSI < 0.1)',
  moderate: 'moderate shift (PSI 0.1–0.25)',
  drifted: 'drifted (PSI ≥ 0.25): the validation figures no longer hold',
  unknown: 'not enough rows to judge',
};

function Drift(props: { name: string; hours: number; version: number }): ReactNode {
  // The version is a dependency: after a deploy the panel measures the newly deployed one.
  const state = useAsync(
    (signal) => ml.drift(props.name, props.hours, signal),
    [props.name, props.hours, props.version],
  );
  return (
    <Async state={state} label="Measuring drift…">
      {(d) => (
        <div aria-label={`Drift of ${d.name}`}>
          <p>
            <strong>Drift of v{d.version}:</strong>{' '}
            <span className={d.status === 'drifted' ? 'text-danger' : ''}>{DRIFT_TEXT[d.status]}</span>
            {d.status === 'unknown'
              ? ` — ${d.reason ?? ''} (${d.scannedEvents.toLocaleString()} events read)`
              : ` — largest PSI ${num(d.maxPsi)} over ${d.rows.toLocaleString()} rows (${d.scannedEvents.toLocaleString()} events read)`}
          </p>
          {d.features.length > 0 && (
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Feature</th>
                  <th scope="col">PSI</th>
                </tr>
              </thead>
              <tbody>
                {d.features.slice(0, 8).map((f) => (
                  <tr key={f.feature}>
                    <td>{f.feature}</td>
                    <td className={f.psi >= 0.25 ? 'text-danger mono' : 'mono'}>{num(f.psi)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </Async>
  );
}

function ModelGroup(props: { versions: readonly ModelSummary[]; hours: number; onChange: () => void }): ReactNode {
  const { canWrite } = useSession();
  const [busy, setBusy] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const name = props.versions[0]?.name ?? '';
  const act = async (what: 'deploy' | 'retire' | 'retrain', v: number): Promise<void> => {
    setBusy(`${what}-${v}`);
    setError(undefined);
    try {
      await (what === 'deploy' ? ml.deploy(name, v) : what === 'retrain' ? ml.retrain(name, v) : ml.retire(name, v));
      props.onChange();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <section className="panel" aria-label={`Model ${name}`}>
      <h2 className="panel-title">{name}</h2>
      {error && (
        <div className="banner banner-error" role="alert">
          {error}
        </div>
      )}
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Status</th>
            <th scope="col">Algorithm</th>
            <th scope="col">Features</th>
            <th scope="col">Accuracy</th>
            <th scope="col">Macro-F1</th>
            <th scope="col">AUC</th>
            <th scope="col">Detection</th>
            <th scope="col">False positives</th>
            <th scope="col">Threshold</th>
            <th scope="col">From</th>
            {canWrite && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {props.versions.map((m) => {
            const v = validation(m);
            const bin = (v['binary'] as Record<string, unknown> | undefined) ?? {};
            return (
              <tr key={m.version}>
                <td>v{m.version}</td>
                <td>{m.status}</td>
                <td>{m.algorithm}</td>
                <td className="num">{m.features}</td>
                <td className="num">{pct(v['accuracy'])}</td>
                <td className="num">{num(v['macroF1'])}</td>
                <td className="num">{num(v['auc'])}</td>
                <td className="num">{pct(bin['detectionRate'])}</td>
                <td className="num">{pct(bin['falsePositiveRate'])}</td>
                <td className="num">{num(m.threshold)}</td>
                <td>
                  {m.lineage
                    ? `v${String(m.lineage['parent'])} +${String(m.lineage['falsePositives'])} FP +${String(m.lineage['truePositives'])} TP`
                    : 'training data'}
                </td>
                {canWrite && (
                  <td>
                    {m.status !== 'deployed' && m.status !== 'retired' && (
                      <button type="button" disabled={busy !== undefined} onClick={() => void act('deploy', m.version)}>
                        Deploy v{m.version}
                      </button>
                    )}{' '}
                    {m.status !== 'retired' && (
                      <button type="button" disabled={busy !== undefined} onClick={() => void act('retire', m.version)}>
                        Retire v{m.version}
                      </button>
                    )}{' '}
                    {m.status !== 'retired' && (
                      <button
                        type="button"
                        disabled={busy !== undefined}
                        title="Train a new version from this one's data plus the verdicts on the model's alerts"
                        onClick={() => void act('retrain', m.version)}
                      >
                        {busy === `retrain-${m.version}` ? 'Retraining…' : `Retrain v${m.version}`}
                      </button>
                    )}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
      <Lineage versions={props.versions} />
      <Drift
        name={name}
        hours={props.hours}
        version={(props.versions.find((m) => m.status === 'deployed') ?? props.versions[0])?.version ?? 0}
      />
    </section>
  );
}

/** The models view. */
export default function ModelsView(_props: ViewProps): ReactNode {
  const [hours, setHours] = useState(24);
  const state = useAsync((signal) => ml.list(signal), []);
  return (
    <div className="view">
      <div className="view-head">
        <h1>Models</h1>
        <label>
          Drift window{' '}
          <select value={hours} onChange={(e) => setHours(Number(e.target.value))}>
            <option value={1}>last hour</option>
            <option value={24}>last 24 hours</option>
            <option value={168}>last 7 days</option>
            <option value={720}>last 30 days</option>
          </select>
        </label>
      </div>
      <Async state={state} label="Loading models…">
        {(items) => {
          if (items.length === 0)
            return (
              <Empty title="No models yet">
                <p>
                  Train one with <code>intersoc ml train NAME --input FILE</code> or import one with{' '}
                  <code>intersoc ml import NAME --file model.json</code>.
                </p>
              </Empty>
            );
          const byName = new Map<string, ModelSummary[]>();
          for (const m of items) byName.set(m.name, [...(byName.get(m.name) ?? []), m]);
          return (
            <div>
              {[...byName.values()].map((versions) => (
                <ModelGroup
                  key={versions[0]?.name}
                  versions={[...versions].sort((a, b) => b.version - a.version)}
                  hours={hours}
                  onChange={() => state.reload(true)}
                />
              ))}
            </div>
          );
        }}
      </Async>
    </div>
  );
}
