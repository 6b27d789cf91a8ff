/**
 * @module
 * Pieces shared by the playbook and run pages: the live run stream, the workflow graph, the
 * status badge and the card that answers an approval, a manual task or a step left in doubt.
 */
import cytoscape from 'cytoscape';
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { respond, type OpenWait, type PlaybookDetail, type StepEdge } from '../api/respond';
import { Link } from '../app/router';
import { useSession } from '../app/session';
import { cssVar } from '../app/theme';
import { formatAgo } from '../lib/format';
import { layout, statusColour } from '../lib/playbooks';

/** Reloads `reload` whenever a run of the tenant changes (Server-Sent Events). */
export function useRunStream(reload: () => void): void {
  const ref = useRef(reload);
  ref.current = reload;
  useEffect(() => {
    const es = new EventSource(respond.streamUrl());
    let timer: ReturnType<typeof setTimeout> | undefined;
    const soon = (): void => {
      // Coalesce bursts: a run moves many steps a second.
      timer ??= setTimeout(() => {
        timer = undefined;
        ref.current();
      }, 300);
    };
    es.addEventListener('run', soon);
    // Changes between the page's first fetch and the stream's (re)connection sent no event to
    // this page: fetch again once connected, or a run that started waiting meanwhile looks stuck.
    es.addEventListener('open', soon);
    return () => {
      if (timer) clearTimeout(timer);
      es.close();
    };
  }, []);
}

/** The workflow as a graph, steps coloured by status when a run is shown. */
export function WorkflowGraph(props: {
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

/** A run or step status as a coloured badge. */
export function StatusBadge(props: { status: string }): ReactNode {
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
export function WaitCard(props: { w: OpenWait; onDone: () => void }): ReactNode {
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
