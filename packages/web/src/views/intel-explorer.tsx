/**
 * @module
 * Step-by-step exploration of the intelligence graph: the selected object and its neighbours
 * first; each click on a node (or its "Expand" button) adds that node's neighbours. Nodes with
 * neighbours not shown yet have a dashed ring. The same graph is listed as text beside the
 * picture, for keyboard and screen-reader users.
 */
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import type { IntelGraph } from '../api/types';
import { useThemeName } from '../app/theme';
import { Graph } from '../components/graph';
import {
  frontier,
  hopsFromRoot,
  mergeExpansion,
  readableLabel,
  startExploring,
  type Explored,
} from '../lib/intel-graph';

/** More than this many objects on screen stops being readable; the analyst resets instead. */
const MAX_NODES = 150;

/** The explorer for one root object. */
export function IntelExplorer(props: { root: IntelGraph; onOpen: (id: string) => void }): ReactNode {
  const theme = useThemeName();
  const [x, setX] = useState<Explored>(() => startExploring(props.root));
  const [busy, setBusy] = useState<string | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  useEffect(() => {
    setX(startExploring(props.root));
    setProblem(undefined);
  }, [props.root]);

  const expand = (id: string): void => {
    if (x.expanded.has(id) || busy) return;
    if (x.nodes.size >= MAX_NODES) {
      setProblem(`The graph already shows ${x.nodes.size} objects; reset it or open one object on its own.`);
      return;
    }
    setBusy(id);
    setProblem(undefined);
    api
      .intelGraph(id)
      .then((g) => setX((cur) => mergeExpansion(cur, g)))
      .catch((e: unknown) => setProblem(`Could not expand: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => setBusy(undefined));
  };

  const open = frontier(x);
  const openIds = useMemo(() => new Set(open.map((o) => o.id)), [open]);
  const nodes = useMemo(
    () =>
      [...x.nodes.values()].map((o) => ({
        id: o.id,
        label: readableLabel(o),
        kind: o.type,
        focus: o.id === x.root,
        expandable: openIds.has(o.id),
      })),
    [x, openIds],
  );
  const edges = useMemo(
    () => [...x.edges.values()].map((e) => ({ source: e.source, target: e.target, label: e.type })),
    [x],
  );
  const hops = useMemo(() => hopsFromRoot(x), [x]);
  const rootObject = x.nodes.get(x.root);
  const related = x.nodes.size - 1;

  if (related === 0) return <p className="muted small">No relationships stored for this object.</p>;
  return (
    <div className="intel-explorer">
      <div className="toolbar small" role="group" aria-label="Graph exploration">
        <span className="muted" aria-live="polite">
          {related} related object{related === 1 ? '' : 's'} · {x.expanded.size} expanded · {open.length} to expand
          {busy ? ' · expanding…' : ''}
        </span>
        {x.expanded.size > 1 && (
          <button type="button" className="btn btn-ghost" onClick={() => setX(startExploring(props.root))}>
            Reset to {rootObject ? readableLabel(rootObject) : 'start'}
          </button>
        )}
      </div>
      {problem && (
        <p className="banner banner-error" role="alert">
          {problem}
        </p>
      )}
      <Graph
        key={x.root}
        nodes={nodes}
        edges={edges}
        height={320}
        label={`Relationship graph of ${rootObject ? readableLabel(rootObject, 200) : x.root} with ${related} related objects`}
        onSelect={expand}
        theme={theme}
      />
      <p className="muted small">Click a node with a dashed ring to add its relationships.</p>
      <h3 className="subhead">Related ({x.edges.size})</h3>
      <ul className="plain related">
        {[...x.nodes.values()]
          .filter((o) => o.id !== x.root)
          .sort((a, b) => (hops.get(a.id) ?? 99) - (hops.get(b.id) ?? 99))
          .map((o) => {
            const via = [...x.edges.values()].filter((e) => e.source === o.id || e.target === o.id);
            return (
              <li key={o.id}>
                <span className="muted small">{hops.get(o.id) ?? '?'} hop · </span>
                <button type="button" className="linklike" onClick={() => props.onOpen(o.id)}>
                  {`${o.type}: ${readableLabel(o, 200)}`}
                </button>{' '}
                <span className="muted small">{via.map((e) => e.type).join(', ')}</span>{' '}
                {openIds.has(o.id) && (
                  <button
                    type="button"
                    className="btn btn-ghost btn-tiny"
                    aria-label={`Expand ${o.type}: ${readableLabel(o, 200)}`}
                    disabled={busy !== undefined}
                    onClick={() => expand(o.id)}
                  >
                    Expand
                  </button>
                )}
              </li>
            );
          })}
      </ul>
    </div>
  );
}
