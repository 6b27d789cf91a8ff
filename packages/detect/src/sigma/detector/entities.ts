/**
 * @module
 * Entities (host, user, address, process, file, hash, registry key, domain, URL) taken from a
 * matched event, so alerts can be grouped into incidents by what they are about.
 */
import { accountName, shortHostName, type Entity, type EntityType } from '@intersoc/core';
import type { EventView } from '../compile/event-view.js';

const SOURCES: readonly (readonly [EntityType, string, string?])[] = [
  ['host', 'Computer'],
  ['host', 'host.name'],
  ['host', 'Hostname'],
  ['user', 'TargetUserName', 'target'],
  ['user', 'SubjectUserName', 'subject'],
  ['user', 'User'],
  ['user', 'user.name'],
  ['ip', 'IpAddress', 'source'],
  ['ip', 'SourceIp', 'source'],
  ['ip', 'DestinationIp', 'destination'],
  ['ip', 'source.ip', 'source'],
  ['ip', 'destination.ip', 'destination'],
  ['ip', 'src_ip', 'source'],
  ['ip', 'dst_ip', 'destination'],
  ['process', 'Image'],
  ['process', 'NewProcessName'],
  ['process', 'process.executable'],
  ['process', 'ParentImage', 'parent'],
  ['process', 'ParentProcessName', 'parent'],
  ['process', 'SourceImage', 'source'],
  ['process', 'TargetImage', 'target'],
  ['file', 'TargetFilename'],
  ['file', 'ImageLoaded'],
  ['file', 'file.path'],
  ['registry', 'TargetObject'],
  ['registry', 'registry.path'],
  ['domain', 'QueryName'],
  ['domain', 'dns.question.name'],
  ['domain', 'DestinationHostname'],
  ['url', 'url.full'],
  ['url', 'c-uri'],
];

const EMPTY = new Set(['', '-', 'n/a', 'null', '::1', '127.0.0.1', '0.0.0.0']);

function first(v: string | readonly string[] | null | undefined): string | undefined {
  if (v === null || v === undefined) return undefined;
  return typeof v === 'string' ? v : v[0];
}

/** Entities named by an event's fields, without duplicates. */
export function eventEntities(ev: EventView): Entity[] {
  const out: Entity[] = [];
  const seen = new Set<string>();
  const add = (type: EntityType, value: string, role?: string): void => {
    const v = value.trim();
    if (EMPTY.has(v.toLowerCase())) return;
    // One machine or account under several spellings (`WKS-03.corp.example.com` in Computer,
    // `wks-03` in host.name; `CORP\rconti` in User, `rconti` in user.name) is one entity.
    const key = type === 'host' ? shortHostName(v) : type === 'user' ? accountName(v) : v.toLowerCase();
    const k = `${type}\u0000${key}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.push(role === undefined ? { type, value: v } : { type, value: v, role });
  };
  for (const [type, field, role] of SOURCES) {
    const v = first(ev.text(field));
    if (v !== undefined) add(type, v, role);
  }
  const hashes = first(ev.text('Hashes')) ?? first(ev.text('Hash'));
  if (hashes) {
    for (const part of hashes.split(',')) {
      const [algo, value] = part.split('=');
      if (value && algo && /^(md5|sha1|sha256|imphash)$/i.test(algo.trim()))
        add('hash', value, algo.trim().toLowerCase());
    }
  }
  for (const f of ['file.hash.md5', 'file.hash.sha1', 'file.hash.sha256']) {
    const v = first(ev.text(f));
    if (v) add('hash', v, f.slice(10));
  }
  return out;
}

/** Entity type suggested by a group-by field name (for correlation alerts). */
export function entityTypeOfField(field: string): EntityType | undefined {
  const f = field.toLowerCase();
  if (/(computer|host|workstation|hostname)/.test(f)) return 'host';
  if (/(user|account|principal)/.test(f)) return 'user';
  if (/(^|[._-])ip($|[._-]|address)|ipaddress|src_ip|dst_ip/.test(f)) return 'ip';
  if (/(image|process)/.test(f)) return 'process';
  if (/(domain|query)/.test(f)) return 'domain';
  return undefined;
}
