/**
 * @module
 * A Cytoscape graph of objects and their relationships (intelligence, SOC peers). Nodes are
 * clickable; the same data is always listed next to the graph for keyboard and screen-reader
 * users, so the picture is never the only way in.
 */
import cytoscape from 'cytoscape';
import { useEffect, useRef, type ReactNode } from 'react';
import { cssVar } from '../app/theme';

/** A node of the graph. */
export interface GraphNode {
  readonly id: string;
  readonly label: string;
  /** A class for the node's colour, e.g. the STIX type. */
  readonly kind: string;
  readonly focus?: boolean;
}

/** An edge of the graph. */
export interface GraphEdge {
  readonly source: string;
  readonly target: string;
  readonly label: string;
}

const KIND_VARS: Readonly<Record<string, string>> = {
  indicator: '--kind-indicator',
  malware: '--kind-malware',
  'threat-actor': '--kind-actor',
  'intrusion-set': '--kind-actor',
  campaign: '--kind-actor',
  'attack-pattern': '--kind-pattern',
  identity: '--kind-identity',
  peer: '--kind-identity',
};

/** The graph. */
export function Graph(props: {
  nodes: readonly GraphNode[];
  edges: readonly GraphEdge[];
  height: number;
  label: string;
  onSelect?: (id: string) => void;
  theme: string;
}): ReactNode {
  const box = useRef<HTMLDivElement>(null);
  const select = useRef(props.onSelect);
  select.current = props.onSelect;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const colour = (kind: string): string => cssVar(KIND_VARS[kind] ?? '--kind-other');
    const cy = cytoscape({
      container: el,
      elements: [
        ...props.nodes.map((n) => ({
          data: { id: n.id, label: n.label, colour: colour(n.kind) },
          classes: n.focus ? 'focus' : '',
        })),
        ...props.edges.map((e, i) => ({ data: { id: `e${i}`, source: e.source, target: e.target, label: e.label } })),
      ],
      style: [
        {
          selector: 'node',
          style: {
            'background-color': 'data(colour)',
            label: 'data(label)',
            color: cssVar('--fg'),
            'font-size': 11,
            'text-valign': 'bottom',
            'text-margin-y': 4,
            'text-max-width': '140px',
            'text-wrap': 'ellipsis',
            width: 22,
            height: 22,
          },
        },
        {
          selector: 'node.focus',
          style: { width: 32, height: 32, 'border-width': 3, 'border-color': cssVar('--accent') },
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
            'font-size': 9,
            color: cssVar('--fg-muted'),
            'text-rotation': 'autorotate',
          },
        },
      ],
      layout: { name: props.nodes.length > 1 ? 'cose' : 'grid', animate: false, padding: 24 },
      wheelSensitivity: 0.3,
      // A graph of two nodes would otherwise be zoomed to fill the box.
      maxZoom: 1.3,
      minZoom: 0.2,
    });
    cy.on('tap', 'node', (e) => select.current?.(String(e.target.id())));
    return () => cy.destroy();
  }, [props.nodes, props.edges, props.theme]);

  return <div ref={box} className="graph" style={{ height: props.height }} role="img" aria-label={props.label} />;
}
