/**
 * @module
 * The workflow as a graph: which steps a step leads to, through which property. Validation,
 * the engine and the dashboard's drawing all read the edges from here.
 */
import type { WorkflowStep } from './types.js';

/** One edge: `from` leads to `to` through `via` (`on_completion`, `next_steps/1`, `cases/high`, ...). */
export interface StepEdge {
  readonly from: string;
  readonly to: string;
  readonly via: string;
}

const SINGLE = ['on_completion', 'on_success', 'on_failure', 'on_true', 'on_false'] as const;

/** The edges out of one step, in document order; non-string references are skipped (the schema reports them). */
export function stepEdges(id: string, step: Readonly<Record<string, unknown>>): StepEdge[] {
  const out: StepEdge[] = [];
  for (const p of SINGLE) {
    const v = step[p];
    if (typeof v === 'string') out.push({ from: id, to: v, via: p });
  }
  const next = step['next_steps'];
  if (Array.isArray(next)) {
    next.forEach((v, i) => {
      if (typeof v === 'string') out.push({ from: id, to: v, via: `next_steps/${i}` });
    });
  }
  const cases = step['cases'];
  if (cases && typeof cases === 'object' && !Array.isArray(cases)) {
    for (const [k, v] of Object.entries(cases as Record<string, unknown>)) {
      if (typeof v === 'string') out.push({ from: id, to: v, via: `cases/${k}` });
    }
  }
  return out;
}

/** Every edge of a workflow. */
export function workflowEdges(
  workflow: Readonly<Record<string, WorkflowStep | Readonly<Record<string, unknown>>>>,
): StepEdge[] {
  const out: StepEdge[] = [];
  for (const [id, step] of Object.entries(workflow)) {
    if (step && typeof step === 'object') out.push(...stepEdges(id, step as Readonly<Record<string, unknown>>));
  }
  return out;
}

/** Steps reachable from `roots` over `edges`. */
export function reachable(roots: readonly string[], edges: readonly StepEdge[]): Set<string> {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const seen = new Set<string>();
  const todo = [...roots];
  while (todo.length > 0) {
    const s = todo.pop() as string;
    if (seen.has(s)) continue;
    seen.add(s);
    todo.push(...(next.get(s) ?? []));
  }
  return seen;
}

/**
 * Cycles of the graph: its strongly connected components with more than one node, or a node
 * with an edge to itself (Tarjan, iterative so that a long chain cannot overflow the stack).
 * Each cycle is returned as one closed walk through its nodes, for messages.
 */
export function cycles(nodes: readonly string[], edges: readonly StepEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const n of nodes) next.set(n, []);
  for (const e of edges) if (next.has(e.from) && next.has(e.to)) next.get(e.from)?.push(e.to);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let counter = 0;
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: [string, number][] = [[root, 0]];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1] as [string, number];
      const [v, i] = frame;
      const succ = next.get(v) ?? [];
      if (i < succ.length) {
        frame[1] = i + 1;
        const w = succ[i] as string;
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push([w, 0]);
        } else if (onStack.has(w)) {
          low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent[0], Math.min(low.get(parent[0]) as number, low.get(v) as number));
      if (low.get(v) === index.get(v)) {
        const comp: string[] = [];
        for (;;) {
          const w = stack.pop() as string;
          onStack.delete(w);
          comp.push(w);
          if (w === v) break;
        }
        const selfLoop = comp.length === 1 && (next.get(v) ?? []).includes(v);
        if (comp.length > 1 || selfLoop) out.push(walk(comp, next));
      }
    }
  }
  return out;
}

/** A closed walk from the component's first node back to it, staying inside the component. */
function walk(comp: readonly string[], next: ReadonlyMap<string, readonly string[]>): string[] {
  const inside = new Set(comp);
  const start = [...comp].sort()[0] as string;
  // Breadth-first search for the shortest way back to `start`.
  const prev = new Map<string, string>();
  const queue = [start];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const v = queue.shift() as string;
    for (const w of next.get(v) ?? []) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(prev.get(path[0] as string) as string);
        return [...path, start];
      }
      if (seen.has(w)) continue;
      seen.add(w);
      prev.set(w, v);
      queue.push(w);
    }
  }
  return [start, start];
}
