/**
 * @module
 * The CEF record itself (`CEF:Version|Vendor|Product|Version|Signature ID|Name|Severity|Extension`):
 * header pipes with `\|` and `\\` escapes; extension `key=value` pairs whose values may hold spaces
 * and the escapes `\=`, `\\`, `\n`, `\r`; the standard keys mapped to ECS.
 */
import type { FlatFields } from '@intersoc/core';
import { parseDeviceTime } from '../../internal/device-time.js';
import { cleanIp, putEcs, toInt, toPort, transportName } from '../../internal/ecs.js';
import type { EcsBuilder } from '../../internal/ecs.js';
import { setField } from '../../internal/fields.js';

const HEADER_NAMES = [
  'cef.version',
  'cef.device_vendor',
  'cef.device_product',
  'cef.device_version',
  'cef.signature_id',
  'cef.name',
  'cef.severity',
];

/** Standard CEF extension keys → ECS. */
const ECS_KEYS = new Map<string, keyof EcsBuilder>([
  ['src', 'source.ip'],
  ['spt', 'source.port'],
  ['dst', 'destination.ip'],
  ['dpt', 'destination.port'],
  ['suser', 'user.name'],
  ['duser', 'user.target.name'],
  ['dvchost', 'host.name'],
  ['dvc', 'host.ip'],
  ['proto', 'network.transport'],
  ['app', 'network.protocol'],
  ['act', 'event.action'],
  ['outcome', 'event.outcome'],
  ['request', 'url.full'],
  ['requestMethod', 'http.request.method'],
  ['requestClientApplication', 'user_agent.original'],
  ['filePath', 'file.path'],
  ['fname', 'file.path'],
  ['sproc', 'process.name'],
  ['spid', 'process.pid'],
  ['dproc', 'process.name'],
  ['dpid', 'process.pid'],
  ['msg', 'message'],
  ['in', 'source.bytes'],
  ['out', 'destination.bytes'],
]);

const SEVERITY_NAMES = new Map<string, number>([
  ['unknown', 0],
  ['low', 3],
  ['medium', 6],
  ['high', 8],
  ['very-high', 10],
]);

/** Outcome of parsing a CEF body. */
export type CefBody = { ok: true; time: number | undefined } | { ok: false; reason: string };

/** Parses `CEF:...` (the text must start with `CEF:`) into fields and ECS. */
export function parseCefBody(text: string, fields: FlatFields, ecs: EcsBuilder): CefBody {
  const header: string[] = [];
  let i = 4;
  let cur = '';
  while (header.length < 7 && i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */ && i + 1 < text.length) {
      const next = text.charAt(i + 1);
      cur += next === '|' || next === '\\' ? next : '\\' + next;
      i += 2;
    } else if (c === 124 /* | */) {
      header.push(cur);
      cur = '';
      i++;
    } else {
      const p = nextSpecial(text, i);
      cur += text.slice(i, p);
      i = p;
    }
  }
  // A record without extension may omit the pipe after the severity.
  if (header.length === 6 && cur.length > 0 && i >= text.length) {
    header.push(cur);
    cur = '';
  }
  if (header.length < 7) {
    return { ok: false, reason: `header has ${header.length + (cur.length > 0 ? 1 : 0)} of 7 fields` };
  }
  const version = header[0] as string;
  if (!isVersion(version))
    return { ok: false, reason: `version ${JSON.stringify(version.slice(0, 20))} is not a number` };
  for (let k = 0; k < 7; k++) fields[HEADER_NAMES[k] as string] = header[k] as string;
  putEcs(ecs, 'event.code', header[4]);
  putEcs(ecs, 'rule.name', header[5]);
  putEcs(ecs, 'event.provider', header[2]);
  const sev = header[6] as string;
  const sevNum = toInt(sev) ?? SEVERITY_NAMES.get(sev.toLowerCase());
  if (sevNum !== undefined) ecs['event.severity'] = sevNum;
  parseExtension(text.slice(i), fields, ecs);
  let time: number | undefined;
  for (const key of ['rt', 'end', 'start']) {
    time = parseDeviceTime(fields[key]);
    if (time !== undefined) break;
  }
  return { ok: true, time };
}

function isVersion(v: string): boolean {
  if (v.length === 0 || v.length > 8) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c === 46 && i > 0 && i < v.length - 1))) return false;
  }
  return true;
}

function nextSpecial(s: string, from: number): number {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 92 || c === 124) return i;
  }
  return s.length;
}

/** Splits `k1=v 1 k2=v2` at the unescaped `=` of each key; the value runs to the space before the next key. */
function parseExtension(ext: string, fields: FlatFields, ecs: EcsBuilder): void {
  const eqs: number[] = [];
  for (let i = 0; i < ext.length; i++) {
    const c = ext.charCodeAt(i);
    if (c === 92) i++;
    else if (c === 61) eqs.push(i);
  }
  const keys: [number, number][] = [];
  for (const eq of eqs) {
    let s = eq - 1;
    while (s >= 0 && isKeyChar(ext.charCodeAt(s))) s--;
    // A key starts the extension or follows a space; otherwise the '=' belongs to a value.
    if (s + 1 < eq && (s < 0 || ext.charCodeAt(s) === 32)) keys.push([s + 1, eq]);
  }
  const labels = new Map<string, string>();
  const values: [string, string][] = [];
  for (let k = 0; k < keys.length; k++) {
    const [ks, eq] = keys[k] as [number, number];
    const end = k + 1 < keys.length ? (keys[k + 1] as [number, number])[0] - 1 : ext.length;
    const key = ext.slice(ks, eq);
    const value = unescapeValue(ext.slice(eq + 1, Math.max(eq + 1, end)).trimEnd());
    if (key.endsWith('Label')) labels.set(key.slice(0, -5), value);
    values.push([key, value]);
  }
  for (const [key, value] of values) {
    if (Object.prototype.hasOwnProperty.call(fields, key)) continue;
    setField(fields, key, value);
    const label = labels.get(key);
    if (label !== undefined && label.length > 0 && !Object.prototype.hasOwnProperty.call(fields, label)) {
      setField(fields, label, value);
    }
    project(key, value, ecs);
  }
}

function project(key: string, value: string, ecs: EcsBuilder): void {
  if (key === 'fileHash') {
    const field =
      value.length === 32
        ? 'file.hash.md5'
        : value.length === 40
          ? 'file.hash.sha1'
          : value.length === 64
            ? 'file.hash.sha256'
            : undefined;
    if (field !== undefined) putEcs(ecs, field, value.toLowerCase());
    return;
  }
  const field = ECS_KEYS.get(key);
  if (field === undefined) return;
  switch (field) {
    case 'source.port':
    case 'destination.port':
      putEcs(ecs, field, toPort(value));
      break;
    case 'process.pid':
    case 'source.bytes':
    case 'destination.bytes':
      putEcs(ecs, field, toInt(value));
      break;
    case 'source.ip':
    case 'destination.ip':
    case 'host.ip':
      putEcs(ecs, field, cleanIp(value));
      break;
    case 'network.transport':
      putEcs(ecs, field, transportName(value));
      break;
    case 'event.outcome': {
      const v = value.toLowerCase();
      putEcs(
        ecs,
        field,
        v === 'success' || v === 'allowed' ? 'success' : v === 'failure' || v === 'blocked' ? 'failure' : v,
      );
      break;
    }
    default:
      putEcs(ecs, field, value);
  }
}

function isKeyChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 45;
}

function unescapeValue(v: string): string {
  if (v.indexOf('\\') < 0) return v;
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v.charAt(i);
    if (c !== '\\' || i + 1 >= v.length) {
      out += c;
      continue;
    }
    const n = v.charAt(++i);
    out += n === 'n' ? '\n' : n === 'r' ? '\r' : n === '=' || n === '\\' || n === '|' ? n : '\\' + n;
  }
  return out;
}
