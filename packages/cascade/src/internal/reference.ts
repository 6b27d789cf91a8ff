/**
 * @module
 * Independent references for the tests: the functional cascade as the rule reads, by full sweeps
 * over plain adjacency sets until nothing changes (no thresholds, no typed arrays, no frontier),
 * and a Python/networkx + numpy reference run in a child process where python3 has them.
 */
import { spawnSync } from 'node:child_process';
import type { GraphData } from '../model/types.js';

/** Synchronous rounds by full sweeps: O(rounds × E), written from the rule, not from the engine. */
export function referenceRounds(data: GraphData, seeds: readonly string[]): string[][] {
  const suppliers = new Map<string, Set<string>>();
  const min = new Map<string, number>();
  for (const e of data.entities) {
    suppliers.set(e.id, new Set());
    min.set(e.id, e.minInputs);
  }
  for (const d of data.dependencies) {
    if (!suppliers.has(d.source)) suppliers.set(d.source, new Set());
    if (!suppliers.has(d.target)) suppliers.set(d.target, new Set());
    suppliers.get(d.source)?.add(d.target);
  }
  const failed = new Set(seeds);
  const steps: string[][] = [[...new Set(seeds)]];
  for (;;) {
    const next: string[] = [];
    for (const [u, sup] of suppliers) {
      if (failed.has(u) || sup.size === 0) continue;
      let alive = 0;
      for (const s of sup) if (!failed.has(s)) alive++;
      if (alive < (min.get(u) ?? 1)) next.push(u);
    }
    if (next.length === 0) break;
    for (const u of next) failed.add(u);
    steps.push(next);
  }
  return steps;
}

/** Whether python3 with networkx and numpy can run here (the reason when not). */
export function pythonReference(): { ok: true } | { ok: false; reason: string } {
  const r = spawnSync('python3', ['-c', 'import networkx, numpy'], { encoding: 'utf8' });
  if (r.error) return { ok: false, reason: `python3 not found (${r.error.message})` };
  if (r.status !== 0)
    return { ok: false, reason: `python3 lacks networkx or numpy: ${r.stderr.trim().split('\n').pop() ?? ''}` };
  return { ok: true };
}

/** Runs a Python program with JSON on stdin and returns its JSON output. */
export function runPython<T>(program: string, input: unknown): T {
  const r = spawnSync('python3', ['-c', program], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** networkx rounds: G.successors are the suppliers; the same rule, another implementation. */
export const NETWORKX_ROUNDS = `
import json, sys, networkx as nx
doc = json.load(sys.stdin)
G = nx.DiGraph()
mins = {}
for e in doc["entities"]:
    G.add_node(e["id"]); mins[e["id"]] = e["minInputs"]
for d in doc["dependencies"]:
    G.add_edge(d["source"], d["target"])
out = []
for seeds in doc["seedSets"]:
    failed = set(seeds); steps = [sorted(set(seeds))]
    while True:
        new = [u for u in G.nodes if u not in failed and G.out_degree(u) > 0
               and sum(1 for s in G.successors(u) if s not in failed) < mins.get(u, 1)]
        if not new: break
        failed.update(new); steps.append(sorted(new))
    out.append(steps)
print(json.dumps(out))
`;

/** numpy's solve of (I − A*) q = c*. */
export const NUMPY_IIM = `
import json, sys, numpy as np
doc = json.load(sys.stdin)
out = []
for case in doc:
    A = np.array(case["A"], dtype=float); c = np.array(case["c"], dtype=float)
    out.append(np.linalg.solve(np.eye(len(c)) - A, c).tolist())
print(json.dumps(out))
`;
