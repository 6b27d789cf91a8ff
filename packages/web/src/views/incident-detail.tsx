/**
 * @module
 * One incident: what happened (title, severity, score and its parts, RSIT class and type with
 * the reason), the ATT&CK chain in kill-chain order, the entity graph with the evidence for
 * each edge, the timeline, and its alerts. Analysts open a case from it, dismiss it, or split
 * selected alerts off into a new incident.
 */
import { useMemo, useState, type ReactNode } from 'react';
import { cases, type Incident, type IncidentAlert } from '../api/incidents';
import { Link, useRouter } from '../app/router';
import { useSession } from '../app/session';
import { useThemeName } from '../app/theme';
import { useAsync } from '../app/use-async';
import { SeverityBadge, StatusBadge } from '../components/badges';
import { IntelList } from '../components/intel-badge';
import { Graph } from '../components/graph';
import { Async } from '../components/states';
import { formatCount, formatTime } from '../lib/format';
import { CascadeImpactPanel } from '../components/cascade-impact';
import { IncidentRunRows } from '../components/incident-runs';
import { attackChain, incidentGraph } from '../lib/incidents';
import { LikelyNext } from './likely-next';
import { EntityPageLinks } from '../components/entity-page-links';

function Alerts(props: {
  incident: Incident;
  alerts: readonly IncidentAlert[];
  onSplit: (ids: string[]) => void;
}): ReactNode {
  const { canWrite } = useSession();
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  return (
    <section className="panel">
      <h2 className="panel-title">Alerts ({formatCount(props.alerts.length)})</h2>
      {canWrite && props.alerts.length > 1 && (
        <div className="actionbar">
          <button
            type="button"
            className="btn"
            disabled={picked.size === 0 || picked.size === props.alerts.length}
            onClick={() => props.onSplit([...picked])}
          >
            Split {picked.size} selected into a new incident
          </button>
        </div>
      )}
      <table className="table" aria-label="Alerts of the incident">
        <thead>
          <tr>
            {canWrite && (
              <th scope="col">
                <span className="sr-only">Select</span>
              </th>
            )}
            <th scope="col">Time</th>
            <th scope="col">Severity</th>
            <th scope="col">Rule</th>
            <th scope="col">State</th>
            <th scope="col">Entities</th>
          </tr>
        </thead>
        <tbody>
          {props.alerts.slice(0, 500).map((a) => (
            <tr key={a.id}>
              {canWrite && (
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Select alert ${a.rule} at ${formatTime(a.time)}`}
                    checked={picked.has(a.id)}
                    onChange={() => {
                      const next = new Set(picked);
                      if (next.has(a.id)) next.delete(a.id);
                      else next.add(a.id);
                      setPicked(next);
                    }}
                  />
                </td>
              )}
              <td className="nowrap">{formatTime(a.time)}</td>
              <td>
                <SeverityBadge severity={a.severity} />
              </td>
              <td>
                <Link to={`/alerts/${encodeURIComponent(a.id)}`}>{a.rule}</Link>
              </td>
              <td>{a.state ? <StatusBadge status={a.state.status} reason={a.state.reason} /> : ''}</td>
              <td className="small mono wrap">
                {a.entities
                  .slice(0, 6)
                  .map((e) => `${e.type}=${e.value}`)
                  .join('  ')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.alerts.length > 500 && <p className="muted small">The first 500 of {props.alerts.length} alerts.</p>}
    </section>
  );
}

function Body(props: { incident: Incident; alerts: readonly IncidentAlert[]; reload: () => void }): ReactNode {
  const i = props.incident;
  const { canWrite } = useSession();
  const { navigate } = useRouter();
  const theme = useThemeName();
  const [error, setError] = useState<string | undefined>(undefined);
  const chain = useMemo(() => attackChain(i), [i]);
  const graph = useMemo(() => incidentGraph(i), [i]);
  const act = async (f: () => Promise<void>): Promise<void> => {
    setError(undefined);
    try {
      await f();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <>
      <div className="detail-head">
        <SeverityBadge severity={i.severity} />
        <span className="badge badge-muted">score {i.score}</span>
        <span className="badge badge-muted" title={i.closedReason ? `closed: ${i.closedReason}` : i.status}>
          {i.status}
          {i.closedReason ? ` · ${i.closedReason}` : ''}
        </span>
        {i.caseId && <Link to={`/cases/${encodeURIComponent(i.caseId)}`}>Case</Link>}
        {canWrite && !i.caseId && i.status !== 'merged' && (
          <>
            <button
              type="button"
              className="btn btn-primary"
              onClick={() =>
                void act(async () => {
                  const c = await cases.open({ incidents: [i.id] });
                  navigate(`/cases/${encodeURIComponent(c.id)}`);
                })
              }
            >
              Open case
            </button>
            <button
              type="button"
              className="btn"
              onClick={() =>
                void act(async () => {
                  await cases.setIncidentStatus([i.id], i.status === 'closed' ? 'open' : 'closed');
                  props.reload();
                })
              }
            >
              {i.status === 'closed' ? 'Reopen' : 'Dismiss'}
            </button>
          </>
        )}
      </div>
      {error && (
        <div className="banner banner-error" role="alert">
          {error}
        </div>
      )}
      {i.mergedInto && (
        <div className="notice">
          Merged into <Link to={`/incidents/${encodeURIComponent(i.mergedInto)}`}>another incident</Link>.
        </div>
      )}
      <div className="grid-2">
        <section className="panel">
          <h2 className="panel-title">What happened</h2>
          <table className="kv">
            <tbody>
              <tr>
                <th>Classification</th>
                <td>
                  {i.rsit.classLabel} / {i.rsit.typeLabel}
                  <div className="muted small">
                    RSIT {i.rsit.class}/{i.rsit.type} — {i.rsit.reason} ({i.rsit.classifier}, confidence{' '}
                    {i.rsit.confidence})
                  </div>
                </td>
              </tr>
              <tr>
                <th>Score</th>
                <td>
                  {i.score} = 100 × alert {i.scoreParts.severity} × asset {i.scoreParts.criticality} × confidence{' '}
                  {i.scoreParts.confidence} × spread {i.scoreParts.spread}
                </td>
              </tr>
              <tr>
                <th>When</th>
                <td>
                  {formatTime(i.firstSeen)} – {formatTime(i.lastSeen)} · {formatCount(i.alertCount)} alerts from{' '}
                  {i.sources.join(', ')} sensors
                </td>
              </tr>
              <tr>
                <th>Hosts</th>
                <td>
                  <EntityPageLinks kind="host" values={i.hosts} />
                </td>
              </tr>
              <tr>
                <th>Accounts</th>
                <td>
                  <EntityPageLinks kind="user" values={i.users} />
                </td>
              </tr>
              {i.ips.length + i.domains.length > 0 && (
                <tr>
                  <th>External</th>
                  <td className="mono">{[...i.ips, ...i.domains].join(', ')}</td>
                </tr>
              )}
              {i.links.length > 0 && (
                <tr>
                  <th>Other SOCs</th>
                  <td>
                    {i.links.map((l) => (
                      <div key={`${l.peer}:${l.ref}`}>
                        {l.peer} {l.kind} of <span className="mono">{l.observable}</span>
                      </div>
                    ))}
                  </td>
                </tr>
              )}
              <tr>
                <th>Known indicators</th>
                <td>
                  <IntelList matches={i.intel} />
                </td>
              </tr>
            </tbody>
          </table>
        </section>
        <section className="panel" aria-label="ATT&CK chain">
          <h2 className="panel-title">ATT&amp;CK chain</h2>
          <ol className="plain attack-chain">
            {chain.map((s) => (
              <li key={s.tactic}>
                <strong>{s.tactic}</strong>{' '}
                <span className="chips">
                  {s.techniques.map((t) => (
                    <span key={t} className="chip chip-static technique">
                      {t}
                    </span>
                  ))}
                </span>
                {s.first !== undefined && <span className="muted small"> from {formatTime(s.first)}</span>}
              </li>
            ))}
          </ol>
        </section>
      </div>
      <section className="panel">
        <h2 className="panel-title">Entity graph</h2>
        <Graph
          nodes={graph.nodes}
          edges={graph.edges}
          height={340}
          label={`Entity graph with ${graph.nodes.length} entities and ${graph.edges.length} links`}
          theme={theme}
        />
        <details>
          <summary>Edges and their evidence</summary>
          <ul className="plain small">
            {i.graph.edges.map((e) => (
              <li key={`${e.source}>${e.target}`}>
                {e.source} —{e.kind}→ {e.target}: {e.alerts} alert(s), e.g.{' '}
                {e.evidence.slice(0, 3).map((a) => (
                  <Link key={a} to={`/alerts/${encodeURIComponent(a)}`} className="mono">
                    {a.slice(0, 8)}{' '}
                  </Link>
                ))}
              </li>
            ))}
          </ul>
        </details>
      </section>
      <CascadeImpactPanel incidentId={i.id} />
      <section className="panel">
        <h2 className="panel-title">Timeline</h2>
        <table className="table" aria-label="Incident timeline">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Severity</th>
              <th scope="col">Finding</th>
              <th scope="col">Host</th>
              <th scope="col" className="num">
                Repeats
              </th>
            </tr>
          </thead>
          <tbody>
            {i.timeline.map((e) => (
              <tr key={`${e.alertId}:${e.time}`}>
                <td className="nowrap">{formatTime(e.time)}</td>
                <td>
                  <SeverityBadge severity={e.severity} />
                </td>
                <td>
                  {e.rule}
                  <div className="muted small wrap">{e.summary}</div>
                </td>
                <td>{e.host ? <EntityPageLinks kind="host" values={[e.host]} /> : ''}</td>
                <td className="num">{e.count > 1 ? `×${e.count}` : ''}</td>
              </tr>
            ))}
            <IncidentRunRows incident={i.id} />
          </tbody>
        </table>
      </section>
      <LikelyNext incident={i.id} />
      <Alerts
        incident={i}
        alerts={props.alerts}
        onSplit={(ids) =>
          void act(async () => {
            const r = await cases.split(i.id, ids);
            navigate(`/incidents/${encodeURIComponent(r.split.id)}`);
          })
        }
      />
    </>
  );
}

/** The incident detail. */
export default function IncidentDetail(props: { id: string }): ReactNode {
  const state = useAsync(
    async (signal) => {
      const [incident, alerts] = await Promise.all([
        cases.incident(props.id, signal),
        cases.incidentAlerts(props.id, signal),
      ]);
      return { incident, alerts: alerts.items };
    },
    [props.id],
  );
  return (
    <div className="view">
      <div className="view-head">
        <div className="crumbs">
          <Link to="/incidents">Incidents</Link>
        </div>
        <h1>{state.data?.incident.title ?? 'Incident'}</h1>
      </div>
      <Async state={state} label="Loading the incident…">
        {(d) => <Body incident={d.incident} alerts={d.alerts} reload={() => state.reload(true)} />}
      </Async>
    </div>
  );
}
