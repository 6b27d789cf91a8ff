/**
 * @module
 * IBM QRadar LEEF 1.0 and 2.0, bare (`LEEF:2.0|...`) or inside a syslog header.
 */
import type { FlatFields, FormatPlugin, ParsedRecord, ParseResult, RecordParser, Result } from '@intersoc/core';
import type { EcsBuilder } from '../../internal/ecs.js';
import { parsed, rejected, SKIP } from '../../internal/record.js';
import { isBlank, sampleLines } from '../../internal/text.js';
import { parseSyslog } from '../syslog/index.js';
import { parseLeefBody } from './body.js';

const FORMAT = 'leef';

/** Parses one LEEF record, with or without a syslog header. */
export function parseLeef(line: string, now?: number): Result<ParsedRecord> {
  const text = line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
  if (text.startsWith('LEEF:')) {
    const fields: FlatFields = {};
    const ecs: EcsBuilder = {};
    const r = parseLeefBody(text, fields, ecs);
    return r.ok ? parsed(fields, ecs, r.time) : rejected(FORMAT, r.reason);
  }
  const at = text.indexOf('LEEF:');
  if (at < 0) return rejected(FORMAT, 'no LEEF: marker');
  const viaSyslog = parseSyslog(text, now);
  if (viaSyslog.ok && viaSyslog.value.fields['leef.version'] !== undefined) return viaSyslog;
  if (!viaSyslog.ok && viaSyslog.reason.startsWith('leef:')) return viaSyslog;
  const fields: FlatFields = { 'leef.prefix': text.slice(0, at).trimEnd() };
  const ecs: EcsBuilder = {};
  const r = parseLeefBody(text.slice(at), fields, ecs);
  return r.ok ? parsed(fields, ecs, r.time) : rejected(FORMAT, r.reason);
}

function open(): RecordParser {
  return {
    parse(record: string): ParseResult {
      return isBlank(record) ? SKIP : parseLeef(record);
    },
  };
}

function detect(sample: string): number {
  const first = sampleLines(sample, 3)[0] ?? '';
  if (first.startsWith('LEEF:')) return 1;
  const at = first.indexOf('LEEF:');
  return at > 0 && at < 200 && first.indexOf('|', at) > 0 ? 0.9 : 0;
}

/** The `leef` format plug-in: LEEF 1.0 and 2.0, bare or inside a syslog header. */
export const leefFormat: FormatPlugin = {
  name: FORMAT,
  description: 'IBM LEEF 1.0 (tab-delimited) and 2.0 (custom delimiter), bare or in syslog',
  framing: 'line',
  detect,
  open,
};
