/**
 * @module
 * Host and user pages (`/hosts/<name>`, `/users/<name>`): what the node knows about one machine
 * or account at a glance — its criticality and owner from the asset inventory, when it was last
 * seen and by which sources, its incidents and alerts, and its usual activity (events per hour
 * over the last days, and the mean per hour of the day). Every moment on the page links to the
 * entity's events five minutes either side of it. Without a name the page asks for one.
 */
import { useMemo, useState, type ReactNode } from 'react';
import { entityProfile, type EntityKind, type EntityProfile } from '../api/entities';
import { href, Link, useRouter } from '../app/router';
import { useThemeName } from '../app/theme';
import { useAsync } from '../app/use-async';
import { SeverityBadge, StatusBadge } from '../components/badges';
import { baseOption, Chart, chartColors } from '../components/chart';
import { IntelBadge } from '../components/intel-badge';
import { Async, Empty } from '../components/states';
import { aroundHref, entityPage, hourOfDayProfile } from '../lib/entity-page';
import { formatCount, formatTime } from '../lib/format';
import type { ViewProps } from '../app/view-types';

const DAY_CHOICES = [1, 3, 7, 14, 30] as const;

function Around(props: { query: string; time: number }): ReactNode {
  return (
    <Link
      className="small"
      to={aroundHref(props.query, props.time)}
      title="Events of this entity 5 minutes either side"
    >
      ±5 min
    </Link>
  );
}

function Facts(props: { p: EntityProfile }): ReactNode {
  const { p } = props;
  const a = p.asset;
  return (
    <section className="panel">
      <h2 className="panel-title">At a glance</h2>
      <table className="kv">
        <tbody>
          <tr>
            <th>Criticality</th>
            <td>
              {a ? (
                <span className={`badge crit crit-${a.criticality}`}>{a.criticality}</span>
              ) : (
                <span className="muted">not in the asset inventory (counts as medium)</span>
              )}
              {a?.role && <span className="muted small"> · {a.role}</span>}
            </td>
          </tr>
          {a?.owner && (
            <tr>
              <th>Owner</th>
              <td>{a.owner}</td>
            </tr>
          )}
          {a && (a.aliases.length > 0 || a.ips.length > 0) && (
            <tr>
              <th>Also known as</th>
              <td className="mono small">{[...a.aliases, ...a.ips].join(', ')}</td>
            </tr>
          )}
          <tr>
            <th>Last seen</th>
            <td>
              {p.lastSeen === undefined ? (
                <span className="muted">no events</span>
              ) : (
                <>
                  {formatTime(p.lastSeen)} <Around query={p.query} time={p.lastSeen} />
                </>
              )}
            </td>
          </tr>
          <tr>
            <th>Reported by</th>
            <td>
              {p.sources.length === 0 ? (
                <span className="muted">no source</span>
              ) : (
                <ul className="chips" aria-label="Sources">
                  {p.sources.map((s) => (
                    <li key={`${s.format}/${s.name}`}>
                      <span className="chip chip-static" title={`${s.count} of the newest events`}>
                        {s.format} · {s.name}
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </td>
          </tr>
          <tr>
            <th>Events</th>
            <td>
              <Link to={href('/search', { q: p.query, range: `${p.activity.from}~${p.activity.to}` })}>
                Search all its events
              </Link>
            </td>
          </tr>
        </tbody>
      </table>
      <AroundForm query={p.query} initial={p.lastSeen} />
    </section>
  );
}

/** Picks any moment and opens the events ±5 minutes around it. */
function AroundForm(props: { query: string; initial: number | undefined }): ReactNode {
  const { navigate } = useRouter();
  const local = (ms: number): string => {
    const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
    return d.toISOString().slice(0, 16);
  };
  const [value, setValue] = useState(props.initial === undefined ? '' : local(props.initial));
  return (
    <form
      className="toolbar"
      onSubmit={(e) => {
        e.preventDefault();
        const t = new Date(value).getTime();
        if (!Number.isNaN(t)) navigate(aroundHref(props.query, t));
      }}
    >
      <label className="small">
        Events ±5 minutes around{' '}
        <input type="datetime-local" value={value} onChange={(e) => setValue(e.target.value)} aria-label="Moment" />
      </label>
      <button type="submit" className="btn" disabled={value === ''}>
        Show events
      </button>
    </form>
  );
}

function Activity(props: { p: EntityProfile }): ReactNode {
  const { p } = props;
  const theme = useThemeName();
  const { navigate } = useRouter();
  const act = p.activity;
  const hourly = useMemo(() => hourOfDayProfile(act.from, act.bucketMs, act.counts), [act]);
  const option = useMemo(() => {
    const c = chartColors();
    return {
      ...baseOption(c),
      grid: { left: 48, right: 12, top: 12, bottom: 24 },
      xAxis: {
        type: 'category',
        data: act.counts.map((_, i) => formatTime(act.from + i * act.bucketMs).slice(5, 13) + 'h'),
        axisLabel: { color: c.muted },
      },
      yAxis: {
        type: 'value',
        minInterval: 1,
        splitLine: { lineStyle: { color: c.grid } },
        axisLabel: { color: c.muted },
      },
      series: [{ type: 'bar', name: 'events', itemStyle: { color: c.accent }, data: act.counts }],
    };
  }, [act, theme]);
  const peak = Math.max(1, ...hourly);
  return (
    <section className="panel">
      <h2 className="panel-title">
        Usual activity · {formatCount(act.total)} events in {Math.round((act.to - act.from) / 86_400_000)} d
      </h2>
      {act.partial && <p className="muted small">Partial: the scan budget ran out, counts are a lower bound.</p>}
      {act.total > 0 ? (
        <>
          <Chart
            option={option}
            height={120}
            summary={`Events per hour of ${p.kind} ${p.name}, ${act.counts.length} hours`}
            onClickIndex={(i) => {
              const from = act.from + i * act.bucketMs;
              navigate(href('/search', { q: p.query, range: `${from}~${from + act.bucketMs - 1}` }));
            }}
          />
          <p className="muted small">Mean events per hour of the day (local time):</p>
          <div className="hour-profile" role="img" aria-label="Mean events per hour of the day">
            {hourly.map((n, h) => (
              <span
                key={h}
                className="hour-bar"
                title={`${String(h).padStart(2, '0')}:00 · ${n.toFixed(1)} events/h`}
                style={{ height: `${Math.round((n / peak) * 40) + 2}px` }}
              />
            ))}
          </div>
        </>
      ) : (
        <p className="muted">No events in these days.</p>
      )}
    </section>
  );
}

function Incidents(props: { p: EntityProfile }): ReactNode {
  const { p } = props;
  return (
    <section className="panel">
      <h2 className="panel-title">Incidents ({formatCount(p.incidents.length)})</h2>
      {p.incidents.length === 0 ? (
        <p className="muted">No incident names this {p.kind}.</p>
      ) : (
        <table className="table" aria-label={`Incidents of ${p.name}`}>
          <thead>
            <tr>
              <th scope="col">Last seen</th>
              <th scope="col">Severity</th>
              <th scope="col">Score</th>
              <th scope="col">Incident</th>
              <th scope="col">Status</th>
              <th scope="col">Alerts</th>
            </tr>
          </thead>
          <tbody>
            {p.incidents.map((i) => (
              <tr key={i.id}>
                <td className="nowrap">
                  {formatTime(i.lastSeen)} <Around query={p.query} time={i.lastSeen} />
                </td>
                <td>
                  <SeverityBadge severity={i.severity} />
                </td>
                <td>{i.score}</td>
                <td>
                  <Link to={`/incidents/${encodeURIComponent(i.id)}`}>{i.title}</Link>
                </td>
                <td>{i.status}</td>
                <td>{formatCount(i.alertCount)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Alerts(props: { p: EntityProfile }): ReactNode {
  const { p } = props;
  return (
    <section className="panel">
      <h2 className="panel-title">
        Alerts ({formatCount(p.alerts.length)}
        {p.moreAlerts ? '+' : ''})
      </h2>
      {p.alerts.length === 0 ? (
        <p className="muted">No alert names this {p.kind}.</p>
      ) : (
        <>
          {p.moreAlerts && (
            <p className="small">
              The newest {p.alerts.length}; <Link to={href('/alerts', { q: p.query })}>all of them in the queue</Link>.
            </p>
          )}
          <table className="table" aria-label={`Alerts of ${p.name}`}>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Severity</th>
                <th scope="col">Rule</th>
                <th scope="col">State</th>
                <th scope="col">Incident</th>
              </tr>
            </thead>
            <tbody>
              {p.alerts.map(({ alert: a, state, incident, intel }) => (
                <tr key={a.id}>
                  <td className="nowrap">
                    {formatTime(a.time)} <Around query={p.query} time={a.time} />
                  </td>
                  <td>
                    <SeverityBadge severity={a.severity} />
                  </td>
                  <td>
                    <Link to={`/alerts/${encodeURIComponent(a.id)}`}>{a.detector.ruleTitle}</Link>
                    <IntelBadge matches={intel} />
                  </td>
                  <td>
                    <StatusBadge status={state.status} reason={state.reason} />
                  </td>
                  <td>
                    {incident ? (
                      <Link to={`/incidents/${encodeURIComponent(incident.id)}`}>{incident.title}</Link>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function Pick(props: { kind: EntityKind }): ReactNode {
  const { navigate } = useRouter();
  const [name, setName] = useState('');
  return (
    <Empty title={`Open a ${props.kind} page`}>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) navigate(entityPage(props.kind, name.trim()));
        }}
      >
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          aria-label={props.kind === 'host' ? 'Host name' : 'Account'}
          placeholder={props.kind === 'host' ? 'WKS-03 or wks-03.corp.example.com' : 'CORP\\rconti or rconti'}
        />
        <button type="submit" className="btn btn-primary">
          Open
        </button>
      </form>
    </Empty>
  );
}

/** The host or user page. */
export default function EntityView(props: ViewProps): ReactNode {
  const { location, navigate } = useRouter();
  const kind: EntityKind = location.path.startsWith('/users') ? 'user' : 'host';
  const name = props.params[0] ?? '';
  const days = Number(location.query.get('days') ?? 7) || 7;
  const state = useAsync(
    (signal) => (name === '' ? Promise.resolve(undefined) : entityProfile(kind, name, { days }, { signal })),
    [kind, name, days],
  );
  if (name === '') return <Pick kind={kind} />;
  return (
    <div className="view">
      <div className="view-head">
        <div className="crumbs">{kind === 'host' ? 'Host' : 'User'}</div>
        <h1>{name}</h1>
      </div>
      <div className="detail-head">
        <label className="small">
          Activity over{' '}
          <select
            value={days}
            aria-label="Days of activity"
            onChange={(e) => navigate(href(entityPage(kind, name), { days: e.target.value }), { replace: true })}
          >
            {DAY_CHOICES.map((d) => (
              <option key={d} value={d}>
                {d} d
              </option>
            ))}
          </select>
        </label>
        <Link to={href('/intel', { q: name })}>Look up in threat intelligence</Link>
      </div>
      <Async state={state} label={`Loading ${kind} ${name}…`}>
        {(p) =>
          p === undefined ? null : (
            <>
              <div className="grid-2">
                <Facts p={p} />
                <Activity p={p} />
              </div>
              <Incidents p={p} />
              <Alerts p={p} />
            </>
          )
        }
      </Async>
    </div>
  );
}
