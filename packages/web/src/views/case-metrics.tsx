/**
 * @module
 * Case metrics: mean time to detect, acknowledge, contain and resolve over the last 30 days and
 * per day, cases by status and resolution, alerts closed (in the queue and with their case), NIS2
 * deadlines kept ("no data yet" when the window is empty), and the false-positive feedback to rule
 * tuning (counts per rule, suppression suggestions admins accept or dismiss).
 */
import { useMemo, useState, type ReactNode } from 'react';
import { cases, type CaseMetrics, type RuleFeedback, type Suggestion } from '../api/incidents';
import { useSession } from '../app/session';
import { useAsync } from '../app/use-async';
import type { ViewProps } from '../app/view-types';
import { baseOption, Chart, chartColors } from '../components/chart';
import { Async, Empty } from '../components/states';
import { formatDuration } from '../lib/format';

const DAY = 86_400_000;

/** Says "no data yet" rather than a dash, so an empty window does not read as a broken page. */
function Kpi(props: { label: string; ms: number | undefined }): ReactNode {
  return (
    <div className="kpi">
      <div className="kpi-label">{props.label}</div>
      <div className={props.ms === undefined ? 'kpi-value muted small' : 'kpi-value'}>
        {props.ms === undefined ? 'no data yet' : formatDuration(props.ms)}
      </div>
    </div>
  );
}

/** True when the window holds no case and no closed alert: there is nothing to measure yet. */
export function metricsEmpty(m: CaseMetrics): boolean {
  return m.cases === 0 && (m.alerts?.closed ?? 0) === 0;
}

function AlertsClosed(props: { m: CaseMetrics }): ReactNode {
  const a = props.m.alerts;
  if (!a) return null;
  const reasons = Object.entries(a.byReason).sort((x, y) => y[1] - x[1]);
  return (
    <section className="panel" aria-label="Alerts closed">
      <h2 className="panel-title">Alerts closed (30 days)</h2>
      <table className="kv">
        <tbody>
          <tr>
            <th>Closed in all</th>
            <td>{a.closed}</td>
          </tr>
          <tr>
            <th>In the alert queue</th>
            <td>{a.inQueue}</td>
          </tr>
          <tr>
            <th>With their case</th>
            <td>{a.inCases}</td>
          </tr>
        </tbody>
      </table>
      {reasons.length > 0 && (
        <p className="muted small">Queue closures by reason: {reasons.map(([k, v]) => `${k} ${v}`).join(', ')}</p>
      )}
    </section>
  );
}

function Trend(props: { m: CaseMetrics }): ReactNode {
  const option = useMemo(() => {
    const c = chartColors();
    const x = props.m.buckets.map((b) => new Date(b.start).toISOString().slice(5, 10));
    const series = (['mttd', 'mtta', 'mttc', 'mttr'] as const).map((k) => ({
      name: k.toUpperCase(),
      type: 'line',
      connectNulls: true,
      data: props.m.buckets.map((b) => (b[k] === undefined ? null : Math.round((b[k] ?? 0) / 60_000))),
    }));
    return {
      ...baseOption(c),
      legend: { top: 0, right: 8, textStyle: { color: c.text } },
      grid: { left: 48, right: 16, top: 40, bottom: 28 },
      xAxis: { type: 'category', data: x, axisLabel: { color: c.muted } },
      yAxis: {
        type: 'value',
        name: 'minutes',
        axisLabel: { color: c.muted },
        splitLine: { lineStyle: { color: c.grid } },
      },
      series,
    };
  }, [props.m]);
  return (
    <Chart
      option={option}
      height={260}
      summary={`Mean times per day over ${props.m.buckets.length} days: MTTD ${props.m.mttd ?? '—'} ms overall.`}
    />
  );
}

function Feedback(props: {
  rules: readonly RuleFeedback[];
  suggestions: readonly Suggestion[];
  reload: () => void;
}): ReactNode {
  const { role } = useSession();
  const [error, setError] = useState<string | undefined>(undefined);
  const decide = (id: string, accept: boolean): void => {
    setError(undefined);
    cases.decide(id, accept).then(props.reload, (err: unknown) => setError((err as Error).message));
  };
  return (
    <div className="grid-2">
      <section className="panel">
        <h2 className="panel-title">Rules by false positives</h2>
        <table className="table" aria-label="False positives per rule">
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col" className="num">
                False
              </th>
              <th scope="col" className="num">
                True
              </th>
            </tr>
          </thead>
          <tbody>
            {props.rules.map((r) => (
              <tr key={r.ruleId}>
                <td>{r.ruleTitle}</td>
                <td className="num">{r.falsePositives}</td>
                <td className="num">{r.truePositives}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="panel">
        <h2 className="panel-title">Suppression suggestions</h2>
        {error && (
          <div className="banner banner-error" role="alert">
            {error}
          </div>
        )}
        <ul className="plain">
          {props.suggestions.map((s) => (
            <li key={s.id}>
              <strong>{s.action}</strong> {s.ruleTitle}
              {s.field ? ` for ${s.field} ${s.value ?? ''}` : ''} <span className="badge badge-muted">{s.status}</span>
              <div className="muted small">{s.reason}</div>
              {role === 'admin' && s.status === 'suggested' && (
                <span>
                  <button type="button" className="btn btn-ghost" onClick={() => decide(s.id, true)}>
                    Accept
                  </button>
                  <button type="button" className="btn btn-ghost" onClick={() => decide(s.id, false)}>
                    Dismiss
                  </button>
                </span>
              )}
            </li>
          ))}
          {props.suggestions.length === 0 && (
            <li className="muted">Closing a case as a false positive suggests suppressions here.</li>
          )}
        </ul>
      </section>
    </div>
  );
}

/** The case metrics view. */
export default function CaseMetricsView(_props: ViewProps): ReactNode {
  const state = useAsync(async (signal) => {
    const to = Date.now();
    const [m, rules, suggestions] = await Promise.all([
      cases.metrics({ from: to - 30 * DAY, to, buckets: 30 }, signal),
      cases.ruleFeedback(signal),
      cases.suggestions(signal),
    ]);
    return { m, rules: rules.items, suggestions: suggestions.items };
  }, []);
  return (
    <div className="view">
      <div className="view-head">
        <h1>Case metrics</h1>
      </div>
      <Async state={state} label="Loading metrics…">
        {(d) => (
          <>
            {metricsEmpty(d.m) && (
              <Empty title="No data yet">
                No case was opened and no alert was closed in the last 30 days. Mean times appear once cases are worked;
                closing alerts in the queue counts here too.
              </Empty>
            )}
            <div className="kpis">
              <Kpi label="MTTD" ms={d.m.mttd} />
              <Kpi label="MTTA" ms={d.m.mtta} />
              <Kpi label="MTTC" ms={d.m.mttc} />
              <Kpi label="MTTR" ms={d.m.mttr} />
              <div className="kpi">
                <div className="kpi-label">Cases (30 days)</div>
                <div className="kpi-value">{d.m.cases}</div>
              </div>
              <div className={`kpi ${d.m.nis2.missed > 0 ? 'kpi-warn' : ''}`}>
                <div className="kpi-label">NIS2 deadlines met / missed</div>
                <div className="kpi-value">
                  {d.m.nis2.met} / {d.m.nis2.missed}
                </div>
              </div>
            </div>
            <AlertsClosed m={d.m} />
            <section className="panel">
              <h2 className="panel-title">Mean times per day</h2>
              {d.m.cases === 0 ? <p className="muted">No data yet.</p> : <Trend m={d.m} />}
              <p className="muted small">
                By status:{' '}
                {Object.entries(d.m.byStatus)
                  .map(([k, v]) => `${k} ${v}`)
                  .join(', ')}{' '}
                · by resolution:{' '}
                {Object.entries(d.m.byResolution)
                  .map(([k, v]) => `${k} ${v}`)
                  .join(', ')}
              </p>
            </section>
            <Feedback rules={d.rules} suggestions={d.suggestions} reload={() => state.reload(true)} />
          </>
        )}
      </Async>
    </div>
  );
}
