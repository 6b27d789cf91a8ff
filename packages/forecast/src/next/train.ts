/**
 * @module
 * Building a next-step model from its sources: ordered sequences (annotated reports, closed
 * incidents), attack flows (edges) and technique sets (ATT&CK groups, software, campaigns).
 * Pure: the sources are passed in already read (see `corpus.ts` for the files).
 */
import type { AttackFlow } from './flows.js';
import { techniqueId } from './model.js';
import type {
  Blend,
  CatalogEntry,
  Counts,
  ModelSource,
  NextStepModelData,
  TacticRankerData,
  TacticRanking,
} from './types.js';

/** ATT&CK as the model needs it. */
export interface AttackCatalog {
  readonly tacticNames: Readonly<Record<string, string>>;
  readonly techniques: Readonly<Record<string, CatalogEntry>>;
  /** Technique sets of groups, software and campaigns. */
  readonly sets: readonly (readonly string[])[];
}

/** Named ordered sequences (one per report or incident). */
export interface SequenceSource {
  readonly name: string;
  readonly kind: 'reports' | 'incidents';
  readonly sequences: readonly (readonly string[])[];
}

/** Everything a model is built from. */
export interface TrainingInput {
  readonly attack: AttackCatalog;
  readonly flows?: readonly AttackFlow[];
  readonly sequences?: readonly SequenceSource[];
  readonly calibration?: { readonly techniques: number; readonly tactics: number };
  /** Blend weights and tactic ranking (fitted by `fitBlend`); absent: the model's defaults. */
  readonly blend?: Blend;
  readonly tactic?: TacticRanking;
  /** Learnt tactic ranker (fitted by `fitTacticRanker`); absent: tactics from the techniques. */
  readonly tacticRanker?: TacticRankerData;
}

function bump(c: Counts, k: string, by = 1): void {
  c[k] = (c[k] ?? 0) + by;
}
function bump2(c: Record<string, Counts>, a: string, b: string): void {
  bump((c[a] ??= {}), b);
}

/** Drops malformed ids and immediate repeats. */
export function cleanSequence(seq: readonly string[]): string[] {
  const out: string[] = [];
  for (const s of seq) {
    const t = techniqueId(s);
    if (t && out[out.length - 1] !== t) out.push(t);
  }
  return out;
}

/** Mutable counts while building. */
interface Acc {
  pop: Counts;
  trans: Record<string, Counts>;
  after: Record<string, Counts>;
  tacticTrans: Record<string, Counts>;
}

/** Adds one ordered sequence; returns the examples it gave (new techniques after the first). */
function addSequence(acc: Acc, seq: readonly string[], tacticsOf: (t: string) => readonly string[]): number {
  const s = cleanSequence(seq);
  const seen = new Set<string>();
  let examples = 0;
  for (let i = 0; i < s.length; i++) {
    const next = s[i] ?? '';
    if (i > 0 && !seen.has(next)) {
      const last = s[i - 1] ?? '';
      bump(acc.pop, next);
      bump2(acc.trans, last, next);
      for (const p of seen) bump2(acc.after, p, next);
      for (const a of tacticsOf(last)) for (const b of tacticsOf(next)) bump2(acc.tacticTrans, a, b);
      examples++;
    }
    seen.add(next);
  }
  return examples;
}

/** Adds one flow's edges: each edge is a step, the action's ancestors are what came before. */
function addFlow(acc: Acc, flow: AttackFlow, tacticsOf: (t: string) => readonly string[]): number {
  const tech = (id: string): string | undefined => flow.actions.get(id)?.technique;
  const preds = new Map<string, string[]>();
  for (const [a, b] of flow.edges) {
    const l = preds.get(b);
    if (l) l.push(a);
    else preds.set(b, [a]);
  }
  const ancestors = (id: string): Set<string> => {
    const out = new Set<string>();
    const stack = [...(preds.get(id) ?? [])];
    while (stack.length > 0) {
      const x = stack.pop() ?? '';
      if (out.has(x)) continue;
      out.add(x);
      stack.push(...(preds.get(x) ?? []));
    }
    return out;
  };
  let examples = 0;
  for (const [a, b] of flow.edges) {
    const ta = tech(a);
    const tb = tech(b);
    const ca = flow.actions.get(a)?.tactic ? [flow.actions.get(a)?.tactic ?? ''] : ta ? tacticsOf(ta) : [];
    const cb = flow.actions.get(b)?.tactic ? [flow.actions.get(b)?.tactic ?? ''] : tb ? tacticsOf(tb) : [];
    for (const x of ca) for (const y of cb) bump2(acc.tacticTrans, x, y);
    if (!ta || !tb || ta === tb) continue;
    bump(acc.pop, tb);
    bump2(acc.trans, ta, tb);
    const before = new Set<string>();
    for (const x of ancestors(b)) {
      const t = tech(x);
      if (t && t !== tb) before.add(t);
    }
    for (const p of before) bump2(acc.after, p, tb);
    examples++;
  }
  return examples;
}

/** Builds a model. Calibration defaults to 1 (scores as blended) until fitted. */
export function buildModel(input: TrainingInput): NextStepModelData {
  const catalog = input.attack.techniques;
  const tacticsOf = (t: string): readonly string[] =>
    catalog[t]?.tactics ?? catalog[t.split('.')[0] ?? t]?.tactics ?? [];
  const acc: Acc = { pop: {}, trans: {}, after: {}, tacticTrans: {} };
  const sources: ModelSource[] = [];
  const sets: string[][] = input.attack.sets.map((s) => [...new Set(s)].sort()).filter((s) => s.length >= 2);
  sources.push({
    name: 'ATT&CK groups, software and campaigns',
    kind: 'attack-sets',
    items: sets.length,
    examples: sets.length,
  });
  const sequenceSets: string[][] = [];
  for (const src of input.sequences ?? []) {
    let examples = 0;
    for (const s of src.sequences) examples += addSequence(acc, s, tacticsOf);
    sources.push({ name: src.name, kind: src.kind, items: src.sequences.length, examples });
    for (const s of src.sequences) {
      const set = [...new Set(cleanSequence(s))].sort();
      if (set.length < 2) continue;
      sequenceSets.push(set);
      if (src.kind === 'incidents') sets.push(set);
    }
  }
  if (input.flows && input.flows.length > 0) {
    let examples = 0;
    for (const f of input.flows) {
      examples += addFlow(acc, f, tacticsOf);
      const set = [...new Set([...f.actions.values()].map((a) => a.technique).filter((t): t is string => !!t))].sort();
      if (set.length >= 2) sets.push(set);
    }
    sources.push({ name: 'Attack Flow corpus', kind: 'attack-flow', items: input.flows.length, examples });
  }
  return {
    format: 'intersoc-next-step/1',
    sources,
    tacticNames: input.attack.tacticNames,
    catalog,
    pop: acc.pop,
    trans: acc.trans,
    after: acc.after,
    tacticTrans: acc.tacticTrans,
    sets,
    sequenceSets,
    ...(input.blend ? { blend: input.blend } : {}),
    ...(input.tactic ? { tactic: input.tactic } : {}),
    ...(input.tacticRanker ? { tacticRanker: input.tacticRanker } : {}),
    calibration: input.calibration ?? { techniques: 1, tactics: 1 },
  };
}

/**
 * Adds sequences (the node's closed incidents) to a trained model: continuous training without
 * the corpora, since every view is a count.
 */
export function extendModel(base: NextStepModelData, src: SequenceSource): NextStepModelData {
  const acc: Acc = {
    pop: { ...base.pop },
    trans: Object.fromEntries(Object.entries(base.trans).map(([k, v]) => [k, { ...v }])),
    after: Object.fromEntries(Object.entries(base.after).map(([k, v]) => [k, { ...v }])),
    tacticTrans: Object.fromEntries(Object.entries(base.tacticTrans).map(([k, v]) => [k, { ...v }])),
  };
  const catalog = base.catalog;
  const tacticsOf = (t: string): readonly string[] =>
    catalog[t]?.tactics ?? catalog[t.split('.')[0] ?? t]?.tactics ?? [];
  let examples = 0;
  const sets = [...base.sets];
  const sequenceSets = [...(base.sequenceSets ?? [])];
  for (const s of src.sequences) {
    examples += addSequence(acc, s, tacticsOf);
    const set = [...new Set(cleanSequence(s))].sort();
    if (set.length >= 2) {
      sets.push(set);
      sequenceSets.push(set);
    }
  }
  return {
    ...base,
    ...acc,
    sets,
    sequenceSets,
    sources: [...base.sources, { name: src.name, kind: src.kind, items: src.sequences.length, examples }],
  };
}
