/**
 * @module
 * Winlogbeat (6.x `event_data`, 7.x+ `winlog.*`) and NXLog flat JSON to the same field names the
 * nested evtx_dump shape gives: collector-specific spellings (`Hostname`, `computer_name`,
 * `SourceName`, `log_name`, `RecordNumber`, ...) are renamed, event data is lifted to the top.
 */
import type { FieldValue, FlatFields } from '@intersoc/core';
import { decimal, flattenValue, isObject, newFlattenState, own, setField, toScalar } from '../../internal/fields.js';
import type { FlattenState } from '../../internal/fields.js';
import { canonicalChannel } from './channels.js';

/** Top-level spellings of System fields across NXLog and Winlogbeat 6, to the nested names. */
const ALIASES = new Map<string, string>([
  ['Hostname', 'Computer'],
  ['computer_name', 'Computer'],
  ['SourceName', 'Provider_Name'],
  ['source_name', 'Provider_Name'],
  ['ProviderName', 'Provider_Name'],
  ['ProviderGuid', 'Provider_Guid'],
  ['provider_guid', 'Provider_Guid'],
  ['RecordNumber', 'EventRecordID'],
  ['record_number', 'EventRecordID'],
  ['log_name', 'Channel'],
  ['event_id', 'EventID'],
  ['ExecutionProcessID', 'Execution_ProcessID'],
  ['process_id', 'Execution_ProcessID'],
  ['ThreadID', 'Execution_ThreadID'],
  ['thread_id', 'Execution_ThreadID'],
  ['ActivityID', 'Correlation_ActivityID'],
  ['activity_id', 'Correlation_ActivityID'],
  ['RelatedActivityID', 'Correlation_RelatedActivityID'],
  ['related_activity_id', 'Correlation_RelatedActivityID'],
  ['UserID', 'Security_UserID'],
  ['level', 'Level'],
  ['task', 'Task'],
  ['opcode', 'Opcode'],
  ['keywords', 'Keywords'],
  ['version', 'Version'],
  ['message', 'Message'],
]);

/** Members of Winlogbeat 7+'s `winlog` object, to the nested names. */
const WINLOG = new Map<string, string>([
  ['channel', 'Channel'],
  ['event_id', 'EventID'],
  ['computer_name', 'Computer'],
  ['provider_name', 'Provider_Name'],
  ['provider_guid', 'Provider_Guid'],
  ['record_id', 'EventRecordID'],
  ['opcode', 'Opcode'],
  ['task', 'Task'],
  ['keywords', 'Keywords'],
  ['version', 'Version'],
  ['activity_id', 'Correlation_ActivityID'],
  ['related_activity_id', 'Correlation_RelatedActivityID'],
]);

/** Canonical fields whose nested form is an integer. */
const INTEGER_FIELDS = new Set([
  'EventID',
  'EventRecordID',
  'Execution_ProcessID',
  'Execution_ThreadID',
  'Version',
  'Task',
]);

const LEVEL_NAMES = new Map<string, number>([
  ['critical', 1],
  ['error', 2],
  ['warning', 3],
  ['information', 4],
  ['informational', 4],
  ['info', 4],
  ['verbose', 5],
]);

/** Flattens a flat Windows record. `truncated` is set when flattening limits cut data off. */
export function flattenFlat(obj: Record<string, unknown>): { fields: FlatFields; truncated: boolean } {
  const out: FlatFields = {};
  const st = newFlattenState();
  let eventData: Record<string, unknown> | undefined;
  let userData: Record<string, unknown> | undefined;
  let hostText: string | undefined;
  const keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const v = obj[k];
    const alias = ALIASES.get(k);
    if (alias !== undefined) {
      putCanonical(out, alias, v, st);
    } else if (k === 'event_data' || k === 'EventData') {
      if (isObject(v)) eventData = v;
      else flattenValue(out, v, k, 0, st);
    } else if (k === 'user_data' || k === 'UserData') {
      if (isObject(v)) userData = v;
      else flattenValue(out, v, k, 0, st);
    } else if (k === 'winlog' && isObject(v)) {
      flattenWinlog(out, v, st);
    } else if (v === null || typeof v !== 'object') {
      if (k === 'Channel' && typeof v === 'string') out['Channel'] = canonicalChannel(v);
      else if (INTEGER_FIELDS.has(k)) out[k] = integer(v);
      else if (k === 'Level') out['Level'] = level(v);
      else setField(out, k, toScalar(v));
      if (k === 'host' && typeof v === 'string') hostText = v;
    } else {
      flattenValue(out, v, k, 1, st);
    }
  }
  if (eventData !== undefined) lift(out, eventData, st);
  if (userData !== undefined) lift(out, userData, st);
  // NXLog's `host` is the collector; it stands for the computer only when nothing better exists.
  if (out['Computer'] === undefined) {
    const hostName = hostText ?? out['host.name'];
    if (typeof hostName === 'string') out['Computer'] = hostName;
  }
  if (out['TimeCreated'] === undefined) {
    const ts = obj['@timestamp'];
    if (typeof ts === 'string') out['TimeCreated'] = ts;
  }
  return { fields: out, truncated: st.truncated };
}

function putCanonical(out: FlatFields, name: string, v: unknown, st: FlattenState): void {
  // The first spelling wins: a record with both `Hostname` and `computer_name` keeps the first.
  if (Object.prototype.hasOwnProperty.call(out, name)) return;
  if (v !== null && typeof v === 'object') {
    flattenValue(out, v, name, 1, st);
    return;
  }
  if (name === 'Channel' && typeof v === 'string') out[name] = canonicalChannel(v);
  else if (INTEGER_FIELDS.has(name)) out[name] = integer(v);
  else if (name === 'Level') out[name] = level(v);
  else out[name] = toScalar(v);
}

function flattenWinlog(out: FlatFields, w: Record<string, unknown>, st: FlattenState): void {
  const keys = Object.keys(w);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const v = w[k];
    const name = WINLOG.get(k);
    if (name !== undefined) {
      putCanonical(out, name, v, st);
    } else if ((k === 'event_data' || k === 'user_data') && isObject(v)) {
      lift(out, v, st);
    } else if (k === 'process' && isObject(v)) {
      const pid = own(v, 'pid');
      if (pid !== undefined) putCanonical(out, 'Execution_ProcessID', pid, st);
      const thread = own(v, 'thread');
      if (isObject(thread) && own(thread, 'id') !== undefined) {
        putCanonical(out, 'Execution_ThreadID', thread['id'], st);
      }
    } else if (k === 'user' && isObject(v) && typeof own(v, 'identifier') === 'string') {
      putCanonical(out, 'Security_UserID', v['identifier'], st);
      flattenValue(out, v, 'winlog.user', 1, st);
    } else {
      flattenValue(out, v, 'winlog.' + k, 1, st);
    }
  }
}

/** Event data members become top-level fields unless a System field already has the name. */
function lift(out: FlatFields, data: Record<string, unknown>, st: FlattenState): void {
  const keys = Object.keys(data);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    if (Object.prototype.hasOwnProperty.call(out, k)) continue;
    const v = data[k];
    if (v === null || typeof v !== 'object') setField(out, k, toScalar(v));
    else flattenValue(out, v, k, 1, st);
  }
}

function integer(v: unknown): FieldValue {
  if (typeof v === 'string') {
    const n = decimal(v);
    if (n !== undefined) return n;
  }
  return toScalar(v);
}

function level(v: unknown): FieldValue {
  if (typeof v === 'string') {
    const n = LEVEL_NAMES.get(v.toLowerCase());
    if (n !== undefined) return n;
  }
  return integer(v);
}
