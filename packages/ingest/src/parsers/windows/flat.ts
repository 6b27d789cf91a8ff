/**
 * @module
 * Winlogbeat (6.x `event_data`, 7.x+ `winlog.*`) and NXLog flat JSON to the same field names the
 * nested evtx_dump shape gives: collector-specific spellings (`Hostname`, `computer_name`,
 * `SourceName`, `log_name`, `RecordNumber`, ...) are renamed, event data is lifted to the top.
 * The parsed object is reused as the fields (renamed and flattened in place): copying a wide
 * record costs about as much as parsing it.
 */
import type { FieldValue, FlatFields } from '@intersoc/core';
import { decimal, flattenValue, isObject, newFlattenState, own, setField, toScalar } from '../../internal/fields.js';
import type { FlattenState } from '../../internal/fields.js';
import { canonicalChannel } from './channels.js';
import { stripSpaces } from './field-names.js';

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

/** How a canonical field's value is normalised. */
const enum Norm {
  None,
  Channel,
  Integer,
  Level,
}

/** Canonical fields whose value is normalised (the nested form has integers, canonical channels). */
const NORMALISED = new Map<string, Norm>([
  ['Channel', Norm.Channel],
  ['EventID', Norm.Integer],
  ['EventRecordID', Norm.Integer],
  ['Execution_ProcessID', Norm.Integer],
  ['Execution_ThreadID', Norm.Integer],
  ['Version', Norm.Integer],
  ['Task', Norm.Integer],
  ['Level', Norm.Level],
]);

/** What to do with a top-level key: rename it (alias) and/or normalise its value. */
interface Action {
  readonly rename: string | undefined;
  readonly norm: Norm;
}

const ACTIONS: ReadonlyMap<string, Action> = (() => {
  const m = new Map<string, Action>();
  for (const [name, norm] of NORMALISED) m.set(name, { rename: undefined, norm });
  for (const [alias, name] of ALIASES) m.set(alias, { rename: name, norm: NORMALISED.get(name) ?? Norm.None });
  return m;
})();

const LEVEL_NAMES = new Map<string, number>([
  ['critical', 1],
  ['error', 2],
  ['warning', 3],
  ['information', 4],
  ['informational', 4],
  ['info', 4],
  ['verbose', 5],
]);

/**
 * Renames and flattens a flat Windows record in place and returns it as the fields. The caller
 * must own `obj` (e.g. it comes straight from JSON.parse). `truncated` is set when flattening
 * limits cut nested data off.
 */
export function flattenFlat(obj: Record<string, unknown>): { fields: FlatFields; truncated: boolean } {
  const out = obj as FlatFields;
  const st = newFlattenState();
  let containers: Record<string, unknown>[] | undefined;
  let spaced: string[] | undefined;
  const keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const v = obj[k];
    // One map lookup per key: most keys are neither aliases nor normalised.
    const action = ACTIONS.get(k);
    if (action !== undefined) {
      const alias = action.rename;
      // The first spelling present wins; a losing spelling keeps its own name.
      if (alias !== undefined && !Object.prototype.hasOwnProperty.call(obj, alias)) {
        delete obj[k];
        putCanonical(out, alias, v, st);
        continue;
      }
      if (alias === undefined && (v === null || typeof v !== 'object')) {
        out[k] = normalise(action.norm, v);
        continue;
      }
    }
    if (v === null || typeof v !== 'object') {
      if (typeof v === 'number' && !Number.isFinite(v)) out[k] = String(v);
      // NXLog puts event data at the top level, names with spaces included.
      if (k.indexOf(' ') !== -1) (spaced ??= []).push(k);
      continue;
    }
    if (Array.isArray(v)) {
      delete obj[k];
      flattenValue(out, v, k, 1, st);
    } else if (k === 'event_data' || k === 'EventData' || k === 'user_data' || k === 'UserData') {
      delete obj[k];
      (containers ??= []).push(v as Record<string, unknown>);
    } else if (k === 'winlog') {
      delete obj[k];
      containers = flattenWinlog(out, v as Record<string, unknown>, st, containers);
    } else {
      delete obj[k];
      flattenValue(out, v, k, 1, st);
    }
  }
  if (containers !== undefined) for (const c of containers) spaced = lift(out, c, st, spaced);
  if (spaced !== undefined) stripSpaces(out, spaced);
  // NXLog's `host` is the collector; it stands for the computer only when nothing better exists.
  if (out['Computer'] === undefined) {
    const host = out['host'] ?? out['host.name'];
    if (typeof host === 'string') out['Computer'] = host;
  }
  if (out['TimeCreated'] === undefined) {
    const ts = out['@timestamp'];
    if (typeof ts === 'string') out['TimeCreated'] = ts;
  }
  return { fields: out, truncated: st.truncated };
}

function normalise(norm: Norm, v: unknown): FieldValue {
  switch (norm) {
    case Norm.Channel:
      return typeof v === 'string' ? canonicalChannel(v) : toScalar(v);
    case Norm.Integer:
      return integer(v);
    case Norm.Level:
      return level(v);
    case Norm.None:
      return toScalar(v);
  }
}

function putCanonical(out: FlatFields, name: string, v: unknown, st: FlattenState): void {
  if (Object.prototype.hasOwnProperty.call(out, name)) return;
  if (v !== null && typeof v === 'object') {
    flattenValue(out, v, name, 1, st);
    return;
  }
  out[name] = normalise(NORMALISED.get(name) ?? Norm.None, v);
}

function flattenWinlog(
  out: FlatFields,
  w: Record<string, unknown>,
  st: FlattenState,
  containers: Record<string, unknown>[] | undefined,
): Record<string, unknown>[] | undefined {
  let lifted = containers;
  const keys = Object.keys(w);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const v = w[k];
    const name = WINLOG.get(k);
    if (name !== undefined) {
      putCanonical(out, name, v, st);
    } else if ((k === 'event_data' || k === 'user_data') && isObject(v)) {
      (lifted ??= []).push(v);
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
  return lifted;
}

/**
 * Event data members become top-level fields unless a System field already has the name. Returns
 * `spaced` plus the scalar names with spaces, for `stripSpaces`.
 */
function lift(
  out: FlatFields,
  data: Record<string, unknown>,
  st: FlattenState,
  spaced: string[] | undefined,
): string[] | undefined {
  let names = spaced;
  const keys = Object.keys(data);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    if (Object.prototype.hasOwnProperty.call(out, k)) continue;
    const v = data[k];
    if (v === null || typeof v !== 'object') {
      setField(out, k, toScalar(v));
      if (k.indexOf(' ') !== -1) (names ??= []).push(k);
    } else flattenValue(out, v, k, 1, st);
  }
  return names;
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
