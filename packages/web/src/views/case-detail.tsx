/**
 * @module
 * One case: its workflow (with the resolution when resolving or closing), incidents, tasks,
 * observables with what threat intelligence knows of them, the timeline of alerts and case
 * activity with analysts' notes, comments, attachments, NIS2 reporting (significance,
 * deadlines, drafts as JSON or STIX, submission) and its metrics. Viewers see it all read-only.
 */
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import {
  cases,
  RESOLUTIONS,
  type CaseDetail,
  type CaseStatus,
  type Nis2Kind,
  type Resolution,
  type TimelineEntry,
} from '../api/incidents';
import { Link } from '../app/router';
import { useSession } from '../app/session';
import { useAsync } from '../app/use-async';
import { SeverityBadge } from '../components/badges';
import { Async } from '../components/states';
import { formatBytes, formatDuration, formatTime } from '../lib/format';
import { deadlineText, REPORT_NAMES } from '../lib/incidents';
import { CaseFields } from './case-fields';
import { CaseTasks } from './case-tasks';

const NEXT: Readonly<Record<CaseStatus, readonly CaseStatus[]>> = {
  new: ['in-progress', 'closed'],
  'in-progress': ['contained', 'resolved', 'closed'],
  contained: ['in-progress', 'resolved'],
  resolved: ['closed', 'in-progress'],
  closed: ['in-progress'],
};
const LABEL: Readonly<Record<CaseStatus, string>> = {
  new: 'New',
  'in-progress': 'Start work',
  contained: 'Contained',
  resolved: 'Resolve',
  closed: 'Close',
};

function Workflow(props: { d: CaseDetail; act: (f: () => Promise<unknown>) => void }): ReactNode {
  const c = props.d.case;
  const [resolution, setResolution] = useState<Resolution>(c.resolution ?? 'true-positive');
  return (
    <div className="actionbar" aria-label="Workflow">
      <label className="inline-field">
        <span>Resolution</span>
        <select value={resolution} onChange={(e) => setResolution(e.target.value as Resolution)}>
          {RESOLUTIONS.filter((r) => r !== 'duplicate').map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </label>
      {NEXT[c.status].map((s) => (
        <button
          key={s}
          type="button"
          className={s === 'closed' ? 'btn' : 'btn btn-primary'}
          onClick={() =>
            props.act(() =>
              cases.transition(c.id, {
                status: s,
                ...(s === 'resolved' || (s === 'closed' && c.status !== 'resolved') ? { resolution } : {}),
              }),
            )
          }
        >
          {c.status === 'closed' || (c.status === 'resolved' && s === 'in-progress') ? 'Reopen' : LABEL[s]}
        </button>
      ))}
    </div>
  );
}

/** How often the timeline asks for what others did meanwhile, ms. */
const TIMELINE_POLL_MS = 5000;

function Timeline(props: { id: string; canWrite: boolean; version: number }): ReactNode {
  const state = useAsync((signal) => cases.timeline(props.id, signal), [props.id]);
  const { reload } = state;
  // This analyst's own changes show at once; colleagues' within a poll, while the tab is visible.
  useEffect(() => {
    if (props.version > 0) reload(true);
  }, [props.version, reload]);
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') reload(true);
    }, TIMELINE_POLL_MS);
    return () => clearInterval(timer);
  }, [reload]);
  const [text, setText] = useState('');
  const [at, setAt] = useState('');
  const add = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    await cases.note(props.id, { time: at ? new Date(at).toISOString() : new Date().toISOString(), text });
    setText('');
    state.reload(true);
  };
  return (
    <section className="panel" aria-label="Timeline">
      <h2 className="panel-title">Timeline</h2>
      {props.canWrite && (
        <form className="toolbar" onSubmit={(e) => void add(e)} aria-label="Annotate the timeline">
          <label className="field">
            <span>At</span>
            <input type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} />
          </label>
          <label className="field field-grow">
            <span>Note</span>
            <input value={text} onChange={(e) => setText(e.target.value)} placeholder="What happened at that moment" />
          </label>
          <button type="submit" className="btn" disabled={text.trim() === ''}>
            Add note
          </button>
        </form>
      )}
      <Async state={state} label="Loading the timeline…">
        {(t) => (
          <ol className="plain case-timeline" aria-label="Timeline entries" aria-live="polite">
            {t.items.slice(-400).map((e: TimelineEntry, i) => (
              <li key={`${e.time}:${i}`} className={`tl-${e.kind}`}>
                <span className="mono small nowrap">{formatTime(e.time)}</span>{' '}
                <span className="badge badge-muted">{e.kind}</span>{' '}
                {e.severity && <SeverityBadge severity={e.severity} />}{' '}
                {e.kind === 'alert' && e.ref ? (
                  <Link to={`/alerts/${encodeURIComponent(e.ref)}`}>{e.title}</Link>
                ) : (
                  e.title
                )}
                {e.count !== undefined && e.count > 1 && <span className="muted"> ×{e.count}</span>}
                {e.author && <span className="muted small"> — {e.author}</span>}
                {e.detail && e.kind !== 'alert' && <div className="small wrap">{e.detail}</div>}
              </li>
            ))}
          </ol>
        )}
      </Async>
    </section>
  );
}

function Nis2(props: { d: CaseDetail; canWrite: boolean; act: (f: () => Promise<unknown>) => void }): ReactNode {
  const c = props.d.case;
  return (
    <section className="panel" aria-label="NIS2 reporting">
      <h2 className="panel-title">NIS2 reporting</h2>
      <label className="switch">
        <input
          type="checkbox"
          role="switch"
          checked={c.significant}
          disabled={!props.canWrite}
          onChange={(e) => props.act(() => cases.update(c.id, { significant: e.target.checked }))}
        />
        <span>Significant incident (Article 23)</span>
      </label>
      {c.significant && (
        <>
          <p className="muted small">
            Aware since {c.awareAt !== undefined ? formatTime(c.awareAt) : '—'} · deadlines shown in {c.timeZone}
          </p>
          <table className="table" aria-label="NIS2 deadlines">
            <thead>
              <tr>
                <th scope="col">Report</th>
                <th scope="col">Due</th>
                <th scope="col">State</th>
                <th scope="col">Draft</th>
                {props.canWrite && (
                  <th scope="col">
                    <span className="sr-only">Submit</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {props.d.deadlines.map((d) => (
                <tr key={d.kind} className={d.state === 'overdue' ? 'text-danger' : ''}>
                  <td>{REPORT_NAMES[d.kind]}</td>
                  <td className="mono small" title={d.basis}>
                    {d.dueLocal}
                  </td>
                  <td>{deadlineText(d)}</td>
                  <td>
                    <a href={cases.reportUrl(c.id, d.kind, 'json')} download>
                      JSON
                    </a>{' '}
                    ·{' '}
                    <a href={cases.reportUrl(c.id, d.kind, 'stix')} download>
                      STIX 2.1
                    </a>
                  </td>
                  {props.canWrite && (
                    <td>
                      {d.submitted === undefined && (
                        <button
                          type="button"
                          className="btn btn-ghost"
                          onClick={() => props.act(() => cases.submitted(c.id, d.kind as Nis2Kind))}
                        >
                          Mark submitted
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function Body(props: { d: CaseDetail; reload: () => void }): ReactNode {
  const { d } = props;
  const c = d.case;
  const { canWrite, me } = useSession();
  const [error, setError] = useState<string | undefined>(undefined);
  const [comment, setComment] = useState('');
  const [obs, setObs] = useState({ kind: 'ip', value: '' });
  const [version, setVersion] = useState(0);
  const act = (f: () => Promise<unknown>): void => {
    setError(undefined);
    f().then(
      () => {
        props.reload();
        setVersion((v) => v + 1);
      },
      (err: unknown) => setError((err as Error).message),
    );
  };
  // Names to offer in the assignee fields: the analyst and whoever already works the case.
  const people = [
    ...new Set([me?.user, c.assignee, ...d.tasks.map((t) => t.assignee)].filter((x): x is string => !!x)),
  ];
  const m = d.metrics;
  return (
    <>
      <div className="detail-head">
        <SeverityBadge severity={c.severity} />
        <span className="badge badge-muted">{c.status}</span>
        {c.resolution && <span className="badge badge-muted">{c.resolution}</span>}
        <span className="badge badge-muted">TLP:{c.tlp.toUpperCase()}</span>
        <span className="badge badge-muted">PAP:{c.pap.toUpperCase()}</span>
        <span className="muted">{c.assignee ? `assigned to ${c.assignee}` : 'unassigned'}</span>
        {c.rsit && (
          <span className="muted small">
            RSIT {c.rsit.class}/{c.rsit.type}
          </span>
        )}
      </div>
      {error && (
        <div className="banner banner-error" role="alert">
          {error}
        </div>
      )}
      {canWrite && <Workflow d={d} act={act} />}
      <datalist id="case-people">
        {people.map((p) => (
          <option key={p} value={p} />
        ))}
      </datalist>
      <div className="grid-2">
        <section className="panel">
          <h2 className="panel-title">Incidents</h2>
          <ul className="plain">
            {c.incidents.map((id) => (
              <li key={id}>
                <IncidentTitle id={id} />
              </li>
            ))}
            {c.incidents.length === 0 && <li className="muted">Opened by hand</li>}
          </ul>
          <h2 className="panel-title">Metrics</h2>
          <table className="kv">
            <tbody>
              {(
                [
                  ['Time to detect', m.ttd],
                  ['Time to acknowledge', m.tta],
                  ['Time to contain', m.ttc],
                  ['Time to resolve', m.ttr],
                ] as const
              ).map(([k, v]) => (
                <tr key={k}>
                  <th>{k}</th>
                  <td>{v === undefined ? '—' : formatDuration(v)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        {canWrite ? (
          <CaseFields key={c.updated} c={c} act={act} />
        ) : (
          <section className="panel">
            <h2 className="panel-title">Properties</h2>
            <p className="muted">
              Aware since {c.awareAt !== undefined ? formatTime(c.awareAt) : '—'} · PAP:{c.pap.toUpperCase()}
            </p>
          </section>
        )}
      </div>
      <CaseTasks caseId={c.id} tasks={d.tasks} act={act} />
      <Nis2 d={d} canWrite={canWrite} act={act} />
      <section className="panel">
        <h2 className="panel-title">Observables</h2>
        {canWrite && (
          <form
            className="toolbar"
            aria-label="Add an observable"
            onSubmit={(e) => {
              e.preventDefault();
              act(() => cases.addObservable(c.id, obs).then(() => setObs({ ...obs, value: '' })));
            }}
          >
            <label className="field">
              <span>Kind</span>
              <select value={obs.kind} onChange={(e) => setObs({ ...obs, kind: e.target.value })}>
                {['ip', 'domain', 'url', 'hash', 'email', 'host', 'user', 'file', 'other'].map((k) => (
                  <option key={k}>{k}</option>
                ))}
              </select>
            </label>
            <label className="field field-grow">
              <span>Value</span>
              <input value={obs.value} onChange={(e) => setObs({ ...obs, value: e.target.value })} />
            </label>
            <button type="submit" className="btn" disabled={obs.value.trim() === ''}>
              Add
            </button>
          </form>
        )}
        <table className="table" aria-label="Observables">
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Value</th>
              <th scope="col">IOC</th>
              <th scope="col">Threat intelligence</th>
            </tr>
          </thead>
          <tbody>
            {d.observables.map((o) => (
              <tr key={o.id}>
                <td>{o.kind}</td>
                <td className="mono wrap">{o.value}</td>
                <td>{o.ioc ? 'yes' : ''}</td>
                <td className="small">
                  {o.enrichment?.matches.length ? o.enrichment.matches.map((x) => x.name ?? x.id).join(', ') : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <Timeline id={c.id} canWrite={canWrite} version={version} />
      <div className="grid-2">
        <section className="panel">
          <h2 className="panel-title">Comments</h2>
          <ul className="plain">
            {d.comments.map((x) => (
              <li key={x.id}>
                <span className="muted small">
                  {x.author}, {formatTime(x.created)}
                </span>
                <div className="wrap">{x.text}</div>
              </li>
            ))}
          </ul>
          {canWrite && (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                act(() => cases.comment(c.id, comment).then(() => setComment('')));
              }}
            >
              <label className="field">
                <span>Comment</span>
                <textarea value={comment} onChange={(e) => setComment(e.target.value)} rows={3} />
              </label>
              <button type="submit" className="btn" disabled={comment.trim() === ''}>
                Comment
              </button>
            </form>
          )}
        </section>
        <section className="panel">
          <h2 className="panel-title">Attachments</h2>
          <ul className="plain">
            {d.attachments.map((a) => (
              <li key={a.id}>
                <a href={cases.attachmentUrl(c.id, a.id)} download>
                  {a.name}
                </a>{' '}
                <span className="muted small">
                  {formatBytes(a.size)} · sha256 <span className="mono">{a.sha256.slice(0, 16)}…</span> · {a.author}
                </span>
              </li>
            ))}
          </ul>
          {canWrite && (
            <label className="field">
              <span>Attach a file (up to 10 MiB)</span>
              <input
                type="file"
                onChange={(e) => {
                  const f = e.target.files?.[0];
                  if (f) act(() => cases.attach(c.id, f));
                }}
              />
            </label>
          )}
        </section>
      </div>
    </>
  );
}

/** The case detail. */
export default function CaseDetailView(props: { id: string }): ReactNode {
  const state = useAsync((signal) => cases.detail(props.id, signal), [props.id]);
  return (
    <div className="view">
      <div className="view-head">
        <div className="crumbs">
          <Link to="/cases">Cases</Link>
        </div>
        <h1>{state.data ? `#${state.data.case.number} ${state.data.case.title}` : 'Case'}</h1>
      </div>
      <Async state={state} label="Loading the case…">
        {(d) => <Body d={d} reload={() => state.reload(true)} />}
      </Async>
    </div>
  );
}

/** A link to one incident of the case, named by the incident's title once it has loaded. */
function IncidentTitle(props: { id: string }): ReactNode {
  const state = useAsync((signal) => cases.incident(props.id, signal), [props.id]);
  const title = state.data?.title;
  return (
    <Link to={`/incidents/${encodeURIComponent(props.id)}`} title={props.id}>
      {title ?? <span className="mono">{props.id.slice(0, 12)}</span>}
    </Link>
  );
}
