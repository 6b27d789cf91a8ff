/**
 * @module
 * What makes a query expensive, checked before any block is read (as OpenSearch's
 * `search.allow_expensive_queries`): too many wildcard segments in one pattern, too many terms,
 * too deep a nesting, or a leading wildcard that the term index cannot narrow, over a time range
 * wider than allowed. The error names the limit, its configuration key and how to narrow the query.
 * The language has no regular expressions, so there is no regex construct to refuse.
 */
import { AppError } from '@intersoc/core';
import type { QueryNode } from './ast.js';
import { globSegments } from './glob.js';
import { indexTerms } from './prune.js';

/** Limits on one query (`search.*` in the node configuration). */
export interface QueryLimits {
  /** Most `*`-separated segments in one wildcard pattern. */
  readonly maxWildcardSegments: number;
  /** Most terms in one query. */
  readonly maxClauses: number;
  /** Deepest nesting of AND, OR and NOT. */
  readonly maxDepth: number;
  /** Widest range, days, of an event query with an unprunable leading wildcard (0 = no limit). */
  readonly leadingWildcardMaxDays: number;
}

/** The time range of an event search; undefined bounds are open. */
export interface QueryWindow {
  readonly from?: number | undefined;
  readonly to?: number | undefined;
  /** The clock for an open upper bound. */
  readonly now: number;
}

const DAY = 86_400_000;

function tooExpensive(limit: keyof QueryLimits, max: number, found: number | string, message: string): AppError {
  return new AppError('EXPENSIVE_QUERY', `query too expensive: ${message}`, {
    details: { limit: `search.${limit}`, max, found },
  });
}

interface Shape {
  clauses: number;
  depth: number;
  segments: { pattern: string; count: number } | undefined;
  leading: string | undefined;
}

function shape(node: QueryNode, depth: number, s: Shape): void {
  s.depth = Math.max(s.depth, depth);
  switch (node.type) {
    case 'all':
      return;
    case 'and':
    case 'or':
      for (const c of node.children) shape(c, depth + 1, s);
      return;
    case 'not':
      shape(node.child, depth + 1, s);
      return;
    case 'term': {
      s.clauses++;
      if (node.match.kind !== 'wildcard') return;
      const p = node.match.pattern;
      const count = globSegments(p);
      if (count > (s.segments?.count ?? 0)) s.segments = { pattern: p, count };
      if (s.leading === undefined && (p.startsWith('*') || p.startsWith('?'))) s.leading = p;
    }
  }
}

/**
 * Throws AppError `EXPENSIVE_QUERY` when `tree` exceeds `limits`. The leading-wildcard rule
 * applies only when `window` is given (event searches, which walk blocks).
 */
export function checkQueryCost(tree: QueryNode, limits: QueryLimits, window?: QueryWindow): void {
  const s: Shape = { clauses: 0, depth: 0, segments: undefined, leading: undefined };
  shape(tree, 0, s);
  if (s.segments && s.segments.count > limits.maxWildcardSegments) {
    const shown = s.segments.pattern.length > 40 ? `${s.segments.pattern.slice(0, 40)}…` : s.segments.pattern;
    throw tooExpensive(
      'maxWildcardSegments',
      limits.maxWildcardSegments,
      s.segments.count,
      `the pattern "${shown}" has ${s.segments.count} wildcard segments (limit ${limits.maxWildcardSegments}); ` +
        'use fewer `*`, or search for the words it contains',
    );
  }
  if (s.clauses > limits.maxClauses) {
    throw tooExpensive(
      'maxClauses',
      limits.maxClauses,
      s.clauses,
      `${s.clauses} terms (limit ${limits.maxClauses}); split the query or use fewer OR alternatives`,
    );
  }
  if (s.depth > limits.maxDepth) {
    throw tooExpensive(
      'maxDepth',
      limits.maxDepth,
      s.depth,
      `nested ${s.depth} deep (limit ${limits.maxDepth}); flatten the parentheses and NOTs`,
    );
  }
  const maxDays = limits.leadingWildcardMaxDays;
  if (window === undefined || maxDays === 0 || s.leading === undefined || indexTerms(tree) !== undefined) return;
  const days = window.from === undefined ? Infinity : ((window.to ?? window.now) - window.from) / DAY;
  if (days > maxDays) {
    throw tooExpensive(
      'leadingWildcardMaxDays',
      maxDays,
      Number.isFinite(days) ? Math.ceil(days) : 'unbounded',
      `"${s.leading.slice(0, 40)}" starts with a wildcard, so the term index cannot narrow the search, and the ` +
        `time range is ${Number.isFinite(days) ? `${Math.ceil(days)} days` : 'unbounded'} ` +
        `(limit ${maxDays} days); give a time range of at most ${maxDays} days or add a word every match contains`,
    );
  }
}
