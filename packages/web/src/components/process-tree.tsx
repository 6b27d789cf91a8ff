/**
 * @module
 * The process tree around a process event, as the alert detail shows it: the parents (oldest
 * first), the process itself, its children and its siblings, each with its program, pid, command
 * line and the alerts raised on it (linked). Sysmon 1 and 4688 of one start are one node.
 */
import type { ReactNode } from 'react';
import { api } from '../api/client';
import type { ProcessNode } from '../api/types';
import { Link } from '../app/router';
import { useAsync } from '../app/use-async';
import { clip, formatTime } from '../lib/format';
import { SeverityBadge } from './badges';

function Node(props: { node: ProcessNode; depth: number; self?: boolean }): ReactNode {
  const n = props.node;
  return (
    <li className={props.self ? 'proc proc-self' : 'proc'} style={{ marginLeft: `${props.depth * 16}px` }}>
      <span className="mono">{n.name ?? n.executable ?? n.key}</span>
      {n.pid !== undefined && <span className="muted small"> pid {n.pid}</span>}
      {!n.observed && <span className="muted small"> (start not seen)</span>}
      {n.observed && <span className="muted small"> · {formatTime(n.time)}</span>}
      {n.user && <span className="muted small"> · {n.user}</span>}
      {n.eventIds.length > 1 && <span className="muted small"> · {n.eventIds.length} events of one start</span>}
      {n.commandLine && (
        <div className="small mono muted" title={n.commandLine}>
          {clip(n.commandLine, 160)}
        </div>
      )}
      {n.alerts.map((a) => (
        <div key={a.id} className="small">
          <SeverityBadge severity={a.severity} /> <Link to={`/alerts/${encodeURIComponent(a.id)}`}>{a.rule}</Link>
        </div>
      ))}
    </li>
  );
}

/** Loads and shows the tree around `eventId`. */
export function ProcessTreePanel(props: { eventId: string }): ReactNode {
  const state = useAsync((signal) => api.processTree(props.eventId, { signal }), [props.eventId]);
  if (state.error) return <p className="muted small">No process tree: {state.error.message}</p>;
  const t = state.data;
  if (!t) return <p className="muted small">Building the process tree…</p>;
  const parents = [...t.parents].reverse();
  const depth = parents.length;
  return (
    <ul className="plain process-tree" aria-label="Process tree">
      {parents.map((p, i) => (
        <Node key={`p:${p.key}`} node={p} depth={i} />
      ))}
      {t.siblings.map((s) => (
        <Node key={`s:${s.key}`} node={s} depth={depth} />
      ))}
      <Node node={t.process} depth={depth} self />
      {t.children.map((c) => (
        <Node key={`c:${c.key}`} node={c} depth={depth + 1} />
      ))}
    </ul>
  );
}
