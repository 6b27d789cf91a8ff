/**
 * @module
 * ECS projection of Zeek log records from their (flat, dotted) field names, by log path.
 */
import type { EcsFields, FlatFields } from '@intersoc/core';
import { cleanIp, putEcs, toInt, toPort, transportName } from '../../internal/ecs.js';
import type { EcsBuilder } from '../../internal/ecs.js';

/** Log path → ECS `event.category`. */
const CATEGORY = new Map<string, string>([
  ['conn', 'network'],
  ['dns', 'network'],
  ['http', 'web'],
  ['ssl', 'network'],
  ['ssh', 'authentication'],
  ['files', 'file'],
  ['notice', 'intrusion_detection'],
  ['weird', 'network'],
  ['smtp', 'email'],
]);

/** Builds the projection. `path` is the log path (`conn`, `dns`, ...), when known. */
export function zeekEcs(f: FlatFields, path: string | undefined): EcsFields {
  const ecs: EcsBuilder = {};
  putEcs(ecs, 'source.ip', cleanIp(f['id.orig_h']));
  putEcs(ecs, 'source.port', toPort(f['id.orig_p']));
  putEcs(ecs, 'destination.ip', cleanIp(f['id.resp_h']));
  putEcs(ecs, 'destination.port', toPort(f['id.resp_p']));
  putEcs(ecs, 'network.transport', transportName(f['proto']));
  const service = f['service'];
  if (typeof service === 'string') putEcs(ecs, 'network.protocol', service);
  else if (Array.isArray(service) && typeof service[0] === 'string') putEcs(ecs, 'network.protocol', service[0]);
  if (path !== undefined) {
    putEcs(ecs, 'event.action', path);
    const category = CATEGORY.get(path);
    if (category !== undefined) ecs['event.category'] = category;
    if (path !== 'conn' && path !== 'weird' && path !== 'notice' && path !== 'files') {
      putEcs(ecs, 'network.protocol', path);
    }
  }
  putEcs(ecs, 'source.bytes', toInt(f['orig_bytes']));
  putEcs(ecs, 'destination.bytes', toInt(f['resp_bytes']));
  const duration = f['duration'];
  if (typeof duration === 'number' && duration >= 0) ecs['event.duration'] = Math.round(duration * 1e9);
  putEcs(ecs, 'dns.question.name', f['query']);
  const host = f['host'];
  const uri = f['uri'];
  if (typeof uri === 'string') {
    if (typeof host === 'string' && uri.startsWith('/')) putEcs(ecs, 'url.full', `http://${host}${uri}`);
    else putEcs(ecs, 'url.full', uri);
  }
  putEcs(ecs, 'http.request.method', f['method']);
  putEcs(ecs, 'http.response.status_code', toInt(f['status_code']));
  putEcs(ecs, 'user_agent.original', f['user_agent']);
  putEcs(ecs, 'file.path', f['filename']);
  putEcs(ecs, 'file.hash.md5', f['md5']);
  putEcs(ecs, 'file.hash.sha1', f['sha1']);
  putEcs(ecs, 'file.hash.sha256', f['sha256']);
  putEcs(ecs, 'rule.name', f['note'] ?? (path === 'weird' ? f['name'] : undefined));
  putEcs(ecs, 'message', f['msg']);
  putEcs(ecs, 'user.name', f['username'] ?? f['user']);
  if (path === 'ssh') {
    const ok = f['auth_success'];
    if (ok === true) ecs['event.outcome'] = 'success';
    else if (ok === false) ecs['event.outcome'] = 'failure';
  }
  return ecs;
}

/** The log path implied by a file name: `conn.log`, `dns.log.gz`, `http.00:00:00-01:00:00.log`. */
export function pathFromName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  let base = name;
  const slash = Math.max(base.lastIndexOf('/'), base.lastIndexOf('\\'));
  if (slash >= 0) base = base.slice(slash + 1);
  const dot = base.indexOf('.');
  if (dot <= 0) return undefined;
  const rest = base.slice(dot);
  if (!rest.includes('.log') && !rest.includes('.json')) return undefined;
  return base.slice(0, dot);
}
