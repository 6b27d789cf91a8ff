/**
 * @module
 * Reading MITRE CTID Attack Flow files (the builder's `.afb` and the STIX 2.1 bundles with
 * `attack-action` objects) into technique-to-technique edges. An edge joins two actions when one
 * leads to the other directly or through conditions and AND/OR operators; assets, malware and
 * other objects do not carry the story on. Untrusted input: nothing is evaluated, sizes are the
 * caller's limit, and unknown shapes give an empty flow, never an exception.
 */

/** One action of a flow. */
export interface FlowAction {
  readonly technique?: string;
  readonly tactic?: string;
}

/** A flow as a graph of actions. */
export interface AttackFlow {
  readonly name: string;
  readonly actions: ReadonlyMap<string, FlowAction>;
  /** Action id → action id. */
  readonly edges: readonly (readonly [string, string])[];
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
const TECHNIQUE = /^T\d{4}(\.\d{3})?$/;
const TACTIC = /^TA\d{4}$/;

function action(technique: unknown, tactic: unknown): FlowAction {
  const t = str(technique)?.toUpperCase();
  const c = str(tactic)?.toUpperCase();
  return { ...(t && TECHNIQUE.test(t) ? { technique: t } : {}), ...(c && TACTIC.test(c) ? { tactic: c } : {}) };
}

/** Follows `next` from every action through pass-through nodes to the next actions. */
function actionEdges(
  actions: ReadonlyMap<string, FlowAction>,
  next: ReadonlyMap<string, readonly string[]>,
  passThrough: ReadonlySet<string>,
): [string, string][] {
  const out: [string, string][] = [];
  for (const a of actions.keys()) {
    const seen = new Set<string>();
    const stack = [...(next.get(a) ?? [])];
    while (stack.length > 0) {
      const x = stack.pop() ?? '';
      if (seen.has(x)) continue;
      seen.add(x);
      if (actions.has(x)) out.push([a, x]);
      else if (passThrough.has(x)) stack.push(...(next.get(x) ?? []));
    }
  }
  return out;
}

function push(m: Map<string, string[]>, k: string, v: string): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

/** Reads an Attack Flow Builder file (`schema: attack_flow_v2`). */
export function parseAfb(doc: unknown, name: string): AttackFlow {
  const objects = isObj(doc) && Array.isArray(doc['objects']) ? (doc['objects'] as unknown[]) : [];
  const latchToAnchor = new Map<string, string>();
  const anchorToObject = new Map<string, string>();
  const actions = new Map<string, FlowAction>();
  const passThrough = new Set<string>();
  const lines: [string, string][] = [];
  for (const o of objects) {
    if (!isObj(o)) continue;
    const id = str(o['instance']);
    if (!id) continue;
    if (Array.isArray(o['latches'])) for (const l of o['latches']) if (typeof l === 'string') latchToAnchor.set(l, id);
    if (isObj(o['anchors']))
      for (const a of Object.values(o['anchors'])) if (typeof a === 'string') anchorToObject.set(a, id);
    const kind = o['id'];
    if (kind === 'dynamic_line') {
      const s = str(o['source']);
      const t = str(o['target']);
      if (s && t) lines.push([s, t]);
    } else if (kind === 'action') {
      const props = new Map<string, unknown>();
      if (Array.isArray(o['properties']))
        for (const p of o['properties']) if (Array.isArray(p) && typeof p[0] === 'string') props.set(p[0], p[1]);
      actions.set(id, action(props.get('technique_id'), props.get('tactic_id')));
    } else if (kind === 'condition' || kind === 'AND_operator' || kind === 'OR_operator') {
      passThrough.add(id);
    }
  }
  const owner = (x: string): string | undefined =>
    anchorToObject.get(x) ?? anchorToObject.get(latchToAnchor.get(x) ?? '');
  const next = new Map<string, string[]>();
  for (const [s, t] of lines) {
    const a = owner(s);
    const b = owner(t);
    if (a && b && a !== b) push(next, a, b);
  }
  return { name, actions, edges: actionEdges(actions, next, passThrough) };
}

/** Reads an Attack Flow STIX 2.1 bundle (`attack-action` objects with `effect_refs`). */
export function parseFlowBundle(doc: unknown, name: string): AttackFlow {
  const objects = isObj(doc) && Array.isArray(doc['objects']) ? (doc['objects'] as unknown[]) : [];
  const actions = new Map<string, FlowAction>();
  const passThrough = new Set<string>();
  const next = new Map<string, string[]>();
  for (const o of objects) {
    if (!isObj(o)) continue;
    const id = str(o['id']);
    if (!id) continue;
    const type = o['type'];
    if (type === 'attack-action') actions.set(id, action(o['technique_id'], o['tactic_id']));
    else if (type === 'attack-condition' || type === 'attack-operator') passThrough.add(id);
    for (const key of ['effect_refs', 'on_true_refs', 'on_false_refs']) {
      const refs = o[key];
      if (Array.isArray(refs)) for (const r of refs) if (typeof r === 'string') push(next, id, r);
    }
  }
  return { name, actions, edges: actionEdges(actions, next, passThrough) };
}
