/**
 * @module
 * Zeek JSON logs (`LogAscii::use_json=T`): flat objects with dotted keys (`id.orig_h`), `ts` as
 * epoch seconds or ISO-8601, sets as arrays, and the log path in `_path` or the file name.
 */
import type { FlatFields, ParsedRecord, Result } from '@intersoc/core';
import { eventTime } from '../../internal/time.js';
import { flattenOwned, newFlattenState } from '../../internal/fields.js';
import { parsed, rejected } from '../../internal/record.js';
import { zeekEcs } from './ecs.js';

/** True for objects shaped like a Zeek JSON record. */
export function looksLikeZeekJson(o: Record<string, unknown>): boolean {
  return o['ts'] !== undefined && (typeof o['uid'] === 'string' || typeof o['_path'] === 'string' || 'id.orig_h' in o);
}

/** Parses one Zeek JSON object (reused as the fields); `path` (from the stream name) is used when the record has no `_path`. */
export function parseZeekObject(o: Record<string, unknown>, path: string | undefined): Result<ParsedRecord> {
  const ts = o['ts'];
  if (ts === undefined) return rejected('zeek', 'no ts field');
  const own = o['_path'];
  const fields: FlatFields = flattenOwned(o, newFlattenState());
  const logPath = typeof own === 'string' ? own : path;
  if (logPath !== undefined && fields['_path'] === undefined) fields['_path'] = logPath;
  return parsed(fields, zeekEcs(fields, logPath), eventTime(ts));
}
