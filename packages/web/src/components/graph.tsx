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
  /** Drawn with a dashed ring: it has neighbours not shown yet (step-by-step exploration). */
  readonly expandable?: boolean;
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
  // Where each node was last drawn: when nodes are added (an expansion), the ones already on
  // screen stay put and the new ones start beside a neighbour, so the picture does not jump.
  const placed = useRef(new Map<string, { x: number; y: number }>());

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const colour = (kind: string): string => cssVar(KIND_VARS[kind] ?? '--kind-other');
    const known = placed.current;
    const startAt = (id: string): { x: number; y: number } | undefined => {
      const at = known.get(id);
      if (at) return at;
      for (const e of props.edges) {
        const other = e.source === id ? e.target : e.target === id ? e.source : undefined;
        const near = other === undefined ? undefined : known.get(other);
        if (near) return { x: near.x + 40 * Math.cos(id.length), y: near.y + 40 * Math.sin(id.length) };
      }
      return undefined;
    };
    const keep = props.nodes.some((n) => known.has(n.id));
    const cy = cytoscape({
      container: el,
      elements: [
        ...props.nodes.map((n) => {
          const position = keep ? startAt(n.id) : undefined;
          return {
            data: { id: n.id, label: n.label, colour: colour(n.kind) },
            classes: [n.focus ? 'focus' : '', n.expandable ? 'expandable' : ''].join(' ').trim(),
            ...(position ? { position: { ...position } } : {}),
          };
        }),
        ...props.edges.map((e, i) => ({ data: { id: `e${i}`, source: e.source, target: e.target, label: e.label } })),
      ],
      style: [
        {
          selector: 'node',
          style: {
            'background-color': 'data(colour)',
            label: 'data(label)',
            color: cssVar('--fg'),
            'font-size': 12,
            'text-valign': 'bottom',
            'text-margin-y': 4,
            // Wrapped on a backdrop, so labels stay readable where edges cross them.
            'text-max-width': '160px',
            'text-wrap': 'wrap',
            'text-background-color': cssVar('--bg'),
            'text-background-opacity': 0.85,
            'text-background-padding': '2px',
            width: 22,
            height: 22,
          },
        },
        {
          selector: 'node.focus',
          style: { width: 32, height: 32, 'border-width': 3, 'border-color': cssVar('--accent') },
        },
        {
          selector: 'node.expandable',
          style: { 'border-width': 2, 'border-style': 'dashed', 'border-color': cssVar('--fg-muted') },
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
            'font-size': 10,
            color: cssVar('--fg-muted'),
            'text-background-color': cssVar('--bg'),
            'text-background-opacity': 0.85,
            'text-rotation': 'autorotate',
          },
        },
      ],
      layout:
        props.nodes.length > 1
          ? { name: 'cose', animate: false, padding: 24, randomize: !keep }
          : { name: 'grid', animate: false, padding: 24 },
      wheelSensitivity: 0.3,
      // A graph of two nodes would otherwise be zoomed to fill the box.
      maxZoom: 1.3,
      minZoom: 0.2,
    });
    cy.on('tap', 'node', (e) => select.current?.(String(e.target.id())));
    return () => {
      cy.nodes().forEach((n) => {
        known.set(n.id(), { ...n.position() });
      });
      cy.destroy();
    };
  }, [props.nodes, props.edges, props.theme]);

  return <div ref={box} className="graph" style={{ height: props.height }} role="img" aria-label={props.label} />;
}
