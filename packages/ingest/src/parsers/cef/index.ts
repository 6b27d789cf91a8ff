/**
 * @module
 * ArcSight CEF, bare (`CEF:0|...`) or inside a syslog header (`<134>Jan  5 10:00:00 host CEF:0|...`).
 */
import type { FlatFields, FormatPlugin, ParsedRecord, ParseResult, RecordParser, Result } from '@intersoc/core';
import type { EcsBuilder } from '../../internal/ecs.js';
import { parsed, rejected, SKIP } from '../../internal/record.js';
import { isBlank, sampleLines } from '../../internal/text.js';
import { parseSyslog } from '../syslog/index.js';
import { parseCefBody } from './body.js';

const FORMAT = 'cef';

/** Parses one CEF record, with or without a syslog header. */
export function parseCef(line: string, now?: number): Result<ParsedRecord> {
  const text = line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
  if (text.startsWith('CEF:')) {
    const fields: FlatFields = {};
    const ecs: EcsBuilder = {};
    const r = parseCefBody(text, fields, ecs);
    return r.ok ? parsed(fields, ecs, r.time) : rejected(FORMAT, r.reason);
  }
  const at = text.indexOf('CEF:');
  if (at < 0) return rejected(FORMAT, 'no CEF: marker');
  const viaSyslog = parseSyslog(text, now);
  if (viaSyslog.ok && viaSyslog.value.fields['cef.version'] !== undefined) return viaSyslog;
  if (!viaSyslog.ok && viaSyslog.reason.startsWith('cef:')) return viaSyslog;
  // An unrecognised prefix: parse the CEF part and keep the prefix.
  const fields: FlatFields = { 'cef.prefix': text.slice(0, at).trimEnd() };
  const ecs: EcsBuilder = {};
  const r = parseCefBody(text.slice(at), fields, ecs);
  return r.ok ? parsed(fields, ecs, r.time) : rejected(FORMAT, r.reason);
}

function open(): RecordParser {
  return {
    parse(record: string): ParseResult {
      return isBlank(record) ? SKIP : parseCef(record);
    },
  };
}

function detect(sample: string): number {
  const lines = sampleLines(sample, 3);
  const first = lines[0] ?? '';
  if (first.startsWith('CEF:')) return 1;
  const at = first.indexOf('CEF:');
  return at > 0 && at < 200 && first.indexOf('|', at) > 0 ? 0.9 : 0;
}

/** The `cef` format plug-in: ArcSight Common Event Format, bare or in syslog. */
export const cefFormat: FormatPlugin = {
  name: FORMAT,
  description: 'ArcSight CEF, bare or inside a syslog header',
  framing: 'line',
  detect,
  open,
};
