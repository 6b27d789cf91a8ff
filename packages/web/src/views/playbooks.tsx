/**
 * @module
 * Response: the approval inbox (approve, deny, answer manual tasks, resolve steps left in doubt),
 * runs (live over `/api/respond/stream`), and playbooks. `/playbooks/<id>` draws a playbook's
 * workflow and starts runs (or dry runs); `/playbooks/runs/<id>` draws a run's progress on the
 * same graph, step by step, with its actions, rollback and time boxes.
 */
import { useState, type ReactNode } from 'react';
import { respond, type RunSummary } from '../api/respond';
import { Link, useRouter } from '../app/router';
import { useSession } from '../app/session';
import { useAsync } from '../app/use-async';
import type { ViewProps } from '../app/view-types';
import { Async, Empty } from '../components/states';
import { formatAgo } from '../lib/format';
import { runInputs } from '../lib/playbooks';
import { RunPage } from './playbook-run';
import { StatusBadge, useRunStream, WaitCard, WorkflowGraph } from './playbook-parts';

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
/** The view. */
export default function PlaybooksView(props: ViewProps): ReactNode {
  const [first, second] = props.params;
  if (first === 'runs' && second) return <RunPage id={decodeURIComponent(second)} />;
  if (first) return <PlaybookPage id={decodeURIComponent(first)} />;
  return <Overview />;
}
