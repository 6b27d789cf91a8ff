/**
 * @module
 * CIC-IDS2017 flow features from any flow event, so that one model scores flows from every
 * source: our pcap reader (`cic.<column>` fields, exact), CICFlowMeter CSV rows (bare column
 * names, exact, with the original MachineLearningCSV spellings mapped), Zeek `conn` records and
 * Suricata `flow` events (approximate: those logs keep totals, not per-packet series, so only
 * the features derivable from totals are given; the rest stay absent, which the tree evaluator
 * routes as missing). docs/ML-FLOWS.md tabulates the mapping and its limits.
 */
import type { FlatFields } from '@intersoc/core';

/** Feature values by CIC-IDS2017 (improved) column name; absent = unknown for this source. */
export type FlowFeatures = Record<string, number>;

/** Where the features of an event came from. */
export type FlowSource = 'pcap' | 'cic-csv' | 'zeek-conn' | 'suricata-flow';

/** Field prefix of the features on events made by the pcap reader. */
export const CIC_FIELD_PREFIX = 'cic.';

/** Original CIC-IDS2017 (MachineLearningCSV) spellings → the improved release's column names. */
const ALIASES: Readonly<Record<string, string>> = {
  'Total Fwd Packets': 'Total Fwd Packet',
  'Total Backward Packets': 'Total Bwd packets',
  'Total Length of Fwd Packets': 'Total Length of Fwd Packet',
  'Total Length of Bwd Packets': 'Total Length of Bwd Packet',
  'Min Packet Length': 'Packet Length Min',
  'Max Packet Length': 'Packet Length Max',
  'Avg Fwd Segment Size': 'Fwd Segment Size Avg',
  'Avg Bwd Segment Size': 'Bwd Segment Size Avg',
  Init_Win_bytes_forward: 'FWD Init Win Bytes',
  Init_Win_bytes_backward: 'Bwd Init Win Bytes',
  act_data_pkt_fwd: 'Fwd Act Data Pkts',
  min_seg_size_forward: 'Fwd Seg Size Min',
  'CWE Flag Count': 'CWR Flag Count',
  'Fwd Avg Bytes/Bulk': 'Fwd Bytes/Bulk Avg',
  'Fwd Avg Packets/Bulk': 'Fwd Packet/Bulk Avg',
  'Fwd Avg Bulk Rate': 'Fwd Bulk Rate Avg',
  'Bwd Avg Bytes/Bulk': 'Bwd Bytes/Bulk Avg',
  'Bwd Avg Packets/Bulk': 'Bwd Packet/Bulk Avg',
  'Bwd Avg Bulk Rate': 'Bwd Bulk Rate Avg',
};

/** Text or identity columns that are not features. */
const NOT_FEATURES = new Set([
  'id',
  'Flow ID',
  'Src IP',
  'Src Port',
  'Dst IP',
  'Timestamp',
  'Label',
  'Attempted Category',
]);

const PROTOCOLS: Readonly<Record<string, number>> = { icmp: 1, tcp: 6, udp: 17, 'ipv6-icmp': 58, icmpv6: 58 };

/**
 * The flow features an event carries, and where they came from; undefined when the event is
 * not a flow.
 * @example
 * const f = flowFeatures(event.fields); if (f) model.score(f.features);
 */
export function flowFeatures(fields: FlatFields): { source: FlowSource; features: FlowFeatures } | undefined {
  if (typeof fields[`${CIC_FIELD_PREFIX}Flow Duration`] === 'number')
    return { source: 'pcap', features: fromPrefixed(fields) };
  if (typeof fields['Flow Duration'] === 'number') return { source: 'cic-csv', features: fromCsv(fields) };
  if (typeof fields['orig_pkts'] === 'number' && 'id.resp_p' in fields)
    return { source: 'zeek-conn', features: fromZeekConn(fields) };
  if (typeof fields['flow.pkts_toserver'] === 'number')
    return { source: 'suricata-flow', features: fromSuricataFlow(fields) };
  return undefined;
}

function fromPrefixed(fields: FlatFields): FlowFeatures {
  const out: FlowFeatures = {};
  for (const [k, v] of Object.entries(fields)) {
    if (!k.startsWith(CIC_FIELD_PREFIX) || typeof v !== 'number') continue;
    const name = k.slice(CIC_FIELD_PREFIX.length);
    if (!NOT_FEATURES.has(name)) out[name] = v;
  }
  return out;
}

function fromCsv(fields: FlatFields): FlowFeatures {
  const out: FlowFeatures = {};
  for (const [k, v] of Object.entries(fields)) {
    const name = ALIASES[k] ?? k;
    if (NOT_FEATURES.has(name)) continue;
    // CICFlowMeter writes `Infinity`/`NaN` for rates of zero-length flows: unknown.
    if (typeof v === 'number' && Number.isFinite(v)) out[name] = v;
  }
  return out;
}

/** Shared derivations from per-direction totals (payload bytes, packets, duration in µs). */
function fromTotals(
  out: FlowFeatures,
  t: { micros: number; fwdPkts: number; bwdPkts: number; fwdBytes: number; bwdBytes: number; protocol: number },
): void {
  const { micros, fwdPkts, bwdPkts, fwdBytes, bwdBytes, protocol } = t;
  const pkts = fwdPkts + bwdPkts;
  const seconds = micros / 1e6;
  const rate = (x: number): number => (micros > 0 ? x / seconds : 0);
  Object.assign(out, {
    'Flow Duration': micros,
    'Total Fwd Packet': fwdPkts,
    'Total Bwd packets': bwdPkts,
    'Total Length of Fwd Packet': fwdBytes,
    'Total Length of Bwd Packet': bwdBytes,
    'Fwd Packet Length Mean': fwdPkts > 0 ? fwdBytes / fwdPkts : 0,
    'Bwd Packet Length Mean': bwdPkts > 0 ? bwdBytes / bwdPkts : 0,
    'Fwd Segment Size Avg': fwdPkts > 0 ? fwdBytes / fwdPkts : 0,
    'Bwd Segment Size Avg': bwdPkts > 0 ? bwdBytes / bwdPkts : 0,
    'Flow Bytes/s': rate(fwdBytes + bwdBytes),
    'Flow Packets/s': rate(pkts),
    'Fwd Packets/s': rate(fwdPkts),
    'Bwd Packets/s': rate(bwdPkts),
    'Flow IAT Mean': pkts > 1 ? micros / (pkts - 1) : 0,
    'Packet Length Mean': pkts > 0 ? (fwdBytes + bwdBytes) / pkts : 0,
    'Average Packet Size': pkts > 0 ? (fwdBytes + bwdBytes) / pkts : 0,
    'Down/Up Ratio': fwdPkts > 0 ? bwdPkts / fwdPkts : 0,
    'Subflow Fwd Packets': pkts > 0 ? Math.floor(fwdPkts / pkts) : 0,
    'Subflow Fwd Bytes': pkts > 0 ? Math.floor(fwdBytes / pkts) : 0,
    'Subflow Bwd Packets': pkts > 0 ? Math.floor(bwdPkts / pkts) : 0,
    'Subflow Bwd Bytes': pkts > 0 ? Math.floor(bwdBytes / pkts) : 0,
    'Total TCP Flow Time': protocol === 6 ? micros : 0,
  });
}

function num(fields: FlatFields, key: string): number {
  const v = fields[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/**
 * Zeek `conn`: `duration` (s), `orig_/resp_pkts`, `orig_/resp_bytes` (payload), `*_ip_bytes`
 * (IP bytes, so header bytes = ip_bytes − payload − 20 per packet for IPv4), `history` letters
 * (S/s SYN, H SYN-ACK, F/f FIN, R/r RST; upper case = originator) as presence counts.
 */
export function fromZeekConn(fields: FlatFields): FlowFeatures {
  const proto = PROTOCOLS[String(fields['proto'] ?? '').toLowerCase()] ?? 0;
  const fwdPkts = num(fields, 'orig_pkts');
  const bwdPkts = num(fields, 'resp_pkts');
  const out: FlowFeatures = { 'Dst Port': num(fields, 'id.resp_p'), Protocol: proto };
  fromTotals(out, {
    micros: Math.round(num(fields, 'duration') * 1e6),
    fwdPkts,
    bwdPkts,
    fwdBytes: num(fields, 'orig_bytes'),
    bwdBytes: num(fields, 'resp_bytes'),
    protocol: proto,
  });
  const ipHeader = String(fields['id.orig_h'] ?? '').includes(':') ? 40 : 20;
  if (typeof fields['orig_ip_bytes'] === 'number') {
    out['Fwd Header Length'] = Math.max(
      0,
      num(fields, 'orig_ip_bytes') - num(fields, 'orig_bytes') - ipHeader * fwdPkts,
    );
    out['Bwd Header Length'] = Math.max(
      0,
      num(fields, 'resp_ip_bytes') - num(fields, 'resp_bytes') - ipHeader * bwdPkts,
    );
  }
  if (proto === 6) {
    const h = String(fields['history'] ?? '');
    const count = (letters: string): number => [...h].filter((c) => letters.includes(c)).length;
    out['SYN Flag Count'] = count('SsHh');
    out['FIN Flag Count'] = count('Ff');
    out['RST Flag Count'] = count('Rr');
    out['Fwd RST Flags'] = count('R');
    out['Bwd RST Flags'] = count('r');
  }
  const icmp = proto === 1 || proto === 58;
  // Zeek keeps the ICMP type in the originator port and the code in the responder port.
  out['ICMP Type'] = icmp ? num(fields, 'id.orig_p') : -1;
  out['ICMP Code'] = icmp ? num(fields, 'id.resp_p') : -1;
  return out;
}

/** Link + IP + transport header bytes Suricata counts in `bytes_to*` (Ethernet, IPv4, no options). */
const SURICATA_HEADER: Readonly<Record<number, number>> = { 6: 14 + 20 + 20, 17: 14 + 20 + 8, 1: 14 + 20 + 8 };

/**
 * Suricata `flow`: `flow.pkts_/bytes_toserver|toclient` (whole-packet bytes: payload is
 * approximated by removing Ethernet/IPv4/transport headers), `flow.start`/`flow.end`, and
 * `tcp.tcp_flags_ts|tc` (hex, per direction: presence of each flag, not counts).
 */
export function fromSuricataFlow(fields: FlatFields): FlowFeatures {
  const proto = PROTOCOLS[String(fields['proto'] ?? '').toLowerCase()] ?? 0;
  const fwdPkts = num(fields, 'flow.pkts_toserver');
  const bwdPkts = num(fields, 'flow.pkts_toclient');
  const header = SURICATA_HEADER[proto] ?? 14 + 20;
  const start = eveMicros(fields['flow.start']);
  const end = eveMicros(fields['flow.end']);
  const micros = start !== undefined && end !== undefined ? Math.max(0, end - start) : 0;
  const out: FlowFeatures = { 'Dst Port': num(fields, 'dest_port'), Protocol: proto };
  fromTotals(out, {
    micros,
    fwdPkts,
    bwdPkts,
    fwdBytes: Math.max(0, num(fields, 'flow.bytes_toserver') - header * fwdPkts),
    bwdBytes: Math.max(0, num(fields, 'flow.bytes_toclient') - header * bwdPkts),
    protocol: proto,
  });
  if (proto === 6) {
    const ts = parseInt(String(fields['tcp.tcp_flags_ts'] ?? '0'), 16) || 0;
    const tc = parseInt(String(fields['tcp.tcp_flags_tc'] ?? '0'), 16) || 0;
    const both = (bit: number): number => (ts & bit ? 1 : 0) + (tc & bit ? 1 : 0);
    out['FIN Flag Count'] = both(1);
    out['SYN Flag Count'] = both(2);
    out['RST Flag Count'] = both(4);
    out['PSH Flag Count'] = both(8);
    out['ACK Flag Count'] = both(16);
    out['URG Flag Count'] = both(32);
    out['ECE Flag Count'] = both(64);
    out['CWR Flag Count'] = both(128);
    out['Fwd PSH Flags'] = ts & 8 ? 1 : 0;
    out['Bwd PSH Flags'] = tc & 8 ? 1 : 0;
    out['Fwd RST Flags'] = ts & 4 ? 1 : 0;
    out['Bwd RST Flags'] = tc & 4 ? 1 : 0;
  }
  const icmp = proto === 1 || proto === 58;
  out['ICMP Type'] = icmp ? num(fields, 'icmp_type') : -1;
  out['ICMP Code'] = icmp ? num(fields, 'icmp_code') : -1;
  return out;
}

/** EVE time (`2024-01-01T00:00:00.123456+0000`) → epoch µs, keeping the microseconds. */
export function eveMicros(v: unknown): number | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:?\d\d)?$/.exec(String(v ?? ''));
  if (m === null) return undefined;
  const zone = m[3] === undefined || m[3] === 'Z' ? 'Z' : `${m[3].slice(0, 3)}:${m[3].slice(-2)}`;
  const seconds = Date.parse(`${m[1] ?? ''}${zone}`);
  if (!Number.isFinite(seconds)) return undefined;
  return seconds * 1000 + Math.floor(Number(`0.${m[2] ?? '0'}`) * 1e6 + 1e-6);
}
