/**
 * @module
 * Derives, from a query tree, a boolean plan over index terms that every matching event's block
 * must satisfy. It is conservative: `undefined` means "cannot prune, scan everything".
 */
import type { QueryNode } from './ast.js';
import { isToken, requiredTerms } from './tokens.js';

/** A term plan: AND/OR of exact and prefix terms. */
export type TermPlan =
  | { readonly op: 'and' | 'or'; readonly children: readonly TermPlan[] }
  | { readonly op: 'term'; readonly term: string; readonly prefix: boolean };

/** Fields whose query values come from several stored fields (entity aliases): never qualified. */
const ALIASES = new Set(['host', 'user']);

/**
 * The prefix of a field-qualified token in group documents: `zq`, a 32-bit FNV-1a hash of the
 * field name in base 36, `_`. Token characters only, so FTS5 keeps it whole; a collision only
 * makes pruning weaker, never wrong.
 */
export function qualifier(field: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < field.length; i++) h = Math.imul(h ^ field.charCodeAt(i), 0x01000193) >>> 0;
  return `zq${h.toString(36)}_`;
}

/**
 * The plan implied by `node`, or undefined when the node can match blocks without any term.
 * `qualified`: field terms use field-qualified tokens (for group documents that hold them).
 */
/**
 * Expands a field wildcard that implies no whole or leading token (`*whoami*`) into the index
 * tokens that can match it (from the term dictionary), or undefined when it cannot.
 */
export type WildcardExpander = (field: string, pattern: string) => readonly string[] | undefined;

/** A token no document holds (longer than any indexed token): the plan of "no term can match". */
export const NO_TERM = 'z'.repeat(100);

export function indexTerms(node: QueryNode, qualified = false, expand?: WildcardExpander): TermPlan | undefined {
  switch (node.type) {
    case 'all':
    case 'not':
      // A negation can match blocks lacking a term, so it never narrows the candidate set.
      return undefined;
    case 'and': {
      const kids = node.children
        .map((c) => indexTerms(c, qualified, expand))
        .filter((k): k is TermPlan => k !== undefined);
      if (kids.length === 0) return undefined;
      return kids.length === 1 ? kids[0] : { op: 'and', children: kids };
    }
    case 'or': {
      const kids = node.children.map((c) => indexTerms(c, qualified, expand));
      if (kids.some((k) => k === undefined)) return undefined;
      return { op: 'or', children: kids as TermPlan[] };
    }
    case 'term': {
      // Envelope pseudo-fields (`_id`, `_label`, ...) are not in the term index.
      if (node.field?.startsWith('_')) return undefined;
      const m = node.match;
      let terms: { exact: string[]; prefix: string[] };
      if (m.kind === 'text') {
        // A field value must equal the text and a bare word must equal a token (both anchored);
        // phrases and paths in full text match inside a value, so their edge tokens may be partial.
        const anchored = node.field !== undefined || (!m.quoted && isToken(m.value));
        terms = requiredTerms(m.value, anchored);
      } else if (m.kind === 'wildcard') {
        // Wildcards match whole values or whole tokens, so the pattern's start is anchored.
        terms = requiredTerms(m.pattern, true);
      } else {
        return undefined;
      }
      const q = qualified && node.field !== undefined && !ALIASES.has(node.field) ? qualifier(node.field) : '';
      if (m.kind === 'wildcard' && terms.exact.length === 0 && terms.prefix.length === 0 && node.field && expand) {
        const tokens = expand(node.field, m.pattern);
        if (tokens === undefined) return undefined;
        if (tokens.length === 0) return { op: 'term', term: NO_TERM, prefix: false };
        return { op: 'or', children: tokens.map((t) => ({ op: 'term', term: q + t, prefix: false }) as const) };
      }
      const kids: TermPlan[] = [
        ...terms.exact.map((term) => ({ op: 'term', term: q + term, prefix: false }) as const),
        ...terms.prefix.map((term) => ({ op: 'term', term: q + term, prefix: true }) as const),
      ];
      if (kids.length === 0) return undefined;
      return kids.length === 1 ? kids[0] : { op: 'and', children: kids };
    }
  }
}

/** Renders a plan as an FTS5 MATCH expression. */
export function toFtsMatch(plan: TermPlan): string {
  if (plan.op === 'term') return plan.prefix ? `"${plan.term}"*` : `"${plan.term}"`;
  return `(${plan.children.map(toFtsMatch).join(plan.op === 'and' ? ' AND ' : ' OR ')})`;
}
