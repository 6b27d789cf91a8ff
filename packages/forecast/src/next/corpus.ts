/**
 * @module
 * Reading the training corpora from `../shared/corpora/ml`: ATT&CK (`attack-stix-derived`),
 * CTID's Attack Flow corpus (`attack-flow`, builder files and STIX bundles, one per flow) and
 * TRAM's annotated reports (`tram/single_label.json`: sentences labelled with one technique, in
 * document order). Each report becomes the sequence of its labels with repeats collapsed; reports
 * that share a sentence are grouped, so that a split by document cannot put one text on both sides.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '@intersoc/core';
import { parseAfb, parseFlowBundle, type AttackFlow } from './flows.js';
import { RANKER_TACTICS } from './tactic-ranker.js';
import type { AttackCatalog, SequenceSource } from './train.js';
import type { CatalogEntry } from './types.js';

/** ATT&CK's tactic order (enterprise), for stable tactic lists. */
const TACTIC_ORDER = RANKER_TACTICS;

interface DerivedAttack {
  tactics: Record<string, { name: string; shortname: string }>;
  techniques: Record<string, { name: string; tactics: string[] }>;
  actors: Record<string, { type: string; techniques: string[] }>;
}

/** Reads `ml/attack-stix-derived/enterprise-attack-derived.json`. */
export function loadAttack(ml: string): AttackCatalog {
  const file = path.join(ml, 'attack-stix-derived', 'enterprise-attack-derived.json');
  const d = JSON.parse(readFileSync(file, 'utf8')) as DerivedAttack;
  const byShort = new Map<string, string>();
  const tacticNames: Record<string, string> = {};
  for (const [id, t] of Object.entries(d.tactics)) {
    byShort.set(t.shortname, id);
    tacticNames[id] = t.name;
  }
  const rank = (id: string): number => {
    const i = TACTIC_ORDER.indexOf(id);
    return i < 0 ? 99 : i;
  };
  const techniques: Record<string, CatalogEntry> = {};
  for (const id of Object.keys(d.techniques).sort()) {
    const t = d.techniques[id];
    if (!t) continue;
    const tactics = t.tactics
      .map((s) => byShort.get(s))
      .filter((x): x is string => x !== undefined)
      .sort((a, b) => rank(a) - rank(b));
    techniques[id] = { name: t.name, tactics };
  }
  const sets = Object.keys(d.actors)
    .sort()
    .map((k) => d.actors[k]?.techniques ?? []);
  return { tacticNames, techniques, sets };
}

const flowKey = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/** Reads every flow: builder files first, STIX bundles for flows that have no builder file. */
export function loadFlows(ml: string): AttackFlow[] {
  const dir = path.join(ml, 'attack-flow');
  const out = new Map<string, AttackFlow>();
  const afb = path.join(dir, 'afb');
  if (existsSync(afb))
    for (const f of readdirSync(afb).sort())
      if (f.endsWith('.afb')) {
        const name = f.slice(0, -4);
        out.set(flowKey(name), parseAfb(JSON.parse(readFileSync(path.join(afb, f), 'utf8')), name));
      }
  const stix = path.join(dir, 'stix-json-2023');
  if (existsSync(stix))
    for (const f of readdirSync(stix).sort())
      if (f.endsWith('.json')) {
        const name = f.slice(0, -5);
        if (!out.has(flowKey(name)))
          out.set(flowKey(name), parseFlowBundle(JSON.parse(readFileSync(path.join(stix, f), 'utf8')), name));
      }
  return [...out.values()];
}

/** One annotated report as an ordered technique sequence. */
export interface ReportSequence {
  readonly doc: string;
  readonly techniques: readonly string[];
  /**
   * Reports that share text (the same advisory under two titles, or two write-ups quoting each
   * other) carry the same group, the first title among them; a split by document keeps a group
   * on one side. Absent: the report is its own group.
   */
  readonly group?: string;
}

/** Sentences this long or longer that two reports share mark them as one group (short ones are boilerplate). */
const SHARED_SENTENCE_CHARS = 40;

/** Reads TRAM's `single_label.json` into one sequence per document, in document order. */
export function loadTramReports(ml: string): ReportSequence[] {
  const file = path.join(ml, 'tram', 'single_label.json');
  const rows = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(rows)) throw new AppError('VALIDATION', `${file}: not a list`);
  const docs = new Map<string, string[]>();
  const bySentence = new Map<string, string>();
  const parent = new Map<string, string>();
  const root = (d: string): string => {
    let r = d;
    while (parent.get(r) !== undefined && parent.get(r) !== r) r = parent.get(r) ?? r;
    return r;
  };
  for (const r of rows as { label?: unknown; doc_title?: unknown; text?: unknown }[]) {
    if (typeof r.label !== 'string' || typeof r.doc_title !== 'string') continue;
    const l = docs.get(r.doc_title);
    if (!l) docs.set(r.doc_title, [r.label]);
    else if (l[l.length - 1] !== r.label) l.push(r.label);
    if (!parent.has(r.doc_title)) parent.set(r.doc_title, r.doc_title);
    const text = typeof r.text === 'string' ? r.text.replace(/\s+/g, ' ').trim().toLowerCase() : '';
    if (text.length < SHARED_SENTENCE_CHARS) continue;
    const other = bySentence.get(text);
    if (other === undefined) bySentence.set(text, r.doc_title);
    else {
      // union: the smaller title is the root, so groups do not depend on row order
      const [a, b] = [root(other), root(r.doc_title)].sort();
      if (a !== undefined && b !== undefined && a !== b) parent.set(b, a);
    }
  }
  return [...docs.entries()].map(([doc, techniques]) => {
    const group = root(doc);
    return group === doc ? { doc, techniques } : { doc, techniques, group };
  });
}

/** The reports as a training source. */
export function reportSource(reports: readonly ReportSequence[]): SequenceSource {
  return { name: 'TRAM annotated reports', kind: 'reports', sequences: reports.map((r) => r.techniques) };
}
