/**
 * @module
 * Health: the node's checks, pipeline stages, queue depths, counters, sources, storage use, the
 * retention policy and, when the node monitors a bus, the scale-out role instances with their
 * lag. Refreshes every 5 seconds.
 */
import { useEffect, type ReactNode } from 'react';
import { api } from '../api/client';
import type { Health, NodeStatus } from '../api/types';
import { useAsync } from '../app/use-async';
import type { ViewProps } from '../app/view-types';
import { HealthBadge } from '../components/badges';
import { Async } from '../components/states';
import { formatBytes, formatCount, formatDuration, formatTime } from '../lib/format';
import { RoleInstancesPanel } from './health-roles';

const COUNTER_LABEL: Readonly<Record<string, string>> = {
  parsedEvents: 'Events parsed',
  storedEvents: 'Events stored',
  duplicates: 'Duplicates skipped',
  deadLetters: 'Dead letters',
  alerts: 'Alerts raised',
  bytes: 'Bytes received',
  udpDropped: 'UDP messages dropped',
};

function Body(props: { s: NodeStatus; h: Health | undefined }): ReactNode {
  const { s, h } = props;
  const ratio = s.storage.storedBytes > 0 ? s.storage.rawBytes / s.storage.storedBytes : 0;
  return (
    <>
      <p className="muted">
        Up {formatDuration(s.uptimeSeconds * 1000)} · updated {formatTime(s.generated)}
        {h && (
          <>
            {' '}
            · overall <HealthBadge status={h.status} />
          </>
        )}
      </p>
      <div className="grid-2">
        <section className="panel">
          <h2 className="panel-title">Pipeline stages</h2>
          <ol className="stages">
            {s.stages.map((st) => (
              <li key={st.name}>
                <HealthBadge status={st.status} /> <strong>{st.name}</strong>
                <div className="muted small">{st.detail}</div>
              </li>
            ))}
          </ol>
          {h && (
            <>
              <h3 className="subhead">Checks</h3>
              <ul className="plain">
                {Object.entries(h.checks).map(([k, c]) => (
                  <li key={k}>
                    <HealthBadge status={c.status} /> {k}
                    {c.detail ? <span className="muted small"> — {c.detail}</span> : null}
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
        <section className="panel">
          <h2 className="panel-title">Queues</h2>
          {s.queues.map((q) => {
            const pct = q.capacity ? Math.min(100, (100 * q.depth) / q.capacity) : undefined;
            return (
              <div key={q.name} className="queue">
                <div className="queue-row">
                  <span>{q.name}</span>
                  <span className="mono">
                    {q.unit === 'bytes' ? formatBytes(q.depth) : formatCount(q.depth)}
                    {q.capacity ? ` / ${q.unit === 'bytes' ? formatBytes(q.capacity) : formatCount(q.capacity)}` : ''}
                  </span>
                </div>
                {pct !== undefined && (
                  <div
                    className="meter"
                    role="meter"
                    aria-valuemin={0}
                    aria-valuemax={100}
                    aria-valuenow={Math.round(pct)}
                    aria-label={`${q.name} fill`}
                  >
                    <span style={{ width: `${pct}%` }} />
                  </div>
                )}
              </div>
            );
          })}
          <h3 className="subhead">Counters since start</h3>
          <table className="kv">
            <tbody>
              {Object.entries(s.counters).map(([k, v]) => (
                <tr key={k}>
                  <th>{COUNTER_LABEL[k] ?? k}</th>
                  <td className="num">{k === 'bytes' ? formatBytes(v) : formatCount(v)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
      <div className="grid-2">
        <section className="panel">
          <h2 className="panel-title">Storage (this tenant)</h2>
          <table className="kv">
            <tbody>
              <tr>
                <th>Events</th>
                <td className="num">{formatCount(s.storage.events)}</td>
              </tr>
              <tr>
                <th>Stored size</th>
                <td className="num">
                  {formatBytes(s.storage.storedBytes)} ({formatBytes(s.storage.rawBytes)} raw
                  {ratio > 0 ? `, ${ratio.toFixed(1)}× compression` : ''})
                </td>
              </tr>
              <tr>
                <th>Blocks / days</th>
                <td className="num">
                  {formatCount(s.storage.blocks)} / {s.storage.days}
                </td>
              </tr>
              <tr>
                <th>Alerts / dead letters</th>
                <td className="num">
                  {formatCount(s.storage.alerts)} / {formatCount(s.storage.deadLetters)}
                </td>
              </tr>
              <tr>
                <th>Blocks awaiting the term index</th>
                <td className="num">{formatCount(s.storage.unindexedBlocks)}</td>
              </tr>
              <tr>
                <th>Oldest / newest event</th>
                <td>
                  {s.storage.oldest ? formatTime(s.storage.oldest) : '—'} /{' '}
                  {s.storage.newest ? formatTime(s.storage.newest) : '—'}
                </td>
              </tr>
              {Object.entries(s.storage.files ?? {}).map(([f, b]) => (
                <tr key={f}>
                  <th className="mono">{f}</th>
                  <td className="num">{formatBytes(b)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section className="panel">
          <h2 className="panel-title">Retention</h2>
          <p>
            Events are kept {s.retention.maxAgeDays > 0 ? `for ${s.retention.maxAgeDays} days` : 'without an age limit'}{' '}
            and{' '}
            {s.retention.maxBytes > 0
              ? `up to ${formatBytes(s.retention.maxBytes)} compressed`
              : 'without a size limit'}
            ; the oldest days go first. Retention runs hourly.
          </p>
          <h3 className="subhead">Sources</h3>
          {s.sources.length === 0 ? (
            <p className="muted small">Listener details are shown to the node operator (default tenant).</p>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Source</th>
                  <th scope="col">Address</th>
                  <th scope="col">Received</th>
                  <th scope="col">Dropped</th>
                </tr>
              </thead>
              <tbody>
                {s.sources.map((x) => (
                  <tr key={x.name}>
                    <td>{x.name}</td>
                    <td className="mono">{x.address}</td>
                    <td className="num">{formatCount(x.received)}</td>
                    <td className="num">{formatCount(x.dropped)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
      {s.roles && <RoleInstancesPanel roles={s.roles} now={s.generated} />}
    </>
  );
}

/** The health view. */
export default function HealthView(_props: ViewProps): ReactNode {
  const state = useAsync(async (signal) => {
    const [s, h] = await Promise.all([api.nodeStatus({ signal }), api.health().catch(() => undefined)]);
    return { s, h };
  }, []);
  const { reload } = state;
  useEffect(() => {
    const t = window.setInterval(() => reload(true), 5000);
    return () => window.clearInterval(t);
  }, [reload]);
  return (
    <div className="view">
      <div className="view-head">
        <h1>Health</h1>
      </div>
      <Async state={state} label="Loading node status…">
        {({ s, h }) => <Body s={s} h={h} />}
      </Async>
    </div>
  );
}
