/**
 * @module
 * Syslog headers: PRI (facility and severity), RFC 5424 (version, timestamp, hostname, app-name,
 * procid, msgid, structured data) and RFC 3164/BSD (`Mmm dd hh:mm:ss host tag[pid]: msg`, also with
 * an RFC 3339 timestamp as rsyslog writes, and without PRI as in /var/log files).
 */
import { parseTime } from '@intersoc/core';
import { parseStructuredData } from './structured-data.js';
import type { StructuredData } from './structured-data.js';

/** The parts of a syslog header. Absent parts are undefined. */
export interface SyslogHeader {
  pri: number | undefined;
  version: number | undefined;
  /** The timestamp as written. */
  timestamp: string | undefined;
  time: number | undefined;
  hostname: string | undefined;
  appName: string | undefined;
  procId: string | undefined;
  msgId: string | undefined;
  sd: StructuredData | undefined;
  message: string;
}

/** Header or the reason it cannot be read. */
export type HeaderResult = { ok: true; header: SyslogHeader } | { ok: false; reason: string };

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Facility names by code (RFC 5424 table 1). */
export const FACILITIES = [
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'cron',
  'authpriv',
  'ftp',
  'ntp',
  'security',
  'console',
  'solaris-cron',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
];

/** Severity names by code. */
export const SEVERITIES = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'informational', 'debug'];

/**
 * Parses a syslog line's header. `now` (epoch ms) picks the year of BSD timestamps, which have
 * none: the latest year that does not put the event more than a day in the future.
 */
export function parseSyslogHeader(line: string, now: number): HeaderResult {
  let i = 0;
  let pri: number | undefined;
  if (line.charCodeAt(0) === 60 /* < */) {
    const close = line.indexOf('>', 1);
    if (close < 2 || close > 4) return { ok: false, reason: 'PRI is not <0-191>' };
    let v = 0;
    for (let k = 1; k < close; k++) {
      const c = line.charCodeAt(k) - 48;
      if (c < 0 || c > 9) return { ok: false, reason: 'PRI is not <0-191>' };
      v = v * 10 + c;
    }
    if (v > 191) return { ok: false, reason: `PRI ${v} out of range 0-191` };
    pri = v;
    i = close + 1;
  }
  // RFC 5424: a version digit followed by a space.
  const c = line.charCodeAt(i);
  if (pri !== undefined && c >= 49 && c <= 57 && line.charCodeAt(i + 1) === 32) {
    return parse5424(line, i, pri);
  }
  if (pri !== undefined && c >= 49 && c <= 57 && line.charCodeAt(i + 2) === 32 && isDigit(line.charCodeAt(i + 1))) {
    return parse5424(line, i, pri);
  }
  return parse3164(line, i, pri, now);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function parse5424(line: string, start: number, pri: number): HeaderResult {
  const parts: string[] = [];
  let i = start;
  // VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID
  for (let k = 0; k < 6; k++) {
    const sp = line.indexOf(' ', i);
    if (sp < 0) return { ok: false, reason: `RFC 5424 header has ${k + (i < line.length ? 1 : 0)} of 7 fields` };
    parts.push(line.slice(i, sp));
    i = sp + 1;
  }
  const nil = (s: string | undefined): string | undefined => (s === undefined || s === '-' ? undefined : s);
  let sd: StructuredData | undefined;
  let message = '';
  if (line.charCodeAt(i) === 45 /* - */) {
    i++;
  } else if (line.charCodeAt(i) === 91 /* [ */) {
    const r = parseStructuredData(line, i);
    if (!r.ok) return { ok: false, reason: `structured data: ${r.reason}` };
    sd = r.sd;
    i = r.end;
  } else if (i < line.length) {
    return { ok: false, reason: 'RFC 5424 structured data must be - or [...]' };
  }
  if (line.charCodeAt(i) === 32) i++;
  message = line.slice(i);
  if (message.charCodeAt(0) === 0xfeff) message = message.slice(1);
  const timestamp = nil(parts[1]);
  const time = timestamp === undefined ? undefined : parseTime(timestamp);
  if (timestamp !== undefined && time === undefined) {
    return { ok: false, reason: `RFC 5424 timestamp ${JSON.stringify(timestamp.slice(0, 40))} is not RFC 3339` };
  }
  return {
    ok: true,
    header: {
      pri,
      version: Number(parts[0]),
      timestamp,
      time,
      hostname: nil(parts[2]),
      appName: nil(parts[3]),
      procId: nil(parts[4]),
      msgId: nil(parts[5]),
      sd,
      message,
    },
  };
}

function parse3164(line: string, start: number, pri: number | undefined, now: number): HeaderResult {
  let i = start;
  let timestamp: string | undefined;
  let time: number | undefined;
  const bsd = bsdTime(line, i, now);
  if (bsd !== undefined) {
    timestamp = line.slice(i, bsd.end);
    time = bsd.time;
    i = bsd.end;
  } else if (isDigit(line.charCodeAt(i)) && line.charCodeAt(i + 4) === 45 && line.charCodeAt(i + 10) === 84) {
    // RFC 3339 timestamp (rsyslog's high-precision format).
    let sp = line.indexOf(' ', i);
    if (sp < 0) sp = line.length;
    const t = parseTime(line.slice(i, sp));
    if (t !== undefined) {
      timestamp = line.slice(i, sp);
      time = t;
      i = sp;
    }
  }
  if (pri === undefined && timestamp === undefined) return { ok: false, reason: 'no PRI and no timestamp' };
  while (line.charCodeAt(i) === 32) i++;
  // HOSTNAME, unless the next word is already the tag (`prog:` or `prog[12]:`).
  let hostname: string | undefined;
  if (timestamp !== undefined) {
    const sp = line.indexOf(' ', i);
    const word = sp < 0 ? line.slice(i) : line.slice(i, sp);
    if (word.length > 0 && !word.endsWith(':') && !word.includes('[') && sp > 0 && !isEmbedded(word)) {
      hostname = word;
      i = sp + 1;
    }
  }
  // TAG[PID]: MSG (CEF and LEEF records may follow the hostname directly)
  let appName: string | undefined;
  let procId: string | undefined;
  let j = isEmbedded(line.slice(i, i + 5)) ? line.length : i;
  const limit = Math.min(line.length, i + 64);
  while (j < limit) {
    const c = line.charCodeAt(j);
    if (c === 58 || c === 91 || c === 32) break;
    j++;
  }
  if (j > i && j < line.length) {
    const c = line.charCodeAt(j);
    if (c === 91) {
      const close = line.indexOf(']', j);
      if (close > j && line.charCodeAt(close + 1) === 58) {
        appName = line.slice(i, j);
        procId = line.slice(j + 1, close);
        i = close + 2;
      }
    } else if (c === 58) {
      appName = line.slice(i, j);
      i = j + 1;
    }
  }
  if (appName !== undefined && line.charCodeAt(i) === 32) i++;
  return {
    ok: true,
    header: {
      pri,
      version: undefined,
      timestamp,
      time,
      hostname,
      appName,
      procId,
      msgId: undefined,
      sd: undefined,
      message: line.slice(i),
    },
  };
}

function isEmbedded(word: string): boolean {
  return word.startsWith('CEF:') || word.startsWith('LEEF:');
}

/** `Mmm dd hh:mm:ss` (day space-padded or not), optionally followed by a year. */
function bsdTime(line: string, i: number, now: number): { time: number; end: number } | undefined {
  const month = MONTHS.indexOf(line.slice(i, i + 3));
  if (month < 0 || line.charCodeAt(i + 3) !== 32) return undefined;
  let k = i + 4;
  if (line.charCodeAt(k) === 32) k++;
  let day = 0;
  while (isDigit(line.charCodeAt(k)) && day < 100) day = day * 10 + (line.charCodeAt(k++) - 48);
  if (day < 1 || day > 31 || line.charCodeAt(k) !== 32) return undefined;
  k++;
  const hh = twoDigits(line, k);
  const mm = twoDigits(line, k + 3);
  const ss = twoDigits(line, k + 6);
  if (hh < 0 || mm < 0 || ss < 0 || line.charCodeAt(k + 2) !== 58 || line.charCodeAt(k + 5) !== 58) return undefined;
  if (hh > 23 || mm > 59 || ss > 60) return undefined;
  k += 8;
  let ms = 0;
  if (line.charCodeAt(k) === 46) {
    // Fractional seconds (some devices): keep milliseconds.
    let digits = 0;
    k++;
    while (isDigit(line.charCodeAt(k))) {
      if (digits < 3) ms = ms * 10 + (line.charCodeAt(k) - 48);
      digits++;
      k++;
    }
    for (; digits < 3; digits++) ms *= 10;
  }
  // An explicit year after the time (`Jan  5 10:00:00 2021 host ...`).
  let year: number | undefined;
  if (line.charCodeAt(k) === 32 && isDigit(line.charCodeAt(k + 1)) && line.charCodeAt(k + 5) === 32) {
    const y = Number(line.slice(k + 1, k + 5));
    if (y >= 1970 && y <= 2200) {
      year = y;
      k += 5;
    }
  }
  if (year === undefined) {
    year = new Date(now).getUTCFullYear();
    if (Date.UTC(year, month, day, hh, mm, ss, ms) > now + 86_400_000) year--;
  }
  return { time: Date.UTC(year, month, day, hh, mm, ss, ms), end: k };
}

function twoDigits(s: string, at: number): number {
  const a = s.charCodeAt(at) - 48;
  const b = s.charCodeAt(at + 1) - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9) return -1;
  return a * 10 + b;
}
