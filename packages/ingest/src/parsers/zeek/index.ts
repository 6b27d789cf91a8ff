/**
 * @module
 * Zeek logs: TSV with `#` headers (stateful per stream) and JSON. The log path (`conn`, `dns`,
 * `http`, ...) comes from `#path`, a JSON record's `_path`, or the stream's file name.
 */
import type { FlatFields, FormatPlugin, OpenOptions, ParseResult, RecordParser } from '@intersoc/core';
import { parseTime } from '@intersoc/core';
import { isObject, parseJson } from '../../internal/fields.js';
import { parsed, rejected, SKIP } from '../../internal/record.js';
import { isBlank, sampleLines } from '../../internal/text.js';
import { pathFromName, zeekEcs } from './ecs.js';
import { parseZeekObject } from './json.js';
import { applyHeader, decodeLine, defaultHeader } from './tsv.js';

const FORMAT = 'zeek';

/** Opens a parser for one Zeek log stream (TSV or JSON lines). */
export function openZeek(options: OpenOptions = {}): RecordParser {
  const namePath = pathFromName(options.name);
  const header = defaultHeader(namePath);
  return {
    parse(record: string): ParseResult {
      if (isBlank(record)) return SKIP;
      const line = record.charCodeAt(record.length - 1) === 13 ? record.slice(0, -1) : record;
      const c0 = line.charCodeAt(0);
      if (c0 === 35 /* # */) {
        applyHeader(header, line);
        return SKIP;
      }
      if (c0 === 123 /* { */) {
        const json = parseJson(line);
        if (!json.ok) return rejected(FORMAT, `invalid JSON: ${json.reason}`);
        if (!isObject(json.value)) return rejected(FORMAT, 'record is not a JSON object');
        return parseZeekObject(json.value, namePath);
      }
      const names = header.fields;
      if (names === undefined) return rejected(FORMAT, 'data line before a #fields header');
      const fields: FlatFields = {};
      const count = decodeLine(header, line, fields);
      if (count !== names.length) return rejected(FORMAT, `line has ${count} of ${names.length} fields`);
      if (header.path !== undefined) fields['_path'] = header.path;
      const ts = fields['ts'];
      return parsed(fields, zeekEcs(fields, header.path), typeof ts === 'number' ? parseTime(ts) : undefined);
    },
  };
}

function detect(sample: string, name?: string): number {
  if (sample.startsWith('#separator')) return 1;
  const lines = sampleLines(sample, 2);
  const first = lines[0] ?? '';
  if (first.startsWith('#fields\t') || first.startsWith('#path\t')) return 0.95;
  if (first.startsWith('{') && first.includes('"uid"') && first.includes('"id.orig_h"')) return 0.95;
  if (first.startsWith('{') && first.includes('"_path"') && first.includes('"ts"')) return 0.9;
  return pathFromName(name) !== undefined && first.startsWith('{') && first.includes('"ts"') ? 0.6 : 0;
}

/** The `zeek` format plug-in: TSV logs with `#fields` headers, and JSON logs. */
export const zeekFormat: FormatPlugin = {
  name: FORMAT,
  description: 'Zeek logs: TSV with #fields/#types headers, or JSON',
  framing: 'line',
  detect,
  open: openZeek,
};
