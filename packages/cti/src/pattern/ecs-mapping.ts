/**
 * @module
 * The ECS ↔ STIX cyber-observable mapping. An event becomes one observation whose SCOs are
 * built from its ECS projection (addresses, traffic, DNS, URL, file, process, user, registry),
 * plus a custom `x-intersoc-event` object exposing every original and ECS field, so a pattern
 * can address any field of any format. The reverse table tells which ECS fields a simple
 * comparison such as `[ipv4-addr:value = '…']` must be looked up in.
 */
import type { EcsField, SocEvent } from '@intersoc/core';
import { parseIPv4, parseIPv6 } from '../indicators/ip.js';
import { observationOf, type Observation, type ObservedObject } from './observation.js';

/** The ECS fields a STIX object path corresponds to (`type:path` → fields). */
export const SCO_TO_ECS: Readonly<Record<string, readonly EcsField[]>> = {
  'ipv4-addr:value': ['source.ip', 'destination.ip', 'host.ip'],
  'ipv6-addr:value': ['source.ip', 'destination.ip', 'host.ip'],
  'network-traffic:src_ref.value': ['source.ip'],
  'network-traffic:dst_ref.value': ['destination.ip'],
  'network-traffic:src_port': ['source.port'],
  'network-traffic:dst_port': ['destination.port'],
  'network-traffic:src_byte_count': ['source.bytes'],
  'network-traffic:dst_byte_count': ['destination.bytes'],
  'domain-name:value': ['dns.question.name'],
  'url:value': ['url.full'],
  'file:hashes.MD5': ['file.hash.md5'],
  'file:hashes.SHA-1': ['file.hash.sha1'],
  'file:hashes.SHA-256': ['file.hash.sha256'],
  'file:name': ['file.path'],
  'process:command_line': ['process.command_line'],
  'process:pid': ['process.pid'],
  'process:image_ref.name': ['process.executable', 'process.name'],
  'process:parent_ref.command_line': ['process.parent.command_line'],
  'process:parent_ref.pid': ['process.parent.pid'],
  'user-account:account_login': ['user.name'],
  'user-account:user_id': ['user.name'],
  'windows-registry-key:key': ['registry.path'],
  'windows-registry-key:values[*].name': ['registry.value'],
};

/** Custom SCO type carrying the whole event. */
export const EVENT_OBJECT_TYPE = 'x-intersoc-event';

type Event = Pick<SocEvent, 'ecs' | 'fields' | 'time'> & Partial<Pick<SocEvent, 'id' | 'source'>>;

function addressObject(ip: string): ObservedObject | undefined {
  if (parseIPv4(ip) !== undefined) return { type: 'ipv4-addr', value: ip };
  if (parseIPv6(ip) !== undefined) return { type: 'ipv6-addr', value: ip };
  return undefined;
}

function basename(p: string): { dir: string; name: string } {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i < 0 ? { dir: '', name: p } : { dir: p.slice(0, i), name: p.slice(i + 1) };
}

/**
 * Maps an event to the cyber-observables its ECS projection describes. Keys are local
 * (`0`, `1`, ...) and `*_ref` properties point at them, as in observed-data's inline objects.
 */
export function eventToObservables(event: Event): Map<string, ObservedObject> {
  const ecs = event.ecs as Partial<Record<EcsField, string | number>>;
  const objects = new Map<string, ObservedObject>();
  let n = 0;
  const put = (o: ObservedObject): string => {
    const key = String(n++);
    objects.set(key, o);
    return key;
  };
  const str = (f: EcsField): string | undefined => (ecs[f] === undefined ? undefined : String(ecs[f]));
  const num = (f: EcsField): number | undefined => {
    const v = ecs[f];
    const x = typeof v === 'number' ? v : v === undefined ? NaN : Number(v);
    return Number.isFinite(x) ? x : undefined;
  };

  const src = str('source.ip');
  const dst = str('destination.ip');
  const srcObj = src === undefined ? undefined : addressObject(src);
  const dstObj = dst === undefined ? undefined : addressObject(dst);
  const srcRef = srcObj ? put(srcObj) : undefined;
  const dstRef = dstObj ? put(dstObj) : undefined;
  const hostIp = str('host.ip');
  if (hostIp !== undefined && hostIp !== src && hostIp !== dst) {
    const h = addressObject(hostIp);
    if (h) put(h);
  }
  const protocols = [str('network.transport'), str('network.protocol')]
    .filter((p): p is string => !!p)
    .map((p) => p.toLowerCase());
  const url = str('url.full');
  const method = str('http.request.method');
  const ua = str('user_agent.original');
  if (srcRef !== undefined || dstRef !== undefined) {
    const traffic: Record<string, unknown> = {
      type: 'network-traffic',
      protocols: protocols.length > 0 ? protocols : ['ip'],
    };
    if (srcRef !== undefined) traffic['src_ref'] = srcRef;
    if (dstRef !== undefined) traffic['dst_ref'] = dstRef;
    const sp = num('source.port');
    const dp = num('destination.port');
    const sb = num('source.bytes');
    const db = num('destination.bytes');
    if (sp !== undefined) traffic['src_port'] = sp;
    if (dp !== undefined) traffic['dst_port'] = dp;
    if (sb !== undefined) traffic['src_byte_count'] = sb;
    if (db !== undefined) traffic['dst_byte_count'] = db;
    if (method !== undefined || url !== undefined || ua !== undefined) {
      traffic['extensions'] = {
        'http-request-ext': {
          request_method: method ?? 'get',
          request_value: url ?? '',
          ...(ua === undefined ? {} : { request_header: { 'User-Agent': ua } }),
        },
      };
    }
    put(traffic);
  }
  const dns = str('dns.question.name');
  if (dns !== undefined) put({ type: 'domain-name', value: dns.replace(/\.$/, '').toLowerCase() });
  if (url !== undefined) {
    put({ type: 'url', value: url });
    try {
      const host = new URL(url).hostname;
      if (host && host !== dns && !addressObject(host)) put({ type: 'domain-name', value: host.toLowerCase() });
    } catch {
      // not an absolute URL; the url object alone carries it
    }
  }
  const filePath = str('file.path');
  const hashes: Record<string, string> = {};
  if (ecs['file.hash.md5'] !== undefined) hashes['MD5'] = String(ecs['file.hash.md5']);
  if (ecs['file.hash.sha1'] !== undefined) hashes['SHA-1'] = String(ecs['file.hash.sha1']);
  if (ecs['file.hash.sha256'] !== undefined) hashes['SHA-256'] = String(ecs['file.hash.sha256']);
  if (filePath !== undefined || Object.keys(hashes).length > 0) {
    const file: Record<string, unknown> = { type: 'file' };
    if (Object.keys(hashes).length > 0) file['hashes'] = hashes;
    if (filePath !== undefined) {
      const { dir, name } = basename(filePath);
      file['name'] = name;
      if (dir) file['parent_directory_ref'] = put({ type: 'directory', path: dir });
    }
    put(file);
  }
  const userName = str('user.name');
  const userRef =
    userName === undefined ? undefined : put({ type: 'user-account', account_login: userName, user_id: userName });
  const processRef = (prefix: 'process' | 'process.parent', parentRef?: string): string | undefined => {
    const exe = str(`${prefix}.executable` as EcsField);
    const name = str(`${prefix}.name` as EcsField);
    const cmd = str(`${prefix}.command_line` as EcsField);
    const pid = num(`${prefix}.pid` as EcsField);
    if (exe === undefined && name === undefined && cmd === undefined && pid === undefined) return undefined;
    const proc: Record<string, unknown> = { type: 'process' };
    if (pid !== undefined) proc['pid'] = pid;
    if (cmd !== undefined) proc['command_line'] = cmd;
    if (exe !== undefined || name !== undefined) {
      const { dir, name: base } = basename(exe ?? (name as string));
      const image: Record<string, unknown> = { type: 'file', name: base };
      if (dir) image['parent_directory_ref'] = put({ type: 'directory', path: dir });
      proc['image_ref'] = put(image);
    }
    if (parentRef !== undefined) proc['parent_ref'] = parentRef;
    if (prefix === 'process' && userRef !== undefined) proc['creator_user_ref'] = userRef;
    return put(proc);
  };
  processRef('process', processRef('process.parent'));
  const regPath = str('registry.path');
  if (regPath !== undefined) {
    const regValue = str('registry.value');
    put({
      type: 'windows-registry-key',
      key: regPath,
      ...(regValue === undefined ? {} : { values: [{ name: regValue }] }),
    });
  }
  put({
    type: EVENT_OBJECT_TYPE,
    ...(event.id === undefined ? {} : { event_id: event.id }),
    ...(event.source === undefined ? {} : { format: event.source.format }),
    ecs: event.ecs,
    fields: event.fields,
  });
  return objects;
}

/** The observation of one event (its observables at the event's time). */
export function observationFromEvent(event: Event): Observation {
  return observationOf(eventToObservables(event), event.time);
}
