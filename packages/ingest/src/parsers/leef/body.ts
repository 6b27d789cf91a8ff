/**
 * @module
 * The LEEF record (`LEEF:Version|Vendor|Product|Version|EventID|[Delimiter|]attributes`): LEEF 1.0
 * attributes are tab-delimited; LEEF 2.0 may name its own delimiter, as a character or in hex
 * (`x09`, `0x09`). Standard attribute names are mapped to ECS.
 */
import type { FlatFields } from '@intersoc/core';
import { parseDeviceTime } from '../../internal/device-time.js';
import { cleanIp, putEcs, toInt, toPort, transportName } from '../../internal/ecs.js';
import type { EcsBuilder } from '../../internal/ecs.js';
import { setField } from '../../internal/fields.js';

const HEADER_NAMES = ['leef.version', 'leef.vendor', 'leef.product', 'leef.product_version', 'leef.event_id'];

/** Standard LEEF attributes → ECS. */
const ECS_KEYS = new Map<string, keyof EcsBuilder>([
  ['src', 'source.ip'],
  ['srcPort', 'source.port'],
  ['dst', 'destination.ip'],
  ['dstPort', 'destination.port'],
  ['usrName', 'user.name'],
  ['accountName', 'user.name'],
  ['proto', 'network.transport'],
  ['srcBytes', 'source.bytes'],
  ['dstBytes', 'destination.bytes'],
  ['sev', 'event.severity'],
  ['url', 'url.full'],
  ['identHostName', 'host.name'],
  ['domain', 'user.domain'],
  ['action', 'event.action'],
  ['resource', 'file.path'],
  ['userAgent', 'user_agent.original'],
  ['method', 'http.request.method'],
]);

/** Outcome of parsing a LEEF body. */
export type LeefBody = { ok: true; time: number | undefined } | { ok: false; reason: string };

/** Parses `LEEF:...` (the text must start with `LEEF:`) into fields and ECS. */
export function parseLeefBody(text: string, fields: FlatFields, ecs: EcsBuilder): LeefBody {
  const header: string[] = [];
  let i = 5;
  while (header.length < 5) {
    const p = text.indexOf('|', i);
    if (p < 0) return { ok: false, reason: `header has ${header.length + (i < text.length ? 1 : 0)} of 5 fields` };
    header.push(text.slice(i, p));
    i = p + 1;
  }
  const version = header[0] as string;
  if (version !== '1.0' && version !== '2.0' && version !== '1' && version !== '2') {
    return { ok: false, reason: `unsupported version ${JSON.stringify(version.slice(0, 20))}` };
  }
  let delimiter = '\t';
  if (version.startsWith('2')) {
    const p = text.indexOf('|', i);
    // The optional delimiter field is short and followed by a pipe: `^|`, `x09|`, `0x7C|`.
    if (p >= i && p - i <= 4 && !text.slice(i, p).includes('=')) {
      const d = delimiterOf(text.slice(i, p));
      if (d === undefined) return { ok: false, reason: `bad delimiter ${JSON.stringify(text.slice(i, p))}` };
      delimiter = d;
      i = p + 1;
    }
  }
  for (let k = 0; k < 5; k++) fields[HEADER_NAMES[k] as string] = header[k] as string;
  if (delimiter !== '\t') fields['leef.delimiter'] = delimiter;
  putEcs(ecs, 'event.code', header[4]);
  putEcs(ecs, 'event.provider', header[2]);
  parseAttributes(text.slice(i), delimiter, fields, ecs);
  const time = parseDeviceTime(fields['devTime']);
  return { ok: true, time };
}

function delimiterOf(s: string): string | undefined {
  if (s.length === 0) return '\t';
  if (s.length === 1) return s;
  const hex =
    s.startsWith('0x') || s.startsWith('0X')
      ? s.slice(2)
      : s.startsWith('x') || s.startsWith('X')
        ? s.slice(1)
        : undefined;
  if (hex === undefined || hex.length === 0 || hex.length > 4) return undefined;
  const code = parseInt(hex, 16);
  if (!Number.isFinite(code) || !/^[0-9a-fA-F]+$/.test(hex)) return undefined;
  return String.fromCharCode(code);
}

function parseAttributes(s: string, delimiter: string, fields: FlatFields, ecs: EcsBuilder): void {
  let start = 0;
  while (start <= s.length) {
    let end = s.indexOf(delimiter, start);
    if (end < 0) end = s.length;
    const pair = s.slice(start, end);
    const eq = pair.indexOf('=');
    if (eq > 0) {
      const key = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (!Object.prototype.hasOwnProperty.call(fields, key)) {
        setField(fields, key, value);
        project(key, value, ecs);
      }
    }
    start = end + delimiter.length;
  }
}

function project(key: string, value: string, ecs: EcsBuilder): void {
  const field = ECS_KEYS.get(key);
  if (field === undefined) return;
  switch (field) {
    case 'source.port':
    case 'destination.port':
      putEcs(ecs, field, toPort(value));
      break;
    case 'source.bytes':
    case 'destination.bytes':
    case 'event.severity':
      putEcs(ecs, field, toInt(value));
      break;
    case 'source.ip':
    case 'destination.ip':
      putEcs(ecs, field, cleanIp(value));
      break;
    case 'network.transport':
      putEcs(ecs, field, transportName(value));
      break;
    default:
      putEcs(ecs, field, value);
  }
}
