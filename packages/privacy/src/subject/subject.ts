/**
 * @module
 * Data subjects (`user:NAME`, `email:ADDR`, `host:NAME`) and how their values are found in text:
 * case-insensitively, bounded the way the search language tokenises (letters, digits and `_`),
 * so `kschmidt` matches `CORP\kschmidt` and `C:\Users\kschmidt\` but not `kschmidt2`.
 */
import { AppError } from '@intersoc/core';

/** Kinds of data subject a request can name. */
export const SUBJECT_KINDS = ['user', 'email', 'host'] as const;
/** A kind of data subject. */
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

/** A data subject. */
export interface Subject {
  readonly kind: SubjectKind;
  readonly value: string;
}

/** Parses `user:NAME`, `email:ADDR` or `host:NAME`. */
export function parseSubject(s: string): Subject {
  const m = /^(user|email|host):(.+)$/.exec(s.trim());
  if (!m) throw new AppError('VALIDATION', `subject must be user:NAME, email:ADDR or host:NAME (got "${s}")`);
  const value = (m[2] as string).trim();
  if (value.length < 2) throw new AppError('VALIDATION', 'the subject value needs at least 2 characters');
  return { kind: m[1] as SubjectKind, value };
}

/** `kind:value`. */
export function subjectLabel(s: Subject): string {
  return `${s.kind}:${s.value}`;
}

/** The values searched for a subject: the value, and for an e-mail address its local part too. */
export function subjectValues(s: Subject): string[] {
  if (s.kind === 'email') {
    const local = s.value.split('@')[0] ?? '';
    return local.length >= 2 ? [s.value, local] : [s.value];
  }
  if (s.kind === 'host') {
    const label = s.value.split('.')[0] ?? '';
    return label !== s.value && label.length >= 2 ? [s.value, label] : [s.value];
  }
  return [s.value];
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A global, case-insensitive regular expression matching any of `values` at token bounds, longest
 * first. Inside JSON a backslash stands before an escaped separator (`\\` in `C:\\Users\\x`), which
 * is a bound already; an escaped control character (`\t`, `\n`) ends in a letter, so it is bound explicitly.
 */
export function valuesPattern(values: readonly string[]): RegExp | undefined {
  const vs = [...new Set(values.filter((v) => v !== ''))].sort((a, b) => b.length - a.length);
  if (vs.length === 0) return undefined;
  // A JSON escape (`\\t`, `\\n`, ...) right before the value bounds it too: `\\t\\tkschmidt`.
  return new RegExp(
    `(?:(?<![\\p{L}\\p{N}_])|(?<=\\\\[nrtbf]))(?:${vs.map(escapeRe).join('|')})(?![\\p{L}\\p{N}_])`,
    'giu',
  );
}

/** True when `text` holds one of the pattern's values. */
export function mentions(re: RegExp, text: string): boolean {
  re.lastIndex = 0;
  const hit = re.test(text);
  re.lastIndex = 0;
  return hit;
}

/** Text with every value of the pattern replaced by `by`. */
export function redactText(re: RegExp, text: string, by = '[erased]'): string {
  re.lastIndex = 0;
  return text.replace(re, by);
}
