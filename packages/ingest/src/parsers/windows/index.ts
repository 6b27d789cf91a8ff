/**
 * @module
 * Windows events as JSON, in two shapes that produce the SAME flat field names (the ones Sigma
 * rules use: `Channel`, `EventID`, `Provider_Name`, `Computer`, `EventRecordID`, `TimeCreated`,
 * ... and every EventData/UserData name at the top level):
 * - evtx_dump-style nested JSON: `{"Event":{"System":{...},"EventData":{...}}}` (or `UserData`);
 * - Winlogbeat/NXLog flat JSON, whose field names vary by collector and year.
 */
import type { FormatPlugin, ParsedRecord, RecordParser, Result } from '@intersoc/core';
import { eventTime } from '../../internal/time.js';
import { isObject, own, parseJson } from '../../internal/fields.js';
import { parsed, rejected, SKIP } from '../../internal/record.js';
import { firstNonSpace, isBlank } from '../../internal/text.js';
import { windowsEcs } from './ecs.js';
import { flattenFlat } from './flat.js';
import { flattenNested } from './nested.js';

const FORMAT = 'windows';

/**
 * Parses an evtx_dump-style nested event object (`{"Event":{"System":..,"EventData":..}}`), as
 * the EVTX decoder and `evtx_dump -o json[l]` produce it.
 *
 * @example
 * const r = parseWindowsNested(JSON.parse(line));
 * if (r.ok) r.value.fields['EventID']; // 4688
 */
export function parseWindowsNested(obj: unknown): Result<ParsedRecord> {
  const nested = flattenNested(obj);
  if (!nested.ok) return rejected(FORMAT, nested.reason);
  const fields = nested.fields;
  return parsed(fields, windowsEcs(fields), timeOf(fields['TimeCreated']));
}

/**
 * Parses a flat Winlogbeat/NXLog event object. The object becomes the record's fields and is
 * modified in place (renamed, flattened): pass a copy to keep the original.
 */
export function parseWindowsFlat(obj: unknown): Result<ParsedRecord> {
  if (!isObject(obj)) return rejected(FORMAT, 'record is not a JSON object');
  const { fields } = flattenFlat(obj);
  if (fields['EventID'] === undefined && fields['Channel'] === undefined) {
    return rejected(FORMAT, 'no EventID or Channel (not a Windows event)');
  }
  const time =
    timeOf(fields['TimeCreated']) ?? timeOf(obj['@timestamp']) ?? timeOf(obj['UtcTime']) ?? timeOf(obj['EventTime']);
  return parsed(fields, windowsEcs(fields), time);
}

/** Parses a Windows event object of either shape (a flat object is reused, see `parseWindowsFlat`). */
export function parseWindowsObject(obj: unknown): Result<ParsedRecord> {
  if (isObject(obj) && (isObject(own(obj, 'Event')) || isObject(own(obj, 'System')))) return parseWindowsNested(obj);
  return parseWindowsFlat(obj);
}

function timeOf(v: unknown): number | undefined {
  return typeof v === 'string' || typeof v === 'number' ? eventTime(v) : undefined;
}

/** Opens a parser for one stream of Windows JSON records (one JSON object per framed record). */
function open(): RecordParser {
  return {
    parse(record) {
      if (isBlank(record)) return SKIP;
      const json = parseJson(record);
      if (!json.ok) return rejected(FORMAT, `invalid JSON: ${json.reason}`);
      return parseWindowsObject(json.value);
    },
  };
}

/** Markers of Windows events in the first records of a stream. */
const NESTED_MARKERS = ['"Event"', '"System"', '"EventRecordID"'];
const FLAT_MARKERS = [
  '"EventID"',
  '"event_id"',
  '"Channel"',
  '"log_name"',
  '"winlog"',
  '"computer_name"',
  '"Hostname"',
];

/** Scores a sample: JSON carrying Windows System field names. */
function detect(sample: string): number {
  const start = firstNonSpace(sample.startsWith('Record ') ? sample.slice(sample.indexOf('\n') + 1) : sample);
  if (start !== '{' && start !== '[') return 0;
  let nested = 0;
  for (const m of NESTED_MARKERS) if (sample.includes(m)) nested++;
  if (nested === NESTED_MARKERS.length) return 0.95;
  let flat = 0;
  for (const m of FLAT_MARKERS) if (sample.includes(m)) flat++;
  if (flat >= 2) return 0.9;
  return flat === 1 ? 0.6 : 0;
}

/** The `windows` format plug-in: Windows events as nested (evtx_dump) or flat (Winlogbeat/NXLog) JSON. */
export const windowsFormat: FormatPlugin = {
  name: FORMAT,
  description: 'Windows events as JSON: evtx_dump nested or Winlogbeat/NXLog flat',
  framing: 'json',
  detect,
  open,
};
