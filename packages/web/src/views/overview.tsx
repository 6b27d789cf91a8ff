/**
 * @module
 * Overview: events per second (live), alerts by severity over time, events over time, alert
 * states, open incidents, open cases and NIS2 due dates, top rules (titles on hover), techniques,
 * hosts and users, and ingest health (dead letters, drops).
 * It refreshes every 10 seconds and whenever a new alert arrives.
 */
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import { SEVERITIES, type CountedKey, type Overview } from '../api/types';
import { useLiveAlerts } from '../app/live';
import { href, Link } from '../app/router';
import { useSession } from '../app/session';
import { useThemeName } from '../app/theme';
import { useAsync } from '../app/use-async';
import type { ViewProps } from '../app/view-types';
import { baseOption, Chart, chartColors } from '../components/chart';
import { Async, Empty } from '../components/states';
import { formatClock, formatCount, formatRate, formatTime } from '../lib/format';
import { quoteValue } from '../lib/query-complete';
import { RespondRow } from './overview-respond';

const WINDOWS = [
  { id: '1h', label: 'Last hour', ms: 3_600_000, buckets: 60 },
  { id: '6h', label: 'Last 6 hours', ms: 6 * 3_600_000, buckets: 72 },
  { id: '24h', label: 'Last 24 hours', ms: 86_400_000, buckets: 96 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000, buckets: 84 },
] as const;

function axisTimes(o: Overview): string[] {
  return o.events.map((_, i) => {
    const t = o.from + i * o.bucketMs;
    return o.to - o.from > 2 * 86_400_000 ? formatTime(t).slice(5, 13) + 'h' : formatClock(t).slice(0, 5);
  });
}

function TopList(props: {
  title: string;
  items: readonly CountedKey[];
  link: (k: CountedKey) => string;
  empty: string;
}): ReactNode {
  const max = Math.max(1, ...props.items.map((i) => i.count));
  return (
    <section className="panel">
      <h2 className="panel-title">{props.title}</h2>
      {props.items.length === 0 ? (
        <p className="muted small">{props.empty}</p>
      ) : (
        <ol className="toplist">
          {props.items.map((i) => (
            <li key={i.key}>
              <Link
                to={props.link(i)}
                className="toplist-link"
                title={i.label !== undefined && i.label !== i.key ? `${i.label} (${i.key})` : i.key}
              >
                <span className="toplist-label">{i.label ?? i.key}</span>
                <span className="toplist-count">{formatCount(i.count)}</span>
                <span className="toplist-bar" style={{ width: `${(100 * i.count) / max}%` }} aria-hidden="true" />
              </Link>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function Kpi(props: { label: string; value: string; hint?: ReactNode; tone?: 'warn' | 'ok' }): ReactNode {
  return (
    <div className={`kpi ${props.tone ? `kpi-${props.tone}` : ''}`}>
      <div className="kpi-label">{props.label}</div>
      <div className="kpi-value">{props.value}</div>
      {props.hint && <div className="kpi-hint">{props.hint}</div>}
    </div>
  );
}

function Body(props: { o: Overview; theme: string }): ReactNode {
  const { o } = props;
  const { canWrite } = useSession();
  const labels = useMemo(() => axisTimes(o), [o]);
  const c = useMemo(() => chartColors(), [props.theme]);
  const severityOption = useMemo(
    () => ({
      ...baseOption(c),
      legend: { top: 0, textStyle: { color: c.text } },
      xAxis: {
        type: 'category',
        data: labels,
        axisLine: { lineStyle: { color: c.grid } },
        axisLabel: { color: c.muted },
      },
      yAxis: {
        type: 'value',
        minInterval: 1,
        splitLine: { lineStyle: { color: c.grid } },
        axisLabel: { color: c.muted },
      },
      series: [...SEVERITIES].reverse().map((s) => ({
        name: s,
        type: 'bar',
        stack: 'alerts',
        itemStyle: { color: c.severity[s] },
        data: o.alertsBySeverity.map((b) => b[s]),
      })),
    }),
    [o, labels, c],
  );
  const eventsOption = useMemo(
    () => ({
      ...baseOption(c),
      xAxis: {
        type: 'category',
        data: labels,
        axisLine: { lineStyle: { color: c.grid } },
        axisLabel: { color: c.muted },
      },
      yAxis: { type: 'value', splitLine: { lineStyle: { color: c.grid } }, axisLabel: { color: c.muted } },
      series: [{ name: 'events', type: 'bar', itemStyle: { color: c.accent }, data: o.events }],
    }),
    [o, labels, c],
  );
  const rateOption = useMemo(
    () => ({
      ...baseOption(c),
      grid: { left: 48, right: 16, top: 12, bottom: 24 },
      xAxis: {
        type: 'category',
        data: o.rate.map((r) => formatClock(r.t)),
        axisLabel: { color: c.muted },
        axisLine: { lineStyle: { color: c.grid } },
      },
      yAxis: { type: 'value', splitLine: { lineStyle: { color: c.grid } }, axisLabel: { color: c.muted } },
      series: [
        {
          name: 'events/s',
          type: 'line',
          showSymbol: false,
          areaStyle: { opacity: 0.15 },
          itemStyle: { color: c.accent },
          data: o.rate.map((r) => Number(r.events.toFixed(2))),
        },
        {
          name: 'dead letters/s',
          type: 'line',
          showSymbol: false,
          itemStyle: { color: c.severity.high },
          data: o.rate.map((r) => Number(r.deadLetters.toFixed(2))),
        },
      ],
    }),
    [o, c],
  );
  const eventsTotal = o.events.reduce((a, b) => a + b, 0);
  const current = o.rate.at(-1)?.events ?? 0;
  const peak = Math.max(0, ...o.rate.map((r) => r.events));
  const sevSummary = SEVERITIES.map((s) => `${s} ${o.alertsBySeverity.reduce((a, b) => a + b[s], 0)}`).join(', ');
  return (
    <>
      <div className="kpis">
        <Kpi
          label="Events per second"
          value={formatRate(current)}
          hint={
            o.rate.length > 0
              ? `peak ${formatRate(peak)} in the last ${Math.round((o.rate.length * 5) / 60)} min`
              : 'measuring…'
          }
        />
        <Kpi
          label="Events in window"
          value={formatCount(eventsTotal)}
          hint={`${formatCount(o.ingest.storedEvents)} stored in total`}
        />
        <Kpi
          label="Alerts in window"
          value={formatCount(o.alerts.total)}
          hint={
            <Link to={href('/alerts', { status: 'new' })}>
              {formatCount(o.alerts.new)} new · {formatCount(o.alerts.acknowledged)} acknowledged
            </Link>
          }
          {...(o.alerts.new > 0 ? { tone: 'warn' as const } : {})}
        />
        <Kpi
          label="Dead letters in window"
          value={formatCount(o.ingest.deadLettersInWindow)}
          hint={`${formatCount(o.ingest.deadLetters)} in total`}
          {...(o.ingest.deadLettersInWindow > 0 ? { tone: 'warn' as const } : { tone: 'ok' as const })}
        />
        {o.ingest.dropped !== undefined && (
          <Kpi
            label="Dropped (UDP, node)"
            value={formatCount(o.ingest.dropped)}
            hint="messages lost because the pipeline was full"
            {...(o.ingest.dropped > 0 ? { tone: 'warn' as const } : { tone: 'ok' as const })}
          />
        )}
      </div>
      <div className="grid-2">
        <section className="panel">
          <h2 className="panel-title">Alerts by severity</h2>
          {o.alerts.total === 0 ? (
            <Empty title="No alerts in this window">
              Detections appear here as rules and indicators match incoming events.
            </Empty>
          ) : (
            <Chart option={severityOption} height={240} summary={`Alerts by severity over time: ${sevSummary}`} />
          )}
        </section>
        <section className="panel">
          <h2 className="panel-title">Events over time</h2>
          {eventsTotal === 0 ? (
            <Empty title="No events in this window">
              Send syslog to the node, POST to <code>/api/ingest</code>, or run <code>bin/intersoc demo</code>.
            </Empty>
          ) : (
            <Chart
              option={eventsOption}
              height={240}
              summary={`Events over time: ${eventsTotal} events in ${o.events.length} buckets`}
            />
          )}
        </section>
      </div>
      <section className="panel">
        <h2 className="panel-title">Ingest rate (live)</h2>
        {o.rate.length < 2 ? (
          <p className="muted small">
            The node samples the rate every 5 seconds; the chart fills in as samples arrive.
          </p>
        ) : (
          <Chart
            option={rateOption}
            height={160}
            summary={`Events per second, now ${formatRate(current)}, peak ${formatRate(peak)}`}
          />
        )}
      </section>
      <RespondRow />
      <div className="grid-4">
        <TopList
          title="Top rules"
          items={o.topRules}
          empty="No rule fired in this window."
          link={(i) => href('/alerts', { q: `rule_id:${quoteValue(i.key)}` })}
        />
        <TopList
          title="Top ATT&CK techniques"
          items={o.topTechniques}
          empty="No technique observed."
          link={(i) => href('/alerts', { q: `technique:${quoteValue(i.key)}` })}
        />
        <TopList
          title="Top hosts"
          items={o.topHosts}
          empty="No host named in alerts."
          link={(i) => href('/alerts', { q: `host:${quoteValue(i.key)}` })}
        />
        <TopList
          title="Top users"
          items={o.topUsers}
          empty="No user named in alerts."
          link={(i) => href('/alerts', { q: `user:${quoteValue(i.key)}` })}
        />
      </div>
      {canWrite && <DeadLetters />}
    </>
  );
}

function DeadLetters(): ReactNode {
  const state = useAsync((signal) => api.deadLetters({ limit: 5 }, { signal }), []);
  return (
    <section className="panel">
      <h2 className="panel-title">Latest dead letters</h2>
      <Async state={state} label="Loading dead letters…">
        {(page) =>
          page.items.length === 0 ? (
            <p className="muted small">
              No record has been refused. Malformed input would be kept here with its reason.
            </p>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Source</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Record</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((d) => (
                  <tr key={d.id}>
                    <td className="nowrap">{formatTime(d.time)}</td>
                    <td>
                      {d.source.kind}/{d.source.name}
                      {d.source.format ? ` (${d.source.format})` : ''}
                    </td>
                    <td>{d.reason}</td>
                    <td className="mono clip">{d.preview.slice(0, 160)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Async>
    </section>
  );
}

/** The overview view. */
export default function OverviewView(_props: ViewProps): ReactNode {
  const { tenant } = useSession();
  const [win, setWin] = useState<(typeof WINDOWS)[number]['id']>('24h');
  const w = WINDOWS.find((x) => x.id === win) ?? WINDOWS[2];
  const state = useAsync(
    (signal) => {
      const to = Date.now();
      return api.overview({ from: to - w.ms, to, buckets: w.buckets }, { signal });
    },
    [w],
  );
  const { reload } = state;
  const pending = useRef<number | undefined>(undefined);
  useLiveAlerts(() => {
    // A burst of alerts causes one refresh, not one per alert.
    if (pending.current !== undefined) return;
    pending.current = window.setTimeout(() => {
      pending.current = undefined;
      reload(true);
    }, 2000);
  }, tenant);
  useEffect(() => {
    const t = window.setInterval(() => reload(true), 10_000);
    return () => {
      window.clearInterval(t);
      if (pending.current !== undefined) window.clearTimeout(pending.current);
    };
  }, [reload]);
  const theme = useThemeName();
  return (
    <div className="view">
      <div className="view-head">
        <h1>Overview</h1>
        <label className="inline-field">
          <span className="muted">Window</span>
          <select value={win} onChange={(e) => setWin(e.target.value as typeof win)}>
            {WINDOWS.map((x) => (
              <option key={x.id} value={x.id}>
                {x.label}
              </option>
            ))}
          </select>
        </label>
        {state.data && <span className="muted small">Updated {formatClock(state.data.generated)}</span>}
      </div>
      <Async state={state} label="Loading the overview…">
        {(o) => <Body o={o} theme={theme} />}
      </Async>
    </div>
  );
}
