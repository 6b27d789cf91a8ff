/**
 * @module
 * Generic JSON: NDJSON, JSON arrays and concatenated (pretty-printed) values. Objects are flattened
 * to dotted keys; ECS-shaped JSON passes through to the projection, other JSON gets a best-effort
 * projection from common field names. Records that are recognisably Windows events, Suricata EVE
 * or Zeek JSON are handed to those parsers, so a mixed stream (e.g. an HTTP bulk post) still gets
 * their field names.
 */
import type { EcsFields, FlatFields, FormatPlugin, ParsedRecord, RecordParser, Result } from '@intersoc/core';
import { eventTime } from '../../internal/time.js';
import { putEcs, toInt, transportName } from '../../internal/ecs.js';
import type { EcsBuilder } from '../../internal/ecs.js';
import { flattenOwned, isObject, newFlattenState, own, parseJson } from '../../internal/fields.js';
import { isBlank, firstNonSpace } from '../../internal/text.js';
import { parsed, rejected, SKIP } from '../../internal/record.js';
import { looksLikeSuricata, parseSuricataObject } from '../suricata/index.js';
import { parseWindowsObject } from '../windows/index.js';
import { looksLikeZeekJson, parseZeekObject } from '../zeek/json.js';
import { COMMON_NAMES, ECS_NAMES, NUMERIC_ECS } from './common-names.js';

const FORMAT = 'json';

/** Time keys tried in order, top-level or flattened. */
const TIME_KEYS = [
  '@timestamp',
  'timestamp',
  'time',
  'ts',
  'datetime',
  'date',
  'eventTime',
  'event_time',
  'event.created',
  'TimeCreated',
  'created_at',
];

/** Ground-truth labels carried by simulator and replay records: an ATT&CK technique id or `benign`. */
function labelOf(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  if (v === 'benign') return v;
  // T1234 or T1234.567
  if (v.length !== 5 && v.length !== 9) return undefined;
  if (v.charCodeAt(0) !== 84) return undefined;
  for (let i = 1; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (i === 5 ? c !== 46 : c < 48 || c > 57) return undefined;
  }
  return v;
}

/**
 * Parses one generic JSON object (no hand-off to specific formats). The object becomes the
 * record's fields and is flattened in place: pass a copy to keep the original.
 */
export function parseJsonObject(obj: Record<string, unknown>): Result<ParsedRecord> {
  const label = labelOf(own(obj, 'label'));
  const fields = flattenOwned(obj, newFlattenState());
  const ecs = projectCommon(fields);
  let time: number | undefined;
  for (let i = 0; i < TIME_KEYS.length && time === undefined; i++) {
    const v = fields[TIME_KEYS[i] as string];
    if (typeof v === 'string' || typeof v === 'number') time = eventTime(v);
  }
  return parsed(fields, ecs, time, label);
}

/**
 * Parses one JSON value: Windows events, Suricata EVE and Zeek JSON go to their parsers, other
 * objects are parsed generically; non-objects are rejected. Objects are reused as the fields.
 */
export function parseJsonValue(value: unknown): Result<ParsedRecord> {
  if (!isObject(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    return rejected(FORMAT, `record is ${kind}, not an object`);
  }
  if (isWindows(value)) return parseWindowsObject(value);
  if (looksLikeSuricata(value)) return parseSuricataObject(value);
  if (looksLikeZeekJson(value)) return parseZeekObject(value, undefined);
  return parseJsonObject(value);
}

function isWindows(o: Record<string, unknown>): boolean {
  if (isObject(o['Event'])) return isObject((o['Event'] as Record<string, unknown>)['System']);
  if (isObject(o['winlog'])) return true;
  return (
    (o['EventID'] !== undefined && (o['Channel'] !== undefined || o['SourceName'] !== undefined)) ||
    (o['event_id'] !== undefined && o['log_name'] !== undefined)
  );
}

/** ECS names pass through; common names fill what is still unset. */
function projectCommon(fields: FlatFields): EcsFields {
  const ecs: EcsBuilder = {};
  const keys = Object.keys(fields);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const field = ECS_NAMES.has(k) ? (k as keyof EcsBuilder) : COMMON_NAMES.get(k);
    if (field === undefined) continue;
    const v = fields[k];
    if (NUMERIC_ECS.has(field)) {
      const n = toInt(v);
      const inRange =
        field === 'http.response.status_code'
          ? n !== undefined && n >= 100 && n < 600
          : field === 'source.port' || field === 'destination.port'
            ? n !== undefined && n >= 0 && n <= 65535
            : n !== undefined && n >= 0;
      if (inRange) {
        putEcs(ecs, field, n);
      }
    } else if (field === 'network.transport') {
      putEcs(ecs, field, transportName(v));
    } else if (field === 'event.outcome') {
      if (v === 'success' || v === 'failure' || v === 'unknown') putEcs(ecs, field, v);
    } else if (typeof v === 'string' || typeof v === 'number') {
      putEcs(ecs, field, v);
    }
  }
  return ecs;
}

function open(): RecordParser {
  return {
    parse(record) {
      if (isBlank(record)) return SKIP;
      const json = parseJson(record);
      if (!json.ok) return rejected(FORMAT, `invalid JSON: ${json.reason}`);
      return parseJsonValue(json.value);
    },
  };
}

/** Any JSON object or array start scores low, so specific JSON formats win when they match. */
function detect(sample: string): number {
  const c = firstNonSpace(sample);
  if (c !== '{' && c !== '[') return 0;
  // A JSON object start followed by a quoted key is very likely JSON.
  return /^\s*(\[\s*)?\{\s*("|\})/.test(sample) ? 0.5 : 0.2;
}

/** The `json` format plug-in: NDJSON, arrays and concatenated JSON values. */
export const jsonFormat: FormatPlugin = {
  name: FORMAT,
  description: 'JSON objects: NDJSON, arrays, concatenated or pretty-printed values',
  framing: 'json',
  detect,
  open,
};
