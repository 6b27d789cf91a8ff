/**
 * @module
 * Response: the approval inbox (approve, deny, answer manual tasks, resolve steps left in doubt),
 * runs (live over `/api/respond/stream`), and playbooks. `/playbooks/<id>` draws a playbook's
 * workflow and starts runs (or dry runs); `/playbooks/runs/<id>` draws a run's progress on the
 * same graph, step by step, with its actions, rollback and time boxes.
 */
import cytoscape from 'cytoscape';
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import {
  respond,
  type OpenWait,
  type PlaybookDetail,
  type RunSummary,
  type RunView,
  type StepEdge,
} from '../api/respond';
import { Link, useRouter } from '../app/router';
import { useSession } from '../app/session';
import { cssVar } from '../app/theme';
import { useAsync } from '../app/use-async';
import type { ViewProps } from '../app/view-types';
import { Async, Empty } from '../components/states';
import { formatAgo } from '../lib/format';
import { layout, runInputs, statusColour } from '../lib/playbooks';

/** Reloads `reload` whenever a run of the tenant changes (Server-Sent Events). */
function useRunStream(reload: () => void): void {
  const ref = useRef(reload);
  ref.current = reload;
  useEffect(() => {
    const es = new EventSource(respond.streamUrl());
    let timer: ReturnType<typeof setTimeout> | undefined;
    es.addEventListener('run', () => {
      // Coalesce bursts: a run moves many steps a second.
      timer ??= setTimeout(() => {
        timer = undefined;
        ref.current();
      }, 300);
    });
    return () => {
      if (timer) clearTimeout(timer);
      es.close();
    };
  }, []);
}

/** The workflow as a graph, steps coloured by status when a run is shown. */
function WorkflowGraph(props: {
  graph: PlaybookDetail['graph'];
  status?: Readonly<Record<string, string>>;
  onSelect?: (step: string) => void;
}): ReactNode {
  const box = useRef<HTMLDivElement>(null);
  const placed = useMemo(
    () =>
      layout(
        props.graph.start,
        props.graph.nodes.map((n) => n.id),
        props.graph.edges,
      ),
    [props.graph],
  );
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const pos = new Map(placed.map((p) => [p.id, p]));
    const cy = cytoscape({
      container: el,
      elements: [
        ...props.graph.nodes.map((n) => ({
          data: {
            id: n.id,
            label: `${n.type}${n.name ? `\n${n.name}` : ''}`,
            colour: cssVar(statusColour(props.status?.[n.id])),
          },
          position: { x: pos.get(n.id)?.x ?? 0, y: pos.get(n.id)?.y ?? 0 },
        })),
        ...props.graph.edges.map((e: StepEdge, i) => ({
          data: { id: `e${i}`, source: e.from, target: e.to, label: e.via.replace(/^on_/, '') },
        })),
      ],
      style: [
        {
          selector: 'node',
          style: {
            'background-color': 'data(colour)',
            label: 'data(label)',
            color: cssVar('--fg'),
            'font-size': 10,
            'text-wrap': 'wrap',
            'text-max-width': '150px',
            'text-valign': 'bottom',
            'text-margin-y': 4,
            width: 20,
            height: 20,
          },
        },
        {
          selector: 'edge',
          style: {
            width: 1.5,
            'line-color': cssVar('--fg-muted'),
            'target-arrow-color': cssVar('--fg-muted'),
            'target-arrow-shape': 'triangle',
            'curve-style': 'bezier',
            label: 'data(label)',
            'font-size': 8,
            color: cssVar('--fg-muted'),
          },
        },
      ],
      layout: { name: 'preset', padding: 30 },
      maxZoom: 1.4,
      minZoom: 0.2,
    });
    cy.on('tap', 'node', (e) => props.onSelect?.(String(e.target.id())));
    return () => cy.destroy();
  }, [placed, props.graph, props.status, props.onSelect]);
  const height = Math.min(640, 120 + Math.max(0, ...placed.map((p) => p.y)));
  return (
    <div
      ref={box}
      className="graph"
      style={{ height }}
      role="img"
      aria-label="Workflow of the playbook; the steps are also listed below"
    />
  );
}

function StatusBadge(props: { status: string }): ReactNode {
  const cls =
    props.status === 'failed'
      ? 'sev-critical'
      : props.status === 'waiting'
        ? 'sev-medium'
        : props.status === 'succeeded'
          ? 'sev-info'
          : 'sev-low';
  return <span className={`badge ${cls}`}>{props.status}</span>;
}

/** One waiting step with the decisions a person can take. */
function WaitCard(props: { w: OpenWait; onDone: () => void }): ReactNode {
  const { canWrite } = useSession();
  const { w } = props;
  const [reason, setReason] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | undefined>(undefined);
  const act = async (f: () => Promise<unknown>): Promise<void> => {
    setError(undefined);
    try {
      await f();
      props.onDone();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <li className="panel">
      <div>
        <Link to={`/playbooks/runs/${encodeURIComponent(w.run)}`}>{w.playbookName}</Link> —{' '}
        <strong>{w.stepName ?? w.step}</strong> <span className="badge sev-medium">{w.wait.kind}</span>
      </div>
      <div className="muted small">
        {w.wait.reason}; run requested by {w.requestedBy} {formatAgo(w.since, Date.now())}
        {w.wait.expires ? `; fails closed ${new Date(w.wait.expires).toLocaleString()}` : ''}
        {w.approvals.length > 0 ? `; ${w.approvals.map((a) => `${a.decision} by ${a.by}`).join(', ')}` : ''}
      </div>
      {w.wait.task && <pre className="small">{w.wait.task}</pre>}
      {canWrite && (
        <div className="toolbar">
          {w.wait.kind === 'manual' &&
            (w.wait.outArgs ?? []).map((name) => (
              <label key={name} className="field">
                <span>{name}</span>
                <input value={values[name] ?? ''} onChange={(e) => setValues({ ...values, [name]: e.target.value })} />
              </label>
            ))}
          {w.wait.kind === 'manual' && (
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => void act(() => respond.answer(w.run, w.step, values))}
            >
              Answer
            </button>
          )}
          {w.wait.kind === 'approval' && (
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => void act(() => respond.approve(w.run, w.step, reason || undefined))}
            >
              Approve
            </button>
          )}
          {w.wait.kind === 'in-doubt' && (
            <>
              <button
                type="button"
                className="btn"
                onClick={() => void act(() => respond.resolve(w.run, w.step, 'retry'))}
              >
                Run again
              </button>
              <button
                type="button"
                className="btn"
                onClick={() => void act(() => respond.resolve(w.run, w.step, 'done'))}
              >
                It was done
              </button>
            </>
          )}
          <label className="field field-grow">
            <span>Reason</span>
            <input value={reason} onChange={(e) => setReason(e.target.value)} placeholder="why (required to deny)" />
          </label>
          <button
            type="button"
            className="btn btn-danger"
            disabled={reason.trim() === ''}
            onClick={() => void act(() => respond.deny(w.run, w.step, reason))}
          >
            Deny
          </button>
        </div>
      )}
      {error && (
        <div className="banner banner-error" role="alert">
          {error}
        </div>
      )}
    </li>
  );
}

function RunRows(props: { runs: readonly RunSummary[] }): ReactNode {
  if (props.runs.length === 0)
    return <Empty title="No runs yet">Start one from a playbook, or let an incident trigger one.</Empty>;
  return (
    <table className="table">
      <thead>
        <tr>
          <th>Status</th>
          <th>Playbook</th>
          <th>Requested by</th>
          <th>Trigger</th>
          <th>Started</th>
        </tr>
      </thead>
      <tbody>
        {props.runs.map((r) => (
          <tr key={r.id}>
            <td>
              <StatusBadge status={r.status} /> {r.dryRun && <span className="badge badge-muted">dry run</span>}
            </td>
            <td>
              <Link to={`/playbooks/runs/${encodeURIComponent(r.id)}`}>{r.playbookName}</Link>
              {r.reason && <div className="muted small">{r.reason}</div>}
            </td>
            <td>{r.requestedBy}</td>
            <td>{r.trigger.kind === 'manual' ? 'by hand' : `${r.trigger.kind} ${r.trigger.ref ?? ''}`}</td>
            <td>{formatAgo(r.created, Date.now())}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Overview(): ReactNode {
  const { canWrite } = useSession();
  const inbox = useAsync((s) => respond.inbox(s), []);
  const runs = useAsync((s) => respond.runs({}, s), []);
  const books = useAsync((s) => respond.playbooks(s), []);
  useRunStream(() => {
    inbox.reload(true);
    runs.reload(true);
  });
  const [message, setMessage] = useState<string | undefined>(undefined);
  const upload = async (file: File): Promise<void> => {
    setMessage(undefined);
    try {
      const doc = JSON.parse(await file.text()) as unknown;
      const v = await respond.validate(doc);
      if (!v.valid) return setMessage(`${file.name} is not valid: ${v.errors.join('; ')}`);
      const r = await respond.add(doc);
      setMessage(
        `${r.added ? 'Added' : 'Already stored:'} ${r.id} ${r.version}${r.warnings.length > 0 ? ` (${r.warnings.join('; ')})` : ''}`,
      );
      books.reload(true);
    } catch (err) {
      setMessage((err as Error).message);
    }
  };
  return (
    <>
      <h2>Approval inbox</h2>
      <Async state={inbox} label="Loading the inbox…">
        {(d) =>
          d.items.length === 0 ? (
            <p className="muted">Nothing waits for a person.</p>
          ) : (
            <ul className="stack">
              {d.items.map((w) => (
                <WaitCard key={`${w.run}/${w.branch}`} w={w} onDone={() => inbox.reload(true)} />
              ))}
            </ul>
          )
        }
      </Async>
      <h2>Runs</h2>
      <Async state={runs} label="Loading runs…">
        {(d) => <RunRows runs={d.items} />}
      </Async>
      <h2>Playbooks</h2>
      {canWrite && (
        <label className="field">
          <span>Add a CACAO 2.0 playbook (JSON)</span>
          <input
            type="file"
            accept="application/json,.json"
            onChange={(e) => e.target.files?.[0] && void upload(e.target.files[0])}
          />
        </label>
      )}
      {message && <div className="banner">{message}</div>}
      <Async state={books} label="Loading playbooks…">
        {(d) =>
          d.items.length === 0 ? (
            <Empty title="No playbooks">Add one above or with `intersoc playbook add`.</Empty>
          ) : (
            <ul className="stack">
              {d.items.map((p) => (
                <li key={p.id} className="panel">
                  <Link to={`/playbooks/${encodeURIComponent(p.id)}`}>{p.name}</Link>{' '}
                  {p.tlp && <span className="badge badge-muted">TLP:{p.tlp.toUpperCase()}</span>}{' '}
                  {p.signedBy.length > 0 && <span className="badge sev-info">signed</span>}{' '}
                  {p.source !== 'local' && <span className="badge badge-muted">{p.source}</span>}
                  <div className="muted small">
                    {p.description ?? p.id} · version {p.version}
                    {p.versions > 1 ? ` (${p.versions} versions)` : ''}
                  </div>
                </li>
              ))}
            </ul>
          )
        }
      </Async>
    </>
  );
}

function PlaybookPage(props: { id: string }): ReactNode {
  const { canWrite } = useSession();
  const { navigate } = useRouter();
  const state = useAsync((s) => respond.playbook(props.id, s), [props.id]);
  const [vars, setVars] = useState<Record<string, string>>({});
  const [dry, setDry] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  return (
    <Async state={state} label="Loading the playbook…">
      {(d) => {
        const inputs = runInputs(d.stored.playbook.playbook_variables);
        const start = async (): Promise<void> => {
          setError(undefined);
          try {
            const values = Object.fromEntries(inputs.map((i) => [i.name, vars[i.name] ?? i.value]));
            const r = await respond.run({ playbook: props.id, variables: values, dryRun: dry });
            navigate(`/playbooks/runs/${encodeURIComponent(r.id)}`);
          } catch (err) {
            setError((err as Error).message);
          }
        };
        return (
          <>
            <h2>{d.stored.name}</h2>
            <p className="muted">
              {d.stored.playbook.description ?? ''} · version {d.stored.version} · {d.stored.source}
              {d.stored.tlp ? ` · TLP:${d.stored.tlp.toUpperCase()}` : ''} ·{' '}
              {d.verification.signatures.length === 0
                ? 'unsigned'
                : d.verification.signatures
                    .map(
                      (s) =>
                        `${s.valid ? 'signed' : 'INVALID signature'} by ${s.signee}${s.holder ? ` (${s.holder})` : ''}`,
                    )
                    .join(', ')}
            </p>
            <WorkflowGraph graph={d.graph} />
            {canWrite && (
              <div className="toolbar">
                {inputs.map((i) => (
                  <label key={i.name} className="field">
                    <span>
                      {i.name} ({i.type})
                    </span>
                    <input
                      value={vars[i.name] ?? i.value}
                      onChange={(e) => setVars({ ...vars, [i.name]: e.target.value })}
                    />
                  </label>
                ))}
                <label className="field">
                  <span>Dry run</span>
                  <input type="checkbox" checked={dry} onChange={(e) => setDry(e.target.checked)} />
                </label>
                <button type="button" className="btn btn-primary" onClick={() => void start()}>
                  {dry ? 'Dry run' : 'Run'}
                </button>
                <button
                  type="button"
                  className="btn"
                  onClick={() =>
                    void respond.sign(props.id).then(
                      () => state.reload(true),
                      (e: Error) => setError(e.message),
                    )
                  }
                >
                  Sign with the node key
                </button>
                <button
                  type="button"
                  className="btn"
                  onClick={() =>
                    void respond.share(props.id).then(
                      () => setError('shared through federation'),
                      (e: Error) => setError(e.message),
                    )
                  }
                >
                  Share with peers
                </button>
              </div>
            )}
            {error && <div className="banner">{error}</div>}
            <h3>Steps</h3>
            <ul className="small">
              {d.graph.nodes.map((n) => (
                <li key={n.id}>
                  {n.type} {n.name ?? ''} —{' '}
                  {d.graph.edges
                    .filter((e) => e.from === n.id)
                    .map((e) => `${e.via} → ${e.to}`)
                    .join(', ') || 'ends'}
                </li>
              ))}
            </ul>
          </>
        );
      }}
    </Async>
  );
}

function RunPage(props: { id: string }): ReactNode {
  const { canWrite } = useSession();
  const run = useAsync((s) => respond.runView(props.id, s), [props.id]);
  const [message, setMessage] = useState<string | undefined>(undefined);
  useRunStream(() => run.reload(true));
  const graph = useAsync(
    async (s) => (run.data ? respond.playbook(run.data.run.playbookId, s) : undefined),
    [run.data?.run.playbookId],
  );
  return (
    <Async state={run} label="Loading the run…">
      {(v: RunView) => {
        const status = Object.fromEntries(v.steps.map((s) => [s.step, s.status]));
        const finished = ['succeeded', 'failed', 'cancelled'].includes(v.run.status);
        return (
          <>
            <h2>
              {v.run.playbookName} <StatusBadge status={v.run.status} />{' '}
              {v.run.dryRun && <span className="badge badge-muted">dry run</span>}
            </h2>
            <p className="muted">
              run {v.run.id} · requested by {v.run.requestedBy} {formatAgo(v.run.created, Date.now())} ·{' '}
              {v.run.trigger.kind === 'manual'
                ? 'by hand'
                : `${v.run.trigger.kind} ${v.run.trigger.ref ?? ''} ${v.run.trigger.reason ?? ''}`}
              {v.run.reason ? ` · ${v.run.reason}` : ''}
            </p>
            {graph.data && <WorkflowGraph graph={graph.data.graph} status={status} />}
            {v.waits.length > 0 && (
              <ul className="stack">
                {v.waits.map((w) => (
                  <WaitCard key={w.branch} w={w} onDone={() => run.reload(true)} />
                ))}
              </ul>
            )}
            {canWrite && (
              <div className="toolbar">
                {!finished && (
                  <button
                    type="button"
                    className="btn"
                    onClick={() =>
                      void respond.cancel(v.run.id).then(
                        () => run.reload(true),
                        (e: Error) => setMessage(e.message),
                      )
                    }
                  >
                    Cancel
                  </button>
                )}
                {v.actions.some((a) => a.state === 'active') && (
                  <button
                    type="button"
                    className="btn btn-danger"
                    onClick={() =>
                      void respond.rollback(v.run.id).then(
                        (r) => {
                          setMessage(
                            r.reverted
                              .map(
                                (x) => `${x.ok ? 'reverted' : 'FAILED'}: ${x.summary}${x.error ? ` (${x.error})` : ''}`,
                              )
                              .join('; '),
                          );
                          run.reload(true);
                        },
                        (e: Error) => setMessage(e.message),
                      )
                    }
                  >
                    Roll back
                  </button>
                )}
              </div>
            )}
            {message && <div className="banner">{message}</div>}
            <h3>Steps</h3>
            <table className="table">
              <thead>
                <tr>
                  <th>Step</th>
                  <th>Status</th>
                  <th>Attempts</th>
                  <th>Result</th>
                </tr>
              </thead>
              <tbody>
                {v.steps.map((s) => (
                  <tr key={s.step}>
                    <td>
                      {s.type} {s.name ?? ''}
                    </td>
                    <td style={{ color: cssVar(statusColour(s.status)) }}>{s.status}</td>
                    <td>
                      {s.attempts > 0 ? s.attempts : ''}
                      {s.runs > 1 ? ` (${s.runs}×)` : ''}
                    </td>
                    <td className="small">{s.error ?? (s.output ? JSON.stringify(s.output).slice(0, 200) : '')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <h3>Actions</h3>
            {v.actions.length === 0 ? (
              <p className="muted">No action changed anything outside.</p>
            ) : (
              <ul className="small">
                {v.actions.map((a) => (
                  <li key={a.seq}>
                    #{a.seq} {a.summary} — {a.state}
                    {a.expires && a.state === 'active'
                      ? ` · reverts itself ${new Date(a.expires).toLocaleString()}`
                      : ''}
                    {a.error ? ` · ${a.error}` : ''}{' '}
                    {canWrite && a.expires && a.state === 'active' && (
                      <button
                        type="button"
                        className="btn btn-small"
                        onClick={() =>
                          void respond.extend(v.run.id, a.seq, 3_600_000).then(
                            () => run.reload(true),
                            (e: Error) => setMessage(e.message),
                          )
                        }
                      >
                        Keep 1 h longer
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            )}
            {v.children.length > 0 && (
              <p>
                Child runs:{' '}
                {v.children.map((c) => (
                  <Link key={c} to={`/playbooks/runs/${encodeURIComponent(c)}`}>
                    {c}{' '}
                  </Link>
                ))}
              </p>
            )}
          </>
        );
      }}
    </Async>
  );
}

/** The view. */
export default function PlaybooksView(props: ViewProps): ReactNode {
  const [first, second] = props.params;
  if (first === 'runs' && second) return <RunPage id={decodeURIComponent(second)} />;
  if (first) return <PlaybookPage id={decodeURIComponent(first)} />;
  return <Overview />;
}
