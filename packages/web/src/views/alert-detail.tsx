/**
 * @module
 * One alert: its state and actions, summary, entities, ATT&CK techniques (linked to the matrix
 * and to ATT&CK), the rule that fired, and the matched events with the fields the rule tests
 * highlighted, their raw records, and a jump to those events in search.
 */
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import type { AlertDetail, AlertStatus, SocEvent } from '../api/types';
import { href, Link, useRouter } from '../app/router';
import { useSession } from '../app/session';
import { useAsync } from '../app/use-async';
import { SeverityBadge, StatusBadge } from '../components/badges';
import { IntelBadge, IntelList } from '../components/intel-badge';
import { ProcessTreePanel } from '../components/process-tree';
import { Async } from '../components/states';
import { techniqueUrl } from '../lib/attack';
import { formatTime, prettyRaw } from '../lib/format';
import { eventIdsQuery, matchedFields } from '../lib/highlight';
import { entityQuery } from '../lib/entity-link';
import { entityPage } from '../lib/entity-page';
import { ReasonDialog } from './reason-dialog';

function fieldText(v: unknown): string {
  if (Array.isArray(v)) return v.map(String).join(', ');
  return v === null || v === undefined ? '' : String(v);
}

function EventCard(props: { event: SocEvent; ruleFields: readonly string[]; index: number }): ReactNode {
  const e = props.event;
  const rows = useMemo(() => {
    const all: { key: string; value: string; kind: 'ecs' | 'field' }[] = [
      ...Object.entries(e.ecs).map(([key, v]) => ({ key, value: fieldText(v), kind: 'ecs' as const })),
      ...Object.entries(e.fields).map(([key, v]) => ({ key, value: fieldText(v), kind: 'field' as const })),
    ];
    const hit = matchedFields(
      all.map((r) => r.key),
      props.ruleFields,
    );
    return all
      .map((r) => ({ ...r, matched: hit.has(r.key) }))
      .sort((a, b) => Number(b.matched) - Number(a.matched) || (a.kind === b.kind ? 0 : a.kind === 'ecs' ? -1 : 1));
  }, [e, props.ruleFields]);
  const matched = rows.filter((r) => r.matched).length;
  return (
    <article className="panel event-card" aria-labelledby={`ev-${props.index}`}>
      <h3 id={`ev-${props.index}`} className="panel-title">
        Event {props.index + 1} · {formatTime(e.time)} · {e.source.format} from {e.source.name}
        {e.source.peer ? ` (${e.source.peer})` : ''}
      </h3>
      <p className="muted small">
        {matched > 0
          ? `${matched} field${matched === 1 ? '' : 's'} the rule tests are highlighted.`
          : 'The rule names no field of this record.'}{' '}
        <span className="mono">{e.id}</span>
        {e.label ? ` · simulated: ${e.label}` : ''}
      </p>
      <table className="table fields">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.kind}:${r.key}`} className={r.matched ? 'matched' : ''}>
              <th scope="row" className="mono">
                {r.matched ? <mark>{r.key}</mark> : r.key}
                {r.matched && <span className="sr-only"> (matched by the rule)</span>}
                {r.kind === 'ecs' && <span className="tag">ECS</span>}
              </th>
              <td className="mono wrap">{r.matched ? <mark>{r.value}</mark> : r.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <details className="raw">
        <summary>Raw record</summary>
        <pre>{prettyRaw(e.raw)}</pre>
      </details>
    </article>
  );
}

function Body(props: { d: AlertDetail; reload: () => void }): ReactNode {
  const { d } = props;
  const a = d.alert;
  const { canWrite } = useSession();
  const { navigate } = useRouter();
  const [dialog, setDialog] = useState<AlertStatus | undefined>(undefined);
  const [message, setMessage] = useState<string | undefined>(undefined);
  const set = async (status: AlertStatus, reason?: string): Promise<void> => {
    try {
      await api.setStatus({ ids: [a.id], status, ...(reason ? { reason } : {}) });
      setMessage(`Alert ${status === 'new' ? 'reopened' : status}.`);
      props.reload();
    } catch (err) {
      setMessage(`Could not change the alert: ${(err as Error).message}`);
    }
  };
  const searchHref = href('/search', { q: eventIdsQuery(a.eventIds), range: 'all' });
  const [showTree, setShowTree] = useState(false);
  // The first matched event that names a process (GUID or pid) opens the process tree.
  const processEvent = d.events.find(
    (e) => e.ecs['process.entity_id'] !== undefined || e.ecs['process.pid'] !== undefined,
  );
  return (
    <>
      <div className="detail-head">
        <SeverityBadge severity={a.severity} />
        <StatusBadge status={d.state.status} reason={d.state.reason} />
        <h1>{a.detector.ruleTitle}</h1>
      </div>
      <p className="muted">
        {formatTime(a.time)} · {a.detector.kind} detector · raised {formatTime(a.created)}
        {d.state.by
          ? ` · ${d.state.status} by ${d.state.by}${d.state.changed ? ` at ${formatTime(d.state.changed)}` : ''}`
          : ''}
        {d.state.reason ? ` — “${d.state.reason}”` : ''}
      </p>
      <div className="actionbar">
        {canWrite ? (
          <>
            <button
              type="button"
              className="btn"
              disabled={d.state.status === 'acknowledged'}
              onClick={() => setDialog('acknowledged')}
            >
              Acknowledge
            </button>
            <button
              type="button"
              className="btn btn-danger"
              disabled={d.state.status === 'closed'}
              onClick={() => setDialog('closed')}
            >
              Close…
            </button>
            <button
              type="button"
              className="btn btn-ghost"
              disabled={d.state.status === 'new'}
              onClick={() => void set('new')}
            >
              Reopen
            </button>
          </>
        ) : (
          <span className="muted small">Read-only: viewers cannot change alerts.</span>
        )}
        <button
          type="button"
          className="btn btn-primary"
          disabled={a.eventIds.length === 0}
          onClick={() => navigate(searchHref)}
        >
          Open {a.eventIds.length} event{a.eventIds.length === 1 ? '' : 's'} in search
        </button>
        {message && (
          <span className="notice" role="status">
            {message}
          </span>
        )}
      </div>
      <div className="grid-2">
        <section className="panel">
          <h2 className="panel-title">Summary</h2>
          <p>{a.summary}</p>
          <p className="small">
            Incident:{' '}
            {d.incident ? (
              <>
                <Link to={`/incidents/${encodeURIComponent(d.incident.id)}`}>{d.incident.title}</Link>{' '}
                <span className="muted">({d.incident.status})</span>
                {d.incident.caseId && (
                  <>
                    {' · '}
                    <Link to={`/cases/${encodeURIComponent(d.incident.caseId)}`}>case</Link>
                  </>
                )}
              </>
            ) : (
              <span className="muted">none yet</span>
            )}
          </p>
          <h3 className="subhead">Entities</h3>
          {a.entities.length === 0 ? (
            <p className="muted small">No entities.</p>
          ) : (
            <ul className="chips">
              {a.entities.map((en) => (
                <li key={`${en.type}:${en.value}:${en.role ?? ''}`}>
                  <Link
                    className="chip"
                    to={href('/search', {
                      q: entityQuery(en, d.events),
                      // The week up to the alert and the day after it (alerts on replayed data are old).
                      range: `${a.time - 7 * 86_400_000}~${a.time + 86_400_000}`,
                    })}
                  >
                    <span className="muted">
                      {en.type}
                      {en.role ? ` (${en.role})` : ''}
                    </span>{' '}
                    {en.value}
                    <IntelBadge matches={d.intel?.filter((m) => m.type === en.type && m.value === en.value)} />
                  </Link>
                  {(en.type === 'host' || en.type === 'user') && (
                    <Link
                      className="entity-page"
                      to={entityPage(en.type, en.value)}
                      aria-label={`${en.type === 'host' ? 'Host' : 'User'} page of ${en.value}`}
                      title={`${en.type === 'host' ? 'Host' : 'User'} page`}
                    >
                      ↗
                    </Link>
                  )}
                  {en.type !== 'host' && en.type !== 'user' && en.type !== 'process' && en.type !== 'registry' && (
                    <Link
                      className="entity-page"
                      to={href('/intel', { q: en.value })}
                      aria-label={`Look up ${en.value} in threat intelligence`}
                      title="Look up in threat intelligence"
                    >
                      TI
                    </Link>
                  )}
                </li>
              ))}
            </ul>
          )}
          <h3 className="subhead">Known indicators</h3>
          <IntelList matches={d.intel} />
          <h3 className="subhead">ATT&amp;CK</h3>
          {a.techniques.length === 0 && a.tactics.length === 0 ? (
            <p className="muted small">No ATT&amp;CK mapping.</p>
          ) : (
            <ul className="chips">
              {a.tactics.map((t) => (
                <li key={t}>
                  <span className="chip chip-static">{t}</span>
                </li>
              ))}
              {a.techniques.map((t) => (
                <li key={t} className="technique">
                  <Link className="chip" to={href('/attack', { technique: t })}>
                    {t}
                  </Link>
                  <a className="ext" href={techniqueUrl(t)} target="_blank" rel="noreferrer noopener">
                    ATT&amp;CK page<span className="sr-only"> for {t} (opens a new tab)</span>
                  </a>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="panel">
          <h2 className="panel-title">Rule</h2>
          {d.rule ? (
            <>
              <p>
                <Link to={href('/rules', { key: d.rule.key })}>{d.rule.title}</Link> · level {d.rule.level}
                {d.rule.status ? ` · ${d.rule.status}` : ''} · {d.rule.enabled ? 'enabled' : 'disabled'} · {d.rule.hits}{' '}
                hits
              </p>
              {d.rule.description && <p className="muted">{d.rule.description}</p>}
              <p className="small">
                Fields tested:{' '}
                {d.rule.fields.length ? (
                  <span className="mono">{d.rule.fields.join(', ')}</span>
                ) : (
                  <span className="muted">none (keywords)</span>
                )}
              </p>
            </>
          ) : (
            <p className="muted">
              {a.detector.kind} · <span className="mono">{a.detector.ruleId}</span>
              {a.detector.kind === 'sigma' ? ' (the rule is no longer loaded)' : ''}
            </p>
          )}
        </section>
      </div>
      {processEvent && (
        <section className="panel">
          <h2 className="panel-title">Process tree</h2>
          {showTree ? (
            <ProcessTreePanel eventId={processEvent.id} />
          ) : (
            // Built on demand: it takes several searches over the host's day.
            <button type="button" className="btn" onClick={() => setShowTree(true)}>
              Show the process tree
            </button>
          )}
        </section>
      )}
      <h2 className="section-title">
        Matched events ({d.events.length}
        {d.missingEvents > 0
          ? `, ${d.missingEvents} not found: ${Date.now() - a.created < 20_000 ? 'still being stored' : 'removed by retention'}`
          : ''}
        {a.eventIds.length > d.events.length + d.missingEvents
          ? `, first ${d.events.length + d.missingEvents} of ${a.eventIds.length}`
          : ''}
        )
      </h2>
      {d.events.map((e, i) => (
        <EventCard key={e.id} event={e} index={i} ruleFields={d.rule?.fields ?? []} />
      ))}
      {dialog && (
        <ReasonDialog
          status={dialog}
          count={1}
          onCancel={() => setDialog(undefined)}
          onConfirm={(reason) => {
            setDialog(undefined);
            void set(dialog, reason);
          }}
        />
      )}
    </>
  );
}

/** The detail view. */
export default function AlertDetailView(props: { id: string }): ReactNode {
  const state = useAsync((signal) => api.alert(props.id, { signal }), [props.id]);
  const { data, reload } = state;
  // A fresh alert can be committed a moment before the block holding its event: ask again briefly.
  useEffect(() => {
    if (!data || data.missingEvents === 0 || Date.now() - data.alert.created > 20_000) return;
    const t = window.setTimeout(() => reload(true), 1000);
    return () => window.clearTimeout(t);
  }, [data, reload]);
  return (
    <div className="view">
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to="/alerts">← Alert queue</Link>
      </nav>
      <Async state={state} label="Loading the alert…">
        {(d) => <Body d={d} reload={() => state.reload(true)} />}
      </Async>
    </div>
  );
}
