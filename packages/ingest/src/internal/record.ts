/**
 * @module
 * Construction of `ParsedRecord`s and failure results without optional `undefined` members
 * (the repository compiles with `exactOptionalPropertyTypes`).
 */
import type { EcsFields, FlatFields, ParsedRecord, Result } from '@intersoc/core';
import { normaliseEntities } from './entities.js';

/**
 * A successful parse. `time` and `label` are only set when defined. Every format passes here, so
 * the ECS projection's host, user and process names are normalised here (see `normaliseEntities`).
 */
export function parsed(
  fields: FlatFields,
  ecs: EcsFields,
  time: number | undefined,
  label?: string,
): { readonly ok: true; readonly value: ParsedRecord } {
  normaliseEntities(ecs);
  let value: ParsedRecord;
  if (time === undefined) value = label === undefined ? { fields, ecs } : { fields, ecs, label };
  else value = label === undefined ? { fields, ecs, time } : { fields, ecs, time, label };
  return { ok: true, value };
}

/** A failed parse with a reason prefixed by the format name, e.g. `cef: header has 5 of 7 fields`. */
export function rejected(format: string, reason: string): { readonly ok: false; readonly reason: string } {
  return { ok: false, reason: `${format}: ${reason}` };
}

/** The skip marker for non-event lines (headers, comments, blank lines). */
export const SKIP = { ok: 'skip' } as const;

/** Narrowing helper for a `Result<ParsedRecord>`. */
export type RecordResult = Result<ParsedRecord>;

/** A short, printable excerpt of untrusted text for reasons. */
export function excerpt(s: string, max = 40): string {
  const cut = s.length > max ? s.slice(0, max) + '…' : s;
  return JSON.stringify(cut);
}
