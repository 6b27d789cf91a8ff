/**
 * @module
 * Syslog: RFC 3164 (BSD) and RFC 5424 with structured data, PRI → facility and severity, the
 * message body, and a few programs recognised (sshd, sudo, PAM, auditd via audispd). CEF and LEEF
 * bodies and audit records inside syslog are parsed by their own parsers, keeping the header.
 */
import type { FlatFields, FormatPlugin, ParsedRecord, ParseResult, RecordParser, Result } from '@intersoc/core';
import { putEcs, toInt } from '../../internal/ecs.js';
import type { EcsBuilder } from '../../internal/ecs.js';
import { setField } from '../../internal/fields.js';
import { parsed, rejected, SKIP } from '../../internal/record.js';
import { isBlank, sampleLines } from '../../internal/text.js';
import { parseAuditBody } from '../auditd/body.js';
import { parseCefBody } from '../cef/body.js';
import { parseLeefBody } from '../leef/body.js';
import { FACILITIES, parseSyslogHeader, SEVERITIES } from './header.js';
import type { SyslogHeader } from './header.js';
import { recogniseProgram } from './programs.js';

const FORMAT = 'syslog';
const AUDIT_APPS = new Set(['audispd', 'audit', 'auditd', 'audisp-syslog']);

/** Adds the syslog header fields (`log.syslog.*`) and their ECS projection. */
export function syslogHeaderFields(h: SyslogHeader, fields: FlatFields, ecs: EcsBuilder): void {
  if (h.pri !== undefined) {
    const facility = h.pri >> 3;
    const severity = h.pri & 7;
    fields['log.syslog.priority'] = h.pri;
    fields['log.syslog.facility.code'] = facility;
    fields['log.syslog.facility.name'] = FACILITIES[facility] ?? String(facility);
    fields['log.syslog.severity.code'] = severity;
    fields['log.syslog.severity.name'] = SEVERITIES[severity] as string;
    ecs['log.level'] = SEVERITIES[severity] as string;
    ecs['event.severity'] = severity;
  }
  if (h.version !== undefined) fields['log.syslog.version'] = h.version;
  if (h.timestamp !== undefined) fields['log.syslog.timestamp'] = h.timestamp;
  if (h.hostname !== undefined) fields['log.syslog.hostname'] = h.hostname;
  if (h.appName !== undefined) fields['log.syslog.appname'] = h.appName;
  if (h.procId !== undefined) fields['log.syslog.procid'] = h.procId;
  if (h.msgId !== undefined) fields['log.syslog.msgid'] = h.msgId;
  if (h.sd !== undefined) {
    for (const [id, params] of h.sd) {
      for (const [name, value] of params) setField(fields, `log.syslog.structured_data.${id}.${name}`, value);
    }
  }
  putEcs(ecs, 'host.name', h.hostname);
  putEcs(ecs, 'process.name', h.appName);
  putEcs(ecs, 'process.pid', toInt(h.procId));
}

/**
 * Parses one syslog message. `now` (epoch ms, default the current time) resolves the year of BSD
 * timestamps.
 */
export function parseSyslog(line: string, now: number = Date.now()): Result<ParsedRecord> {
  const text = line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
  const head = parseSyslogHeader(text, now);
  if (!head.ok) return rejected(FORMAT, head.reason);
  const h = head.header;
  const fields: FlatFields = {};
  const ecs: EcsBuilder = {};
  syslogHeaderFields(h, fields, ecs);
  const msg = h.message;
  let time = h.time;
  if (msg.startsWith('CEF:')) {
    const cef = parseCefBody(msg, fields, ecs);
    if (!cef.ok) return rejected('cef', cef.reason);
    time = cef.time ?? time;
  } else if (msg.startsWith('LEEF:')) {
    const leef = parseLeefBody(msg, fields, ecs);
    if (!leef.ok) return rejected('leef', leef.reason);
    time = leef.time ?? time;
  } else {
    fields['message'] = msg;
    ecs['message'] = msg;
    if ((h.appName !== undefined && AUDIT_APPS.has(h.appName)) || msg.startsWith('type=') || msg.startsWith('node=')) {
      const audit = parseAuditBody(msg, fields, ecs);
      if (audit.ok && audit.time !== undefined) time = audit.time;
      // The syslog host stays the event's host; audit's node= is kept as a field.
      if (h.hostname !== undefined) ecs['host.name'] = h.hostname;
    } else {
      recogniseProgram(h.appName, msg, ecs, fields);
    }
  }
  return parsed(fields, ecs, time);
}

function open(): RecordParser {
  return {
    parse(record: string): ParseResult {
      if (isBlank(record)) return SKIP;
      return parseSyslog(record);
    },
  };
}

const MONTHS = new Set(['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']);

function detect(sample: string): number {
  const lines = sampleLines(sample, 5);
  if (lines.length === 0) return 0;
  let hits = 0;
  for (const l of lines) {
    const pri = l.charCodeAt(0) === 60 && l.indexOf('>') > 1 && l.indexOf('>') <= 4;
    const bsd = MONTHS.has(l.slice(0, 3)) && l.charCodeAt(3) === 32 && l.charAt(8) !== '' && l.charAt(15) !== '';
    if ((pri || bsd) && parseSyslogHeader(l, Date.now()).ok) hits++;
  }
  const ratio = hits / lines.length;
  return ratio >= 0.8 ? 0.8 : ratio >= 0.5 ? 0.5 : 0;
}

/** The `syslog` format plug-in: RFC 3164 and RFC 5424 messages, one per line. */
export const syslogFormat: FormatPlugin = {
  name: FORMAT,
  description: 'Syslog RFC 3164 and RFC 5424 (structured data), one message per line',
  framing: 'line',
  detect,
  open,
};
