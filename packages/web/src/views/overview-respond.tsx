/**
 * @module
 * The overview's response row: open incidents (worst first), open cases, and the NIS2 reports
 * due next. Each line links to its incident or case; each panel links to its full view.
 */
import type { ReactNode } from 'react';
import { cases } from '../api/incidents';
import { href, Link } from '../app/router';
import { useAsync } from '../app/use-async';
import { SeverityBadge } from '../components/badges';
import { formatCount, formatDuration, formatTime } from '../lib/format';

const SHOWN = 5;

async function load(signal: AbortSignal) {
  const [incidents, open, due] = await Promise.all([
    cases.incidents({ status: ['open'], limit: 1000 }, signal),
    cases.list({ status: ['new', 'in-progress', 'contained'], limit: 1000 }, signal),
    cases.dueDeadlines(signal),
  ]);
  return {
    incidents: [...incidents.items].sort((a, b) => b.score - a.score || b.lastSeen - a.lastSeen),
    cases: open.items,
    due: due.items.filter((d) => d.deadline.state !== 'submitted').sort((a, b) => a.deadline.due - b.deadline.due),
  };
}

/** Incidents, open cases and NIS2 due dates at a glance. */
export function RespondRow(): ReactNode {
  const state = useAsync(load, []);
  const d = state.data;
  if (state.error && !d)
    return <p className="muted small">Incidents and cases could not be loaded: {state.error.message}</p>;
  return (
    <div className="grid-3" aria-busy={d === undefined}>
      <section className="panel" aria-label="Open incidents">
        <h2 className="panel-title">
          <Link to={href('/incidents', { status: 'open' })}>Open incidents</Link>{' '}
          <span className="muted">{d ? formatCount(d.incidents.length) : '…'}</span>
        </h2>
        {d && d.incidents.length === 0 && <p className="muted small">No open incident.</p>}
        <ol className="plain">
          {d?.incidents.slice(0, SHOWN).map((i) => (
            <li key={i.id} className="respond-line">
              <SeverityBadge severity={i.severity} /> <span className="muted small">{i.score}</span>{' '}
              <Link to={`/incidents/${encodeURIComponent(i.id)}`} title={i.title}>
                {i.title}
              </Link>
            </li>
          ))}
        </ol>
      </section>
      <section className="panel" aria-label="Open cases">
        <h2 className="panel-title">
          <Link to="/cases">Open cases</Link> <span className="muted">{d ? formatCount(d.cases.length) : '…'}</span>
        </h2>
        {d && d.cases.length === 0 && <p className="muted small">No open case.</p>}
        <ol className="plain">
          {d?.cases.slice(0, SHOWN).map((c) => (
            <li key={c.id} className="respond-line">
              <SeverityBadge severity={c.severity} /> <span className="badge badge-muted">{c.status}</span>{' '}
              <Link to={`/cases/${encodeURIComponent(c.id)}`} title={c.title}>
                #{c.number} {c.title}
              </Link>
            </li>
          ))}
        </ol>
      </section>
      <section className="panel" aria-label="NIS2 due dates">
        <h2 className="panel-title">
          <Link to="/nis2">NIS2 due dates</Link> <span className="muted">{d ? formatCount(d.due.length) : '…'}</span>
        </h2>
        {d && d.due.length === 0 && <p className="muted small">No NIS2 report due.</p>}
        <ol className="plain">
          {d?.due.slice(0, SHOWN).map(({ case: c, deadline: dl }) => (
            <li key={`${c.id}:${dl.kind}`} className="respond-line">
              <span
                className={`badge ${dl.state === 'overdue' || dl.state === 'due-soon' ? 'badge-warn' : 'badge-muted'}`}
              >
                {dl.kind}
              </span>{' '}
              <span title={formatTime(dl.due)}>
                {dl.remainingMs < 0
                  ? `overdue ${formatDuration(-dl.remainingMs)}`
                  : `in ${formatDuration(dl.remainingMs)}`}
              </span>{' '}
              <Link to={`/cases/${encodeURIComponent(c.id)}`}>#{c.number}</Link>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
