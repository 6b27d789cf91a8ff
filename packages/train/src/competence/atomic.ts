/**
 * @module
 * The Atomic Red Team index (`atomics/Indexes/Indexes-CSV/index.csv`): for each ATT&CK technique
 * its name, the tactics it is filed under and how many atomic tests exercise it. The competence
 * map names techniques and groups them into tactics with it.
 */
import { readFileSync } from 'node:fs';
import { AppError } from '@intersoc/core';

/** One technique of the index. */
export interface AtomicTechnique {
  readonly id: string;
  readonly name: string;
  readonly tactics: readonly string[];
  /** Atomic tests for it. */
  readonly tests: number;
}

/** The index: techniques by id, and the tactics in the order they first appear. */
export interface AtomicIndex {
  readonly techniques: ReadonlyMap<string, AtomicTechnique>;
  readonly tactics: readonly string[];
}

/** Splits one CSV line (RFC 4180 quoting, `""` for a quote). */
export function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Reads the index from CSV text (header `Tactic,Technique #,Technique Name,Test #,...`). */
export function parseAtomicIndex(csv: string): AtomicIndex {
  const lines = csv.split(/\r?\n/).filter((l) => l.trim().length > 0);
  const header = csvFields(lines[0] ?? '').map((h) => h.trim().toLowerCase());
  const col = (name: string): number => header.indexOf(name);
  const [tactic, id, name] = [col('tactic'), col('technique #'), col('technique name')];
  if (tactic < 0 || id < 0 || name < 0) throw new AppError('VALIDATION', 'not an Atomic Red Team index CSV');
  const acc = new Map<string, { name: string; tactics: Set<string>; tests: number }>();
  const tactics: string[] = [];
  for (const line of lines.slice(1)) {
    const f = csvFields(line);
    const tid = (f[id] ?? '').trim().toUpperCase();
    const ta = (f[tactic] ?? '').trim().toLowerCase();
    if (!/^T\d{4}(\.\d{3})?$/.test(tid) || ta === '') continue;
    if (!tactics.includes(ta)) tactics.push(ta);
    const e = acc.get(tid) ?? { name: (f[name] ?? '').trim(), tactics: new Set<string>(), tests: 0 };
    e.tactics.add(ta);
    e.tests += 1;
    acc.set(tid, e);
  }
  const techniques = new Map<string, AtomicTechnique>();
  for (const [tid, e] of acc) techniques.set(tid, { id: tid, name: e.name, tactics: [...e.tactics], tests: e.tests });
  return { techniques, tactics };
}

/** Reads the index file. */
export function loadAtomicIndex(file: string): AtomicIndex {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new AppError('NOT_FOUND', `cannot read the Atomic Red Team index ${file}: ${(err as Error).message}`);
  }
  return parseAtomicIndex(text);
}

/** A technique as the index knows it, falling back to its parent technique's tactics. */
export function lookupTechnique(index: AtomicIndex, id: string): AtomicTechnique | undefined {
  const own = index.techniques.get(id);
  if (own) return own;
  const parent = index.techniques.get(id.split('.')[0] ?? id);
  return parent ? { ...parent, id, name: `${parent.name} (${id})`, tests: 0 } : undefined;
}
