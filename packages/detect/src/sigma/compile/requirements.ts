/**
 * @module
 * Prefilter requirements: for a compiled expression, a set of (field, literal) pairs of which at
 * least one must occur (case-folded) in any event the expression matches. The rule index scans
 * each event once for all literals and evaluates only rules whose requirement is met. `undefined`
 * means "no proof", and such rules are always evaluated.
 */

/** One literal that must occur in a field (`*` = any field, for keyword search). */
export interface LiteralNeed {
  readonly field: string;
  readonly lit: string;
}

/** At least one of these literals must occur; undefined = no requirement could be proven. */
export type Requirement = readonly LiteralNeed[] | undefined;

/** Shortest literal the prefilter indexes (single characters are found through a bitmap). */
export const MIN_LITERAL = 1;

// Fragments that occur in most Windows events: literals made only of them prefilter poorly.
const COMMON = [
  'c:\\windows\\system32\\',
  'c:\\windows\\syswow64\\',
  'c:\\program files (x86)\\',
  'c:\\program files\\',
  'c:\\programdata\\',
  'c:\\users\\',
  '\\appdata\\local\\',
  '\\appdata\\roaming\\',
  'microsoft',
  'windows',
  'system32',
  '.exe',
  '.dll',
  'c:\\windows\\',
  '\\windows\\',
  '\\system32\\',
  'nt authority\\system',
  'powershell',
  'svchost',
  'rundll32',
  'cmd.exe',
];

// Single characters common in event text select nothing; only rare ones are worth indexing.
const COMMON_CHAR = /^[\p{L}\p{N}\s\\./:_,;'"()=\-]$/u;

/** True when the prefilter can use the literal. */
export function usableLiteral(lit: string): boolean {
  if (lit.length === 0) return false;
  return lit.length > 1 || !COMMON_CHAR.test(lit) || lit.charCodeAt(0) > 0x7f;
}

/** Estimated cost of scanning for a literal: long, uncommon literals are cheap (selective). */
export function literalCost(lit: string): number {
  for (const c of COMMON) if (c.includes(lit)) return 1;
  return 0.02 + 1 / lit.length;
}

/** Cost of a requirement; lower is more selective. */
export function requirementCost(req: Requirement): number {
  if (req === undefined) return Number.POSITIVE_INFINITY;
  let c = 0;
  for (const r of req) c += literalCost(r.lit);
  return c;
}

/** Requirement of an AND: the most selective child's. */
export function requireAll(reqs: readonly Requirement[]): Requirement {
  let best: Requirement;
  let bestCost = Number.POSITIVE_INFINITY;
  for (const r of reqs) {
    const c = requirementCost(r);
    if (c < bestCost) {
      best = r;
      bestCost = c;
    }
  }
  return best;
}

/** Requirement of an OR: the union, when every branch has one. */
export function requireAny(reqs: readonly Requirement[]): Requirement {
  const out: LiteralNeed[] = [];
  const seen = new Set<string>();
  for (const r of reqs) {
    if (r === undefined) return undefined;
    for (const n of r) {
      const k = `${n.field}\0${n.lit}`;
      if (!seen.has(k)) {
        seen.add(k);
        out.push(n);
      }
    }
  }
  return out.length === 0 ? undefined : out;
}
