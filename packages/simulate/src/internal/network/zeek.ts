/**
 * @module
 * Zeek telemetry from the network sensor: conn.log flows, dns.log and http.log, as Zeek's
 * JSON writer emits them (one object per line, dotted `id.*` keys, epoch `ts` with microseconds),
 * plus `_path` as JSON-streaming deployments add, so a reader knows the log without the file name.
 */
import type { Ctx, ZeekPending } from '../engine/scheduler.js';

/** Zeek connection states the simulation produces. */
export type ConnState = 'SF' | 'S0' | 'REJ' | 'RSTO' | 'RSTR' | 'SH' | 'OTH';

/** One connection as the sensor saw it. */
export interface Flow {
  readonly src: string;
  readonly sport: number;
  readonly dst: string;
  readonly dport: number;
  readonly proto: 'tcp' | 'udp';
  readonly service?: string | undefined;
  /** Seconds. */
  readonly duration: number;
  readonly origBytes: number;
  readonly respBytes: number;
  readonly state?: ConnState;
  /** ms from now. */
  readonly offset?: number;
}

const HISTORY: Readonly<Record<ConnState, string>> = {
  SF: 'ShADadFf',
  S0: 'S',
  REJ: 'Sr',
  RSTO: 'ShADadR',
  RSTR: 'ShADadr',
  SH: 'ShAF',
  OTH: 'CC',
};

function isLocal(ip: string): boolean {
  return ip.startsWith('10.') || ip.startsWith('192.168.') || ip.startsWith('172.16.');
}

/** JSON members of an object, without the braces. */
function members(o: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(o).slice(1, -1);
}

/** A Zeek connection uid (`C` + 17 base-62 characters). */
export function zeekUid(ctx: Ctx): string {
  return `C${ctx.rng.base62(17)}`;
}

function packets(bytes: number, mss: number): number {
  return bytes === 0 ? 0 : Math.ceil(bytes / mss) + 2;
}

/** Emits a conn.log entry; returns its uid. */
export function conn(ctx: Ctx, f: Flow): string {
  const uid = zeekUid(ctx);
  const state = f.state ?? 'SF';
  const tcp = f.proto === 'tcp';
  const origPkts = tcp ? packets(f.origBytes, 1_380) + 1 : f.origBytes > 0 ? 1 : 0;
  const respPkts = state === 'S0' ? 0 : tcp ? packets(f.respBytes, 1_380) + 1 : f.respBytes > 0 ? 1 : 0;
  const hdr = tcp ? 52 : 28;
  const open = state === 'S0' || state === 'REJ';
  // Serialised by hand: Zeek omits unset fields, and building the object with optional spreads
  // is several times slower than writing the text.
  let body = `"uid":"${uid}","id.orig_h":"${f.src}","id.orig_p":${f.sport},"id.resp_h":"${f.dst}","id.resp_p":${f.dport},"proto":"${f.proto}"`;
  if (f.service !== undefined) body += `,"service":"${f.service}"`;
  if (!open)
    body += `,"duration":${Math.round(f.duration * 1e6) / 1e6},"orig_bytes":${f.origBytes},"resp_bytes":${f.respBytes}`;
  body +=
    `,"conn_state":"${state}","local_orig":${isLocal(f.src)},"local_resp":${isLocal(f.dst)},"missed_bytes":0` +
    `,"history":"${tcp ? HISTORY[state] : f.respBytes > 0 ? 'Dd' : 'D'}","orig_pkts":${origPkts},"orig_ip_bytes":${f.origBytes + origPkts * hdr}` +
    `,"resp_pkts":${respPkts},"resp_ip_bytes":${f.respBytes + respPkts * hdr}`;
  const p: ZeekPending = { kind: 'zeek', log: 'conn', us: ctx.rng.int(0, 499), body };
  ctx.emit(f.offset ?? 0, p);
  return uid;
}

/** A DNS lookup seen on the wire: dns.log plus its udp/53 conn.log entry. */
export function dns(
  ctx: Ctx,
  client: string,
  server: string,
  query: string,
  answers: readonly string[],
  offset = 0,
  qtype: 'A' | 'AAAA' | 'PTR' | 'SRV' = 'A',
): void {
  const sport = ctx.rng.int(49_152, 65_535);
  const rtt = ctx.rng.range(0.0004, 0.03);
  const uid = conn(ctx, {
    src: client,
    sport,
    dst: server,
    dport: 53,
    proto: 'udp',
    service: 'dns',
    duration: rtt,
    origBytes: 30 + query.length,
    respBytes: answers.length === 0 ? 30 + query.length : 46 + query.length + 16 * answers.length,
    offset,
  });
  const qcode = { A: 1, AAAA: 28, PTR: 12, SRV: 33 }[qtype];
  ctx.emit(offset, {
    kind: 'zeek',
    log: 'dns',
    us: ctx.rng.int(0, 499),
    body: members({
      uid,
      'id.orig_h': client,
      'id.orig_p': sport,
      'id.resp_h': server,
      'id.resp_p': 53,
      proto: 'udp',
      trans_id: ctx.rng.int(1, 65_535),
      rtt: Math.round(rtt * 1e6) / 1e6,
      query,
      qclass: 1,
      qclass_name: 'C_INTERNET',
      qtype: qcode,
      qtype_name: qtype,
      rcode: answers.length === 0 ? 3 : 0,
      rcode_name: answers.length === 0 ? 'NXDOMAIN' : 'NOERROR',
      AA: false,
      TC: false,
      RD: true,
      RA: true,
      Z: 0,
      ...(answers.length === 0 ? {} : { answers, TTLs: answers.map(() => ctx.rng.pick([60, 300, 3600, 30, 20])) }),
      rejected: false,
    }),
  });
}

/** One HTTP request/response over port 80. */
export interface HttpRequest {
  readonly src: string;
  readonly dst: string;
  readonly host: string;
  readonly method: 'GET' | 'POST';
  readonly uri: string;
  readonly userAgent: string;
  readonly status: number;
  readonly requestBytes: number;
  readonly responseBytes: number;
  readonly mime: string;
  readonly offset?: number;
}

const STATUS_MSG: Readonly<Record<number, string>> = {
  200: 'OK',
  204: 'No Content',
  304: 'Not Modified',
  404: 'Not Found',
};

/** http.log plus its conn.log entry. */
export function http(ctx: Ctx, r: HttpRequest): void {
  const sport = ctx.rng.int(32_768, 60_999);
  const offset = r.offset ?? 0;
  const uid = conn(ctx, {
    src: r.src,
    sport,
    dst: r.dst,
    dport: 80,
    proto: 'tcp',
    service: 'http',
    duration: ctx.rng.range(0.02, 1.5),
    origBytes: 180 + r.uri.length + r.userAgent.length + r.requestBytes,
    respBytes: 220 + r.responseBytes,
    offset,
  });
  ctx.emit(offset, {
    kind: 'zeek',
    log: 'http',
    us: ctx.rng.int(0, 499),
    body: members({
      uid,
      'id.orig_h': r.src,
      'id.orig_p': sport,
      'id.resp_h': r.dst,
      'id.resp_p': 80,
      trans_depth: 1,
      method: r.method,
      host: r.host,
      uri: r.uri,
      version: '1.1',
      user_agent: r.userAgent,
      request_body_len: r.requestBytes,
      response_body_len: r.responseBytes,
      status_code: r.status,
      status_msg: STATUS_MSG[r.status] ?? 'OK',
      tags: [],
      ...(r.responseBytes > 0 ? { resp_fuids: [`F${ctx.rng.base62(17)}`], resp_mime_types: [r.mime] } : {}),
    }),
  });
}

/** Renders a Zeek entry; `ts` is spliced as text to keep exactly six decimals. */
export function renderZeek(p: ZeekPending, t: number): string {
  const sec = Math.floor(t / 1000);
  const frac = String((t - sec * 1000) * 1000 + p.us).padStart(6, '0');
  return `{"_path":"${p.log}","ts":${sec}.${frac},${p.body}}`;
}
