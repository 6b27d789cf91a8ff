/**
 * @module
 * `/playbooks/runs/<id>`: a run's progress drawn on its playbook's graph, step by step, with its
 * open waits, actions, rollback and time boxes.
 */
import { useState, type ReactNode } from 'react';
import { respond, type RunView } from '../api/respond';
import { Link } from '../app/router';
import { useSession } from '../app/session';
import { cssVar } from '../app/theme';
import { useAsync } from '../app/use-async';
import { Async } from '../components/states';
import { formatAgo } from '../lib/format';
import { statusColour } from '../lib/playbooks';
import { StatusBadge, useRunStream, WaitCard, WorkflowGraph } from './playbook-parts';

/** One run: its graph, waits, steps, actions and rollback. */
export function RunPage(props: { id: string }): ReactNode {
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
