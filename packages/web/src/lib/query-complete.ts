/**
 * @module
 * Autocomplete for the node's query language (`field:value`, wildcards, ranges, AND/OR/NOT,
 * parentheses): field names while typing a term, frequent values after `field:`, and the
 * boolean operators between terms.
 */
import type { FieldInfo } from '../api/types';

/** One suggestion. */
export interface Suggestion {
  /** What the list shows. */
  readonly label: string;
  /** Text that replaces the current token. */
  readonly insert: string;
  readonly kind: 'field' | 'value' | 'operator';
  /** A hint: how often the field occurs, or the field a value belongs to. */
  readonly detail?: string;
}

/** Suggestions for the token at the caret and the span of text they replace. */
export interface Completion {
  readonly from: number;
  readonly to: number;
  readonly items: readonly Suggestion[];
}

const OPERATORS = ['AND', 'OR', 'NOT'] as const;
const BREAK = /[\s()]/;
const MAX_ITEMS = 12;

/** Quotes a value that the query language would otherwise split or read as syntax. */
export function quoteValue(v: string): string {
  return /^[^\s()":\\*?[\]{}]+$/.test(v) ? v : `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

function rank(name: string, needle: string): number {
  const n = name.toLowerCase();
  if (n === needle) return 0;
  if (n.startsWith(needle)) return 1;
  const lastDot = n.lastIndexOf('.');
  if (lastDot >= 0 && n.slice(lastDot + 1).startsWith(needle)) return 2;
  return n.includes(needle) ? 3 : -1;
}

/** What to suggest for `text` with the caret at `caret`. */
export function complete(text: string, caret: number, fields: readonly FieldInfo[]): Completion {
  let start = caret;
  while (start > 0 && !BREAK.test(text[start - 1] ?? '')) start--;
  // A leading `-` negates the term; it stays in place.
  if (text[start] === '-') start++;
  const token = text.slice(start, caret);
  const colon = token.indexOf(':');
  if (colon > 0) {
    const field = token.slice(0, colon);
    const prefix = token
      .slice(colon + 1)
      .replace(/^"/, '')
      .toLowerCase();
    const info = fields.find((f) => f.name.toLowerCase() === field.toLowerCase());
    const items = (info?.values ?? [])
      .filter((v) => v.toLowerCase().includes(prefix) && v.toLowerCase() !== prefix)
      .sort((a, b) => Number(!a.toLowerCase().startsWith(prefix)) - Number(!b.toLowerCase().startsWith(prefix)))
      .slice(0, MAX_ITEMS)
      .map((v) => ({ label: v, insert: `${field}:${quoteValue(v)}`, kind: 'value' as const, detail: field }));
    return { from: start, to: caret, items };
  }
  const needle = token.toLowerCase();
  if (needle === '') return { from: start, to: caret, items: [] };
  const scored = fields
    .map((f) => ({ f, r: rank(f.name, needle) }))
    .filter((x) => x.r >= 0)
    .sort((a, b) => a.r - b.r || b.f.count - a.f.count || a.f.name.localeCompare(b.f.name))
    .slice(0, MAX_ITEMS)
    .map(({ f }) => ({
      label: f.name,
      insert: `${f.name}:`,
      kind: 'field' as const,
      detail: f.kind === 'meta' ? 'envelope' : `${f.count} in sample`,
    }));
  // Operators only make sense after a term, never at the start of the query.
  const before = text.slice(0, start).trim();
  const ops =
    before !== '' && !/\b(AND|OR|NOT)$/.test(before)
      ? OPERATORS.filter((o) => o.toLowerCase().startsWith(needle) && o.toLowerCase() !== needle).map((o) => ({
          label: o,
          insert: `${o} `,
          kind: 'operator' as const,
        }))
      : [];
  return { from: start, to: caret, items: [...ops, ...scored].slice(0, MAX_ITEMS) };
}

/** Replaces the completed token; returns the new text and caret. */
export function applySuggestion(text: string, c: Completion, s: Suggestion): { text: string; caret: number } {
  const next = `${text.slice(0, c.from)}${s.insert}${text.slice(c.to)}`;
  return { text: next, caret: c.from + s.insert.length };
}
