/**
 * @module
 * Enrichment of alerts before the incident builder sees them. Detectors name what they saw, but
 * some alerts carry no host (auditd records, correlation alerts grouped by an address); the node
 * fills it in from the triggering event. Remote targets named on a command line (`wmic /node:`,
 * `psexec \\host`, `-ComputerName`) become target entities, so lateral moves become edges.
 */
import type { Alert, Entity, SocEvent } from '@intersoc/core';
import { isInternalIp } from '@intersoc/correlate';

/** Formats whose records are about the host that logged them (not a network sensor's view). */
const HOST_FORMATS = new Set(['windows', 'auditd', 'syslog', 'evtx', 'json']);

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Remote hosts a command line names (`/node:`, `\\host\`, `-ComputerName`, `psexec \\host`) and the account used there. */
export function commandTargets(text: string): Entity[] {
  const out: Entity[] = [];
  const seen = new Set<string>();
  const add = (raw: string): void => {
    const v = raw.replace(/^["']|["']$/g, '').trim();
    if (!v || v === '.' || v.toLowerCase() === 'localhost' || v === '127.0.0.1' || seen.has(v.toLowerCase())) return;
    seen.add(v.toLowerCase());
    out.push({ type: IPV4.test(v) ? 'ip' : 'host', value: v, role: 'target' });
  };
  for (const m of text.matchAll(/\/node:\s*("[^"]+"|[^\s/]+)/gi)) add(m[1] ?? '');
  for (const m of text.matchAll(/-ComputerName\s+("[^"]+"|[^\s]+)/gi)) add(m[1] ?? '');
  for (const m of text.matchAll(/(?:^|[\s"'])\\\\([A-Za-z0-9][A-Za-z0-9.-]{0,252})(?=[\\\s"']|$)/g)) add(m[1] ?? '');
  // The account the remote command runs as (`wmic /user:`, `psexec -u`, `runas /user:`).
  if (out.length > 0) {
    for (const m of text.matchAll(/(?:\/user:|\s-u\s+)("[^"]+"|[^\s/]+)/gi)) {
      const v = (m[1] ?? '').replace(/^"|"$/g, '').trim();
      if (v && !seen.has(`user:${v.toLowerCase()}`)) {
        seen.add(`user:${v.toLowerCase()}`);
        out.push({ type: 'user', value: v, role: 'target' });
      }
    }
  }
  return out;
}

function hostOfEvent(e: SocEvent): Entity | undefined {
  const name = e.ecs['host.name'] ?? e.fields['Computer'] ?? e.fields['Hostname'] ?? e.fields['host'];
  if (typeof name === 'string' && name.trim() !== '') return { type: 'host', value: name.trim() };
  if (!HOST_FORMATS.has(e.source.format)) return undefined;
  const peer = e.source.peer;
  if (peer === undefined || peer === '') return undefined;
  // A syslog sender's address is the host's own; a name is its name.
  return IPV4.test(peer) || peer.includes(':')
    ? { type: 'ip', value: peer, role: 'source' }
    : { type: 'host', value: peer };
}

/**
 * The alert with the entities the builder needs added: the host from the first event when the
 * alert names neither a host nor an address, and remote targets from its command line.
 * `fetch` is only called for alerts without a host (reading an event costs a block decode).
 */
export function enrichAlert(alert: Alert, fetch: (id: string) => SocEvent | undefined): Alert {
  const extra: Entity[] = [];
  const hasHost = alert.entities.some((e) => e.type === 'host' && e.role !== 'target');
  const hasIp = alert.entities.some((e) => e.type === 'ip' && isInternalIp(e.value));
  let commandLine = '';
  if (!hasHost && !hasIp && alert.eventIds[0] !== undefined) {
    const ev = fetch(alert.eventIds[0]);
    if (ev) {
      const h = hostOfEvent(ev);
      if (h) extra.push(h);
      const cl = ev.ecs['process.command_line'] ?? ev.fields['CommandLine'];
      if (typeof cl === 'string') commandLine = cl;
    }
  }
  const marker = alert.summary.indexOf('CommandLine=');
  const text = `${marker >= 0 ? alert.summary.slice(marker + 12) : ''} ${commandLine}`;
  if (text.trim() !== '') {
    for (const t of commandTargets(text)) {
      if (!alert.entities.some((e) => e.value.toLowerCase() === t.value.toLowerCase() && e.role === 'target'))
        extra.push(t);
    }
  }
  return extra.length === 0 ? alert : { ...alert, entities: [...alert.entities, ...extra] };
}
