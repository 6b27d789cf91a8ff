/**
 * @module
 * Best-effort ECS projection of generic JSON from common field names (`src_ip`, `srcIp`,
 * `SourceIP`, `hostname`, `cmdline`, ...). Lookups are exact-key `Map` hits over precomputed
 * spellings (snake, camel, Pascal, lower, upper), so the hot path allocates nothing per field.
 */
import type { EcsField } from '@intersoc/core';
import { ECS_FIELDS } from '@intersoc/core';

/** ECS field → snake_case source names that usually carry it. */
const COMMON: ReadonlyArray<readonly [EcsField, readonly string[]]> = [
  ['message', ['message', 'msg', 'log']],
  ['host.name', ['hostname', 'host_name', 'computer', 'computer_name', 'device_name', 'host']],
  ['host.ip', ['host_ip', 'device_ip']],
  ['user.name', ['user', 'username', 'user_name', 'account', 'account_name', 'login']],
  ['user.domain', ['user_domain']],
  ['source.ip', ['src', 'src_ip', 'srcip', 'source_ip', 'source_address', 'client_ip', 'remote_ip', 'ip_src']],
  ['source.port', ['src_port', 'srcport', 'sport', 'source_port', 'client_port']],
  ['destination.ip', ['dst', 'dst_ip', 'dstip', 'dest', 'dest_ip', 'destination_ip', 'server_ip', 'ip_dst']],
  ['destination.port', ['dst_port', 'dstport', 'dport', 'dest_port', 'destination_port', 'server_port']],
  ['source.bytes', ['bytes_out', 'sent_bytes', 'src_bytes', 'orig_bytes']],
  ['destination.bytes', ['bytes_in', 'received_bytes', 'dst_bytes', 'resp_bytes']],
  ['network.transport', ['proto', 'protocol', 'transport', 'ip_protocol']],
  ['process.pid', ['pid', 'process_id']],
  ['process.name', ['process', 'process_name', 'comm', 'program']],
  ['process.executable', ['exe', 'executable', 'process_path']],
  ['process.command_line', ['cmdline', 'command_line', 'commandline', 'cmd']],
  ['process.parent.pid', ['ppid', 'parent_pid', 'parent_process_id']],
  ['process.parent.executable', ['parent_image', 'parent_executable']],
  ['process.parent.command_line', ['parent_command_line', 'parent_cmdline']],
  ['file.path', ['file_path', 'filepath', 'filename', 'file_name', 'target_filename']],
  ['file.hash.md5', ['md5']],
  ['file.hash.sha1', ['sha1']],
  ['file.hash.sha256', ['sha256']],
  ['registry.path', ['registry_path', 'registry_key', 'target_object']],
  ['dns.question.name', ['qname', 'dns_query', 'query_name']],
  ['url.full', ['url', 'uri', 'request_url']],
  ['http.request.method', ['method', 'http_method', 'request_method']],
  ['http.response.status_code', ['status', 'status_code', 'http_status', 'response_code']],
  ['user_agent.original', ['user_agent', 'useragent', 'http_user_agent']],
  ['event.code', ['event_id', 'eventid', 'event_code']],
  ['event.action', ['action', 'event_action']],
  ['event.outcome', ['outcome']],
  ['event.severity', ['severity']],
  ['log.level', ['level', 'log_level', 'loglevel']],
  ['rule.name', ['rule', 'rule_name', 'signature']],
];

function spellings(snake: string): string[] {
  const parts = snake.split('_');
  const cap = (p: string): string => p.charAt(0).toUpperCase() + p.slice(1);
  const camel = parts.map((p, i) => (i === 0 ? p : cap(p))).join('');
  const pascal = parts.map(cap).join('');
  return [snake, snake.toUpperCase(), camel, pascal, parts.join(''), pascal.replace(/Ip$/, 'IP')];
}

/** Common names and their spellings → ECS field. The first field listed for a name wins. */
export const COMMON_NAMES: ReadonlyMap<string, EcsField> = (() => {
  const m = new Map<string, EcsField>();
  for (const [field, names] of COMMON) {
    for (const n of names) for (const s of spellings(n)) if (!m.has(s)) m.set(s, field);
  }
  return m;
})();

/** ECS field names as they appear when ECS-shaped JSON is flattened (`source.ip`). */
export const ECS_NAMES: ReadonlySet<string> = new Set<string>(ECS_FIELDS);

/** ECS fields whose value must be an integer. */
export const NUMERIC_ECS: ReadonlySet<EcsField> = new Set<EcsField>([
  'source.port',
  'destination.port',
  'source.bytes',
  'destination.bytes',
  'process.pid',
  'process.parent.pid',
  'http.response.status_code',
]);
