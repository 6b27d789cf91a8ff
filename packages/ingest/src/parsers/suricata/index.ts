/**
 * @module
 * Suricata EVE JSON (one object per line): the 5-tuple, `event_type` → `event.action` and
 * `event.category`, and per-type projections (alert signature and severity, flow bytes and
 * duration, DNS query, HTTP URL/method/status/user agent, file names and hashes).
 */
import type { FormatPlugin, ParsedRecord, RecordParser, Result } from '@intersoc/core';
import { eventTime } from '../../internal/time.js';
import { cleanIp, putEcs, toInt, toPort, transportName } from '../../internal/ecs.js';
import type { EcsBuilder } from '../../internal/ecs.js';
import { flattenOwned, isObject, newFlattenState, parseJson } from '../../internal/fields.js';
import { parsed, rejected, SKIP } from '../../internal/record.js';
import { isBlank, sampleLines } from '../../internal/text.js';
import type { FlatFields } from '@intersoc/core';

const FORMAT = 'suricata';

/** `event_type` → ECS `event.category`. */
const CATEGORY = new Map<string, string>([
  ['alert', 'intrusion_detection'],
  ['anomaly', 'intrusion_detection'],
  ['drop', 'intrusion_detection'],
  ['flow', 'network'],
  ['netflow', 'network'],
  ['dns', 'network'],
  ['http', 'web'],
  ['http2', 'web'],
  ['tls', 'network'],
  ['ssh', 'network'],
  ['smtp', 'email'],
  ['fileinfo', 'file'],
  ['stats', 'host'],
]);

/** True for objects shaped like an EVE record (cheap checks for the generic JSON hand-off). */
export function looksLikeSuricata(o: Record<string, unknown>): boolean {
  return (
    typeof o['event_type'] === 'string' &&
    typeof o['timestamp'] === 'string' &&
    (o['src_ip'] !== undefined || o['flow_id'] !== undefined || o['event_type'] === 'stats')
  );
}

/** Parses one EVE object; the object is reused (flattened in place) as the record's fields. */
export function parseSuricataObject(o: Record<string, unknown>): Result<ParsedRecord> {
  const type = o['event_type'];
  if (typeof type !== 'string') return rejected(FORMAT, 'no event_type');
  const host = o['host'];
  const timestamp = o['timestamp'];
  const fields = flattenOwned(o, newFlattenState());
  const ecs: EcsBuilder = {};
  ecs['event.action'] = type;
  const category = CATEGORY.get(type);
  if (category !== undefined) ecs['event.category'] = category;
  putEcs(ecs, 'host.name', typeof host === 'string' ? host : undefined);
  putEcs(ecs, 'source.ip', cleanIp(fields['src_ip']));
  putEcs(ecs, 'source.port', toPort(fields['src_port']));
  putEcs(ecs, 'destination.ip', cleanIp(fields['dest_ip']));
  putEcs(ecs, 'destination.port', toPort(fields['dest_port']));
  putEcs(ecs, 'network.transport', transportName(fields['proto']));
  const app = fields['app_proto'];
  putEcs(ecs, 'network.protocol', typeof app === 'string' ? app.toLowerCase() : undefined);
  byType(ecs, fields, type);
  return parsed(fields, ecs, eventTime(timestamp));
}

function byType(ecs: EcsBuilder, f: FlatFields, type: string): void {
  putEcs(ecs, 'rule.name', f['alert.signature']);
  putEcs(ecs, 'event.severity', toInt(f['alert.severity']));
  putEcs(ecs, 'source.bytes', toInt(f['flow.bytes_toserver']));
  putEcs(ecs, 'destination.bytes', toInt(f['flow.bytes_toclient']));
  const start = eventTime(f['flow.start'] ?? f['netflow.start']);
  const end = eventTime(f['flow.end'] ?? f['netflow.end']);
  if (start !== undefined && end !== undefined && end >= start) ecs['event.duration'] = (end - start) * 1e6;
  if (type === 'dns') {
    putEcs(ecs, 'dns.question.name', f['dns.rrname'] ?? f['dns.queries.0.rrname']);
    putEcs(ecs, 'network.protocol', 'dns');
  }
  const host = f['http.hostname'];
  const url = f['http.url'];
  if (typeof url === 'string') {
    if (typeof host === 'string' && url.startsWith('/')) {
      const port = ecs['destination.port'];
      const scheme = port === 443 ? 'https' : 'http';
      const suffix = port === undefined || port === 80 || port === 443 ? '' : `:${port}`;
      putEcs(ecs, 'url.full', `${scheme}://${host}${suffix}${url}`);
    } else {
      putEcs(ecs, 'url.full', url);
    }
  }
  putEcs(ecs, 'http.request.method', f['http.http_method']);
  putEcs(ecs, 'http.response.status_code', toInt(f['http.status']));
  putEcs(ecs, 'user_agent.original', f['http.http_user_agent']);
  putEcs(ecs, 'file.path', f['fileinfo.filename']);
  putEcs(ecs, 'file.hash.md5', f['fileinfo.md5']);
  putEcs(ecs, 'file.hash.sha1', f['fileinfo.sha1']);
  putEcs(ecs, 'file.hash.sha256', f['fileinfo.sha256']);
}

function open(): RecordParser {
  return {
    parse(record) {
      if (isBlank(record)) return SKIP;
      const json = parseJson(record);
      if (!json.ok) return rejected(FORMAT, `invalid JSON: ${json.reason}`);
      if (!isObject(json.value)) return rejected(FORMAT, 'record is not a JSON object');
      return parseSuricataObject(json.value);
    },
  };
}

function detect(sample: string, name?: string): number {
  const lines = sampleLines(sample, 3);
  const first = lines[0];
  if (first === undefined || !first.trimStart().startsWith('{')) return 0;
  if (first.includes('"event_type"') && (first.includes('"src_ip"') || first.includes('"flow_id"'))) return 0.95;
  if (first.includes('"event_type"') && first.includes('"timestamp"')) return 0.8;
  return name !== undefined && /eve.*\.json/i.test(name) ? 0.6 : 0;
}

/** The `suricata` format plug-in: EVE JSON. */
export const suricataFormat: FormatPlugin = {
  name: FORMAT,
  description: 'Suricata EVE JSON (alert, flow, dns, http, tls, fileinfo, ...)',
  framing: 'line',
  detect,
  open,
};
