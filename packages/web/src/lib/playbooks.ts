/**
 * @module
 * Pure helpers of the playbook view: a layered layout of a workflow (each step one row below the
 * deepest step that leads to it, so the graph reads top to bottom like the playbook), the colour
 * of a step by its status, and the variables a run asks for.
 */
import type { StepEdge } from '../api/respond';

/** A step placed on the canvas. */
export interface Placed {
  readonly id: string;
  readonly x: number;
  readonly y: number;
}

/**
 * Layers by longest path from the start over forward edges (an edge back to an earlier layer, a
 * while loop, is drawn but not followed), then spreads each layer horizontally.
 */
export function layout(
  start: string,
  ids: readonly string[],
  edges: readonly StepEdge[],
  gapX = 170,
  gapY = 90,
): Placed[] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const depth = new Map<string, number>([[start, 0]]);
  const order: string[] = [start];
  const onPath = new Set<string>();
  // Iterative DFS for a topological order that ignores back edges.
  const visit = (root: string): void => {
    const stack: [string, number][] = [[root, 0]];
    onPath.add(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as [string, number];
      const succ = next.get(top[0]) ?? [];
      if (top[1] < succ.length) {
        const w = succ[top[1]++] as string;
        if (onPath.has(w)) continue;
        const d = (depth.get(top[0]) ?? 0) + 1;
        if ((depth.get(w) ?? -1) < d) {
          depth.set(w, d);
          onPath.add(w);
          stack.push([w, 0]);
          if (!order.includes(w)) order.push(w);
        }
        continue;
      }
      onPath.delete(top[0]);
      stack.pop();
    }
  };
  visit(start);
  let extra = Math.max(0, ...depth.values()) + 1;
  for (const id of ids) if (!depth.has(id)) depth.set(id, extra++);
  const rows = new Map<number, string[]>();
  for (const id of ids) rows.set(depth.get(id) ?? 0, [...(rows.get(depth.get(id) ?? 0) ?? []), id]);
  const out: Placed[] = [];
  for (const [d, row] of [...rows].sort((a, b) => a[0] - b[0])) {
    row.forEach((id, i) => out.push({ id, x: (i - (row.length - 1) / 2) * gapX, y: d * gapY }));
  }
  return out;
}

/** CSS variable of a step status. */
export function statusColour(status: string | undefined): string {
  switch (status) {
    case 'succeeded':
      return '--ok';
    case 'failed':
      return '--danger';
    case 'running':
    case 'retrying':
      return '--accent';
    case 'waiting':
      return '--sev-medium';
    default:
      return '--fg-muted';
  }
}

/** Variables a person may set when starting a run: the external ones, else all non-constant ones. */
export function runInputs(
  vars:
    | Readonly<Record<string, { type: string; value?: string | null; external?: boolean; constant?: boolean }>>
    | undefined,
): { name: string; type: string; value: string }[] {
  const all = Object.entries(vars ?? {}).filter(([, v]) => v.constant !== true);
  const external = all.filter(([, v]) => v.external === true);
  return (external.length > 0 ? external : all).map(([name, v]) => ({
    name,
    type: v.type,
    value: typeof v.value === 'string' ? v.value : '',
  }));
}
