import { describe, expect, it } from 'vitest';
import type { AppError } from '@intersoc/core';
import { checkQueryCost, type QueryLimits } from './cost.js';
import { parseQuery } from './parse.js';

const limits: QueryLimits = { maxWildcardSegments: 16, maxClauses: 20, maxDepth: 6, leadingWildcardMaxDays: 31 };
const DAY = 86_400_000;
const now = Date.UTC(2024, 4, 1);

function refusal(q: string, window?: { from?: number; to?: number }): AppError | undefined {
  try {
    checkQueryCost(parseQuery(q), limits, window && { ...window, now });
    return undefined;
  } catch (err) {
    return err as AppError;
  }
}

describe('expensive queries', () => {
  it('refuses the reported 200-segment and 40-segment wildcards, naming the limit', () => {
    for (const n of [200, 40]) {
      const err = refusal(`${'*a'.repeat(n)}*b`);
      expect(err?.code).toBe('EXPENSIVE_QUERY');
      expect(err?.message).toMatch(/wildcard segments \(limit 16\)/);
      expect(err?.details).toEqual({ limit: 'search.maxWildcardSegments', max: 16, found: n + 2 });
    }
    expect(refusal(`process.command_line:${'*a'.repeat(15)}`)).toBeUndefined();
  });

  it('refuses too many terms and too deep a nesting', () => {
    expect(refusal(Array.from({ length: 21 }, (_, i) => `w${i}`).join(' OR '))?.details?.['limit']).toBe(
      'search.maxClauses',
    );
    expect(refusal(Array.from({ length: 20 }, (_, i) => `w${i}`).join(' OR '))).toBeUndefined();
    const deep = refusal('a AND (b OR (c AND NOT (d OR (e AND NOT (f OR g)))))');
    expect(deep?.details?.['limit']).toBe('search.maxDepth');
    expect(deep?.message).toMatch(/flatten/);
  });

  it('refuses an unprunable leading wildcard over an unbounded or too wide range', () => {
    const open = refusal('process.command_line:*lsass*', {});
    expect(open?.details).toEqual({ limit: 'search.leadingWildcardMaxDays', max: 31, found: 'unbounded' });
    expect(open?.message).toMatch(/time range of at most 31 days/);
    expect(refusal('*lsass*', { from: now - 40 * DAY })?.details?.['found']).toBe(40);
    // A range within the limit, or a word the term index can use, makes it acceptable.
    expect(refusal('*lsass*', { from: now - 7 * DAY })).toBeUndefined();
    expect(refusal('*lsass* AND powershell', {})).toBeUndefined();
    // Alert searches (no window) do not walk blocks, so the rule does not apply to them.
    expect(refusal('*lsass*')).toBeUndefined();
  });

  it('leaves ordinary queries alone', () => {
    for (const q of ['', 'host.name:wks-01 AND event.code:4625', '"mimikatz"', 'user.name:*', 'power*', 'a OR b']) {
      expect(refusal(q, {}), q).toBeUndefined();
    }
  });
});
