/**
 * @module
 * The search language's syntax tree.
 */

/** A value to compare with: exact text, a wildcard pattern, or a range bound. */
export type Match =
  | { readonly kind: 'text'; readonly value: string; readonly quoted: boolean }
  | { readonly kind: 'wildcard'; readonly pattern: string }
  | { readonly kind: 'range'; readonly gt?: string; readonly gte?: string; readonly lt?: string; readonly lte?: string }
  | { readonly kind: 'exists' };

/** A node of the query tree. `field` undefined means full text over the whole event. */
export type QueryNode =
  | { readonly type: 'and'; readonly children: readonly QueryNode[] }
  | { readonly type: 'or'; readonly children: readonly QueryNode[] }
  | { readonly type: 'not'; readonly child: QueryNode }
  | { readonly type: 'term'; readonly field?: string; readonly match: Match }
  | { readonly type: 'all' };
