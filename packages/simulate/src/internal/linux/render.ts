/**
 * @module
 * Renders Linux records: syslog in RFC 5424 (as rsyslog forwards with its protocol-23 format,
 * which keeps the year and zone, unlike RFC 3164) and auditd raw lines
 * (`type=... msg=audit(<epoch>.<ms>:<serial>): ...`).
 */
import type { AuditPending, SyslogPending } from '../engine/scheduler.js';

/** RFC 5424 timestamp with millisecond precision and explicit UTC offset. */
function stamp(t: number): string {
  return `${new Date(t).toISOString().slice(0, 23)}+00:00`;
}

/** One syslog line. */
export function renderSyslog(p: SyslogPending, t: number): string {
  return `<${p.pri}>1 ${stamp(t)} ${p.host.name} ${p.app} ${p.pid ?? '-'} - - ${p.msg}`;
}

/** The lines of one auditd event, sharing `serial`. */
export function renderAudit(p: AuditPending, t: number, serial: number): string[] {
  const sec = Math.floor(t / 1000);
  const head = `msg=audit(${sec}.${String(t - sec * 1000).padStart(3, '0')}:${serial}): `;
  return p.lines.map(([type, body]) => `type=${type} ${head}${body}`);
}
