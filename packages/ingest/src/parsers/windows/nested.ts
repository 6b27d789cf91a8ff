/**
 * @module
 * evtx_dump-style nested JSON (`{"Event":{"System":{...},"EventData":{...}}}`) to the flat Windows
 * field names Sigma rules use: `Channel`, `EventID`, `Provider_Name`, `Computer`, ... plus every
 * EventData/UserData name at the top level.
 */
import type { FlatFields } from '@intersoc/core';
import { decimal, flattenValue, isObject, newFlattenState, own, setField, toScalar } from '../../internal/fields.js';
import type { FlattenState } from '../../internal/fields.js';
import { canonicalChannel } from './channels.js';
import { stripSpaces } from './field-names.js';

/** Flattening state plus the event data names seen with spaces (rare: Defender's `New Value`). */
interface EventDataState extends FlattenState {
  spaced?: string[];
}

const ATTRS = '#attributes';
const TEXT = '#text';

/** Result of flattening a nested event: fields or why the shape is not one. */
export type NestedFields = { ok: true; fields: FlatFields; truncated: boolean } | { ok: false; reason: string };

/** Flattens `{"Event":{...}}` (or the bare `{"System":..}` inner object). */
export function flattenNested(obj: unknown): NestedFields {
  if (!isObject(obj)) return { ok: false, reason: 'record is not a JSON object' };
  const ev = isObject(own(obj, 'Event')) ? (obj['Event'] as Record<string, unknown>) : obj;
  const system = own(ev, 'System');
  if (!isObject(system)) return { ok: false, reason: 'no Event.System object' };
  const out: FlatFields = {};
  const st = newFlattenState();
  flattenSystem(out, system, st);
  const data = own(ev, 'EventData');
  if (isObject(data)) flattenEventData(out, data, st);
  else if (typeof data === 'string' && data.length > 0) putIfAbsent(out, 'EventData', data);
  const user = own(ev, 'UserData');
  if (isObject(user)) flattenUserData(out, user, st);
  const err = own(ev, 'ProcessingErrorData');
  if (isObject(err)) flattenChildren(out, err, '', st);
  return { ok: true, fields: out, truncated: st.truncated };
}

/** System: `Provider.#attributes.Name` → `Provider_Name`, `TimeCreated.#attributes.SystemTime` → `TimeCreated`. */
function flattenSystem(out: FlatFields, sys: Record<string, unknown>, st: FlattenState): void {
  const keys = Object.keys(sys);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const v = sys[k];
    if (k === 'EventID') {
      out['EventID'] = eventIdOf(v, out);
    } else if (k === 'TimeCreated') {
      const t = attr(v, 'SystemTime');
      if (t !== undefined) out['TimeCreated'] = t;
    } else if (k === 'Channel') {
      if (typeof v === 'string') out['Channel'] = canonicalChannel(v);
      else if (v !== null && v !== undefined) out['Channel'] = toScalar(v);
    } else if (isObject(v)) {
      // Provider, Execution, Security, Correlation: their attributes become `<Element>_<Attribute>`.
      const attrs = own(v, ATTRS);
      if (isObject(attrs)) {
        const names = Object.keys(attrs);
        for (let j = 0; j < names.length; j++) {
          const a = names[j] as string;
          const av = attrs[a];
          if (av === null || typeof av !== 'object') setField(out, k + '_' + a, toScalar(av));
        }
      }
      const text = own(v, TEXT);
      if (text !== undefined && (text === null || typeof text !== 'object')) setField(out, k, toScalar(text));
    } else if (v !== null && v !== undefined) {
      if (Array.isArray(v)) flattenValue(out, v, k, 1, st);
      else setField(out, k, toScalar(v));
    }
  }
}

/** `4688`, `"4688"` or `{"#attributes":{"Qualifiers":..},"#text":4688}` → 4688. */
function eventIdOf(v: unknown, out: FlatFields): number | string | null {
  if (isObject(v)) {
    const q = attr(v, 'Qualifiers');
    if (q !== undefined && q !== null && q !== '') out['EventID_Qualifiers'] = q;
    return eventIdOf(own(v, TEXT), out);
  }
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return decimal(v) ?? v;
  return null;
}

function attr(v: unknown, name: string): string | number | null | undefined {
  if (!isObject(v)) return undefined;
  const attrs = own(v, ATTRS);
  if (!isObject(attrs)) return undefined;
  const a = own(attrs, name);
  if (a === undefined) return undefined;
  const s = toScalar(a);
  return typeof s === 'boolean' ? String(s) : s;
}

/**
 * EventData members become top-level fields. Unnamed `<Data>` elements render as `Data` (a string or
 * an array); `Data` items shaped `{"#attributes":{"Name":n},"#text":v}` are named fields.
 */
function flattenEventData(out: FlatFields, data: Record<string, unknown>, st: EventDataState): void {
  const keys = Object.keys(data);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    if (k === ATTRS) continue;
    const v = data[k];
    if (k === 'Data' && Array.isArray(v)) {
      flattenDataArray(out, v as unknown[], st);
    } else if (k === 'Data' && isObject(v) && own(v, TEXT) !== undefined) {
      const name = attr(v, 'Name');
      putData(out, typeof name === 'string' && name.length > 0 ? name : 'Data', toScalar(own(v, TEXT)), st);
    } else if (v === null || typeof v !== 'object') {
      putData(out, k, toScalar(v), st);
    } else if (!Object.prototype.hasOwnProperty.call(out, k)) {
      flattenValue(out, v, k, 2, st);
    }
  }
  if (st.spaced !== undefined) stripSpaces(out, st.spaced);
}

function flattenDataArray(out: FlatFields, items: unknown[], st: EventDataState): void {
  const unnamed: (string | number | boolean | null)[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (isObject(item)) {
      const name = attr(item, 'Name');
      const text = own(item, TEXT);
      if (typeof name === 'string' && name.length > 0)
        putData(out, name, toScalar(text === undefined ? null : text), st);
      else if (text !== undefined) unnamed.push(toScalar(text));
      else flattenValue(out, item, 'Data.' + i, 3, st);
    } else {
      unnamed.push(toScalar(item));
    }
  }
  if (unnamed.length > 0) putIfAbsent(out, 'Data', unnamed);
}

/** UserData holds one element (e.g. `LogFileCleared`) whose children become top-level fields. */
function flattenUserData(out: FlatFields, user: Record<string, unknown>, st: FlattenState): void {
  const keys = Object.keys(user);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    if (k === ATTRS) continue;
    const v = user[k];
    if (isObject(v)) flattenChildren(out, v, '', st);
    else putIfAbsent(out, k, toScalar(v));
  }
}

function flattenChildren(out: FlatFields, obj: Record<string, unknown>, prefix: string, st: FlattenState): void {
  const keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    if (k === ATTRS) continue;
    const v = obj[k];
    const key = prefix === '' ? k : prefix + '.' + k;
    if (v === null || typeof v !== 'object') putIfAbsent(out, key, toScalar(v));
    else if (!Object.prototype.hasOwnProperty.call(out, key)) flattenValue(out, v, key, 3, st);
  }
}

/** An event data value; names with spaces are noted for `stripSpaces` once all names are in. */
function putData(out: FlatFields, name: string, value: string | number | boolean | null, st: EventDataState): void {
  if (name.indexOf(' ') !== -1) (st.spaced ??= []).push(name);
  putIfAbsent(out, name, value);
}

/** System fields win over EventData names that collide with them (e.g. an EventData `Channel`). */
function putIfAbsent(
  out: FlatFields,
  key: string,
  value: string | number | boolean | null | (string | number | boolean | null)[],
): void {
  if (!Object.prototype.hasOwnProperty.call(out, key)) setField(out, key, value);
}
