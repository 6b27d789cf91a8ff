/**
 * @module
 * The reference validator's check of hash values in patterns (`file:hashes.MD5 = '…'` must look
 * like an MD5), and the walk over a pattern's comparisons it relies on.
 */
import type { Comparison, ComparisonExpression, Literal, ObservationExpression, PatternError } from './ast.js';

/** Hash algorithm → value shape, keyed by the name upper-cased without hyphens or quotes. */
const HASH_CHECKS: Readonly<Record<string, RegExp>> = {
  MD5: /^[a-fA-F0-9]{32}$/,
  MD6: /^(?:[a-fA-F0-9]{32}|[a-fA-F0-9]{40}|[a-fA-F0-9]{56}|[a-fA-F0-9]{64}|[a-fA-F0-9]{96}|[a-fA-F0-9]{128})$/,
  RIPEMD160: /^[a-fA-F0-9]{40}$/,
  SHA1: /^[a-fA-F0-9]{40}$/,
  SHA224: /^[a-fA-F0-9]{56}$/,
  SHA256: /^[a-fA-F0-9]{64}$/,
  SHA384: /^[a-fA-F0-9]{96}$/,
  SHA512: /^[a-fA-F0-9]{128}$/,
  SHA3224: /^[a-fA-F0-9]{56}$/,
  SHA3256: /^[a-fA-F0-9]{64}$/,
  SHA3384: /^[a-fA-F0-9]{96}$/,
  SHA3512: /^[a-fA-F0-9]{128}$/,
  SSDEEP: /^[a-zA-Z0-9/+:.]{1,128}$/,
  WHIRLPOOL: /^[a-fA-F0-9]{128}$/,
};

export function checkHashes(root: ObservationExpression): PatternError | undefined {
  for (const c of comparisons(root)) {
    if (!c.path.steps.some((s) => s.kind === 'key' && s.key === 'hashes')) continue;
    const last = c.path.steps[c.path.steps.length - 1];
    if (!last || last.kind !== 'key') continue;
    const re = HASH_CHECKS[last.key.toUpperCase().replaceAll('-', '')];
    if (!re || c.value === undefined) continue;
    const values = Array.isArray(c.value) ? (c.value as readonly Literal[]) : [c.value as Literal];
    for (const v of values) {
      if (c.operator === 'MATCHES' || c.operator === 'LIKE') continue;
      const text = String(v.value);
      if (!re.test(text)) return { message: `'${text}' is not a valid ${last.key} hash`, line: 1, column: 0 };
    }
  }
  return undefined;
}

/** Every property comparison in a pattern, in source order. */
export function comparisons(expr: ObservationExpression): Comparison[] {
  const out: Comparison[] = [];
  const walkCmp = (c: ComparisonExpression): void => {
    if (c.kind === 'comparison') out.push(c);
    else c.operands.forEach(walkCmp);
  };
  const walk = (e: ObservationExpression): void => {
    if (e.kind === 'observation') walkCmp(e.comparison);
    else if (e.kind === 'qualified') walk(e.expression);
    else e.operands.forEach(walk);
  };
  walk(expr);
  return out;
}
