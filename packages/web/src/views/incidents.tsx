/**
 * @module
 * The incident queue: incidents the node built from alerts, most severe first, with their score,
 * classification, hosts, users and ATT&CK tactics; filters by status, severity and text.
 * Analysts open a case from selected incidents or dismiss them. `/incidents/<id>` is the detail.
 */
import { useMemo, useState, type ReactNode } from 'react';
import { cases, type IncidentBrief, type IncidentStatus } from '../api/incidents';
import { SEVERITIES, type Severity } from '../api/types';
import { href, Link, useRouter } from '../app/router';
import { useSession } from '../app/session';
import { useAsync } from '../app/use-async';
import type { ViewProps } from '../app/view-types';
import { SeverityBadge } from '../components/badges';
import { Async, Empty } from '../components/states';
import { formatAgo, formatCount } from '../lib/format';
import IncidentDetail from './incident-detail';

const STATUSES: readonly IncidentStatus[] = ['open', 'case', 'closed'];
const SEV_RANK = new Map(SEVERITIES.map((s, i) => [s, i]));

function Queue(props: { items: readonly IncidentBrief[]; reload: () => void }): ReactNode {
  const { canWrite } = useSession();
  const { navigate } = useRouter();
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<string | undefined>(undefined);
  const rows = useMemo(
    () =>
      [...props.items].sort(
        (a, b) =>
          (SEV_RANK.get(b.severity) ?? 0) - (SEV_RANK.get(a.severity) ?? 0) ||
          b.score - a.score ||
          b.lastSeen - a.lastSeen,
      ),
    [props.items],
  );
  const toggle = (id: string): void => {
    const next = new Set(picked);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setPicked(next);
  };
  const openCase = async (): Promise<void> => {
    setError(undefined);
    try {
      const c = await cases.open({ incidents: [...picked] });
      navigate(`/cases/${encodeURIComponent(c.id)}`);
    } catch (err) {
      setError(`Could not open a case: ${(err as Error).message}`);
    }
  };
  const dismiss = async (): Promise<void> => {
    setError(undefined);
    try {
      await cases.setIncidentStatus([...picked], 'closed');
      setPicked(new Set());
      props.reload();
    } catch (err) {
      setError(`Could not dismiss: ${(err as Error).message}`);
    }
  };
  const now = Date.now();
  if (rows.length === 0) {
    return (
      <Empty title="No incidents">
        <p>
          Incidents appear when alerts come in: the node groups them by the hosts, accounts and addresses they share.
        </p>
      </Empty>
    );
  }
  return (
    <>
      {error && (
        <div className="banner banner-error" role="alert">
          {error}
        </div>
      )}
      {canWrite && (
        <div className="actionbar" aria-label="Actions on selected incidents">
          <span className="muted">{picked.size} selected</span>
          <button
            type="button"
            className="btn btn-primary"
            disabled={picked.size === 0}
            onClick={() => void openCase()}
          >
            Open case
          </button>
          <button type="button" className="btn" disabled={picked.size === 0} onClick={() => void dismiss()}>
            Dismiss
          </button>
        </div>
      )}
      <table className="table incident-queue" aria-label="Incident queue">
        <thead>
          <tr>
            {canWrite && (
              <th scope="col">
                <span className="sr-only">Select</span>
              </th>
            )}
            <th scope="col">Severity</th>
            <th scope="col" className="num">
              Score
            </th>
            <th scope="col">Incident</th>
            <th scope="col">RSIT</th>
            <th scope="col" className="num">
              Alerts
            </th>
            <th scope="col">Status</th>
            <th scope="col">Last activity</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((i) => (
            <tr key={i.id} className={i.status === 'closed' ? 'row-closed' : ''}>
              {canWrite && (
                <td>
                  <input
                    type="checkbox"
                    checked={picked.has(i.id)}
                    onChange={() => toggle(i.id)}
                    aria-label={`Select ${i.title}`}
                    disabled={i.status === 'case'}
                  />
                </td>
              )}
              <td>
                <SeverityBadge severity={i.severity} />
              </td>
              <td className="num">{i.score}</td>
              <td>
                <Link to={`/incidents/${encodeURIComponent(i.id)}`}>{i.title}</Link>
                <div className="muted small">
                  {i.tactics.join(' → ')}
                  {i.sources.length > 1 ? ` · ${i.sources.join(' + ')}` : ''}
                </div>
              </td>
              <td className="small">
                {i.rsit.classLabel}
                <div className="muted">{i.rsit.typeLabel}</div>
              </td>
              <td className="num">{formatCount(i.alertCount)}</td>
              <td>
                {i.caseId ? (
                  <Link to={`/cases/${encodeURIComponent(i.caseId)}`}>in case</Link>
                ) : (
                  <span className="badge badge-muted">{i.status}</span>
                )}
              </td>
              <td className="nowrap" title={new Date(i.lastSeen).toISOString()}>
                {formatAgo(i.lastSeen, now)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** The incident queue, or one incident. */
export default function IncidentsView(props: ViewProps): ReactNode {
  const id = props.params[0];
  return id === undefined ? <QueueView /> : <IncidentDetail id={id} />;
}

function QueueView(): ReactNode {
  const { location, navigate } = useRouter();
  const status = location.query.get('status') ?? 'open,case';
  const min = (location.query.get('min') ?? '') as Severity | '';
  const q = location.query.get('q') ?? '';
  const [text, setText] = useState(q);
  const state = useAsync(
    (signal) =>
      cases.incidents(
        { status: status.split(','), limit: 1000, ...(min ? { minSeverity: min } : {}), ...(q ? { q } : {}) },
        signal,
      ),
    [status, min, q],
  );
  const set = (k: string, v: string): void => {
    navigate(href('/incidents', { status, min, q, [k]: v }), { replace: true });
  };
  return (
    <div className="view">
      <div className="view-head">
        <h1>Incidents</h1>
      </div>
      <form
        className="toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          set('q', text);
        }}
      >
        <label className="field field-grow">
          <span>Search</span>
          <input value={text} onChange={(e) => setText(e.target.value)} placeholder="host, user, address, technique…" />
        </label>
        <label className="field">
          <span>Status</span>
          <select value={status} onChange={(e) => set('status', e.target.value)}>
            <option value="open,case">Open and in a case</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
            <option value="open,case,closed">All</option>
          </select>
        </label>
        <label className="field">
          <span>Minimum severity</span>
          <select value={min} onChange={(e) => set('min', e.target.value)}>
            <option value="">Any</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </form>
      <Async state={state} label="Loading incidents…">
        {(page) => <Queue items={page.items} reload={() => state.reload(true)} />}
      </Async>
    </div>
  );
}
