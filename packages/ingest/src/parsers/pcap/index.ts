/**
 * @module
 * The `pcap` and `pcapng` format plug-ins: a capture becomes one event per bidirectional flow
 * (CICFlowMeter semantics, see `flows.ts`), with ECS `source.*`, `destination.*`,
 * `network.transport` and `event.duration`, and the CIC-IDS2017 features as fields under the
 * `cic.` prefix (`cic.Flow Duration`, `cic.Fwd IAT Mean`, ...), so that a model trained on the
 * CIC-IDS2017 CSVs scores them. Frames that cannot be decoded are counted and reported as one
 * dead letter per capture; a truncated capture keeps every flow before the cut.
 */
import type { BinaryDecoder, FlatFields, FormatPlugin, ParseResult, RecordParser } from '@intersoc/core';
import type { EcsBuilder } from '../../internal/ecs.js';
import { setField } from '../../internal/fields.js';
import { parsed } from '../../internal/record.js';
import { readCapture } from './capture.js';
import { CIC_FEATURES, FlowAssembler, type FlowOptions, type FlowRecord } from './flows.js';
import { decodeFrame, Reassembler } from './packet.js';

/** Field prefix of the CIC-IDS2017 features on flow events. */
export const CIC_PREFIX = 'cic.';

/** What one pass over a capture found. */
export interface CaptureFlows {
  readonly flows: FlowRecord[];
  /** Frames read from the container. */
  readonly frames: number;
  /** IP packets that reached the flow assembler (reassembled datagrams count once). */
  readonly packets: number;
  /** Frames without an IP packet to count (ARP, unsupported link types, held fragments). */
  readonly skipped: number;
  /** Frames that could not be decoded, and the first reasons. */
  readonly bad: number;
  readonly problems: string[];
  /** Flows of a single packet, not reported (as CICFlowMeter). */
  readonly dropped: number;
}

/**
 * Reads a whole capture into flows.
 * @example
 * const { flows } = captureFlows(readFileSync('trace.pcapng'));
 */
export function captureFlows(bytes: Uint8Array, options: FlowOptions = {}): CaptureFlows {
  const flows: FlowRecord[] = [];
  const stats = scan(bytes, options, (f) => flows.push(f));
  return { flows, ...stats };
}

function scan(bytes: Uint8Array, options: FlowOptions, emit: (f: FlowRecord) => void): Omit<CaptureFlows, 'flows'> {
  const assembler = new FlowAssembler(options);
  const frags = new Reassembler();
  let frames = 0;
  let packets = 0;
  let skipped = 0;
  let bad = 0;
  const problems: string[] = [];
  for (const item of readCapture(bytes)) {
    if (!item.ok) {
      problems.push(`offset ${item.offset}: ${item.reason}`);
      continue;
    }
    frames++;
    const r = decodeFrame(item.frame, frags);
    if (r.ok === true) {
      packets++;
      for (const f of assembler.add(r.packet)) emit(f);
    } else if (r.ok === 'skip') skipped++;
    else {
      bad++;
      if (problems.length < 5) problems.push(`frame ${frames}: ${r.reason}`);
    }
    if ((frames & 0x3fff) === 0) frags.expire(item.frame.micros);
  }
  for (const f of assembler.finish()) emit(f);
  return { frames, packets, skipped, bad, problems, dropped: assembler.dropped };
}

const TRANSPORTS: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'ipv6-icmp' };

/** CICFlowMeter's timestamp text (UTC here): `2017-07-06 12:39:06.818901`. */
function cicTime(micros: number): string {
  const iso = new Date(Math.floor(micros / 1000)).toISOString();
  const us = String(Math.floor(micros % 1e6)).padStart(6, '0');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${us}`;
}

/** The event fields and ECS projection of one flow. */
export function flowEvent(f: FlowRecord): { fields: FlatFields; ecs: EcsBuilder } {
  const fields: FlatFields = {
    [`${CIC_PREFIX}Flow ID`]: f.id,
    [`${CIC_PREFIX}Src IP`]: f.src,
    [`${CIC_PREFIX}Src Port`]: f.srcPort,
    [`${CIC_PREFIX}Dst IP`]: f.dst,
    [`${CIC_PREFIX}Dst Port`]: f.dstPort,
    [`${CIC_PREFIX}Protocol`]: f.protocol,
    [`${CIC_PREFIX}Timestamp`]: cicTime(f.start),
    'flow.end_reason': f.end,
    'network.iana_number': f.protocol,
    'network.packets': f.features['Total Fwd Packet'] + f.features['Total Bwd packets'],
    'source.packets': f.features['Total Fwd Packet'],
    'destination.packets': f.features['Total Bwd packets'],
  };
  for (const name of CIC_FEATURES) fields[CIC_PREFIX + name] = f.features[name];
  return { fields, ecs: flowEcs(fields) };
}

/** The ECS projection of a flow's fields (also used when a stored flow is read back). */
function flowEcs(fields: FlatFields): EcsBuilder {
  const num = (k: string): number => (typeof fields[k] === 'number' ? fields[k] : 0);
  const text = (k: string): string => (typeof fields[k] === 'string' ? fields[k] : '');
  const protocol = num(`${CIC_PREFIX}Protocol`);
  const ecs: EcsBuilder = {
    'source.ip': text(`${CIC_PREFIX}Src IP`),
    'destination.ip': text(`${CIC_PREFIX}Dst IP`),
    'source.bytes': num(`${CIC_PREFIX}Total Length of Fwd Packet`),
    'destination.bytes': num(`${CIC_PREFIX}Total Length of Bwd Packet`),
    'network.transport': TRANSPORTS[protocol] ?? String(protocol),
    'event.duration': num(`${CIC_PREFIX}Flow Duration`) * 1000,
    'event.category': 'network',
    'event.action': 'flow',
  };
  if (protocol === 6 || protocol === 17) {
    ecs['source.port'] = num(`${CIC_PREFIX}Src Port`);
    ecs['destination.port'] = num(`${CIC_PREFIX}Dst Port`);
  }
  return ecs;
}

/**
 * Stored flow events keep their fields as JSON (`raw`); this parser reads them back (search and
 * indexing re-derive fields from `raw`).
 */
function openStored(): RecordParser {
  return {
    parse(raw: string): ParseResult {
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        return { ok: false, reason: 'pcap: stored flow is not JSON' };
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return { ok: false, reason: 'pcap: stored flow is not an object' };
      }
      const fields: FlatFields = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v === 'number' || typeof v === 'string') setField(fields, k, v);
      }
      return parsed(fields, flowEcs(fields), undefined);
    },
  };
}

function* decodeAll(bytes: Uint8Array, format: string): Generator<ParseResult> {
  const flows: FlowRecord[] = [];
  const stats = scan(bytes, {}, (f) => flows.push(f));
  for (const f of flows) {
    const { fields, ecs } = flowEvent(f);
    const r = parsed(fields, ecs, Math.floor(f.start / 1000));
    yield { ok: true, value: { ...r.value, raw: JSON.stringify(fields) } };
  }
  if (stats.problems.length > 0 || stats.bad > 0) {
    const what = stats.bad > 0 ? `${stats.bad} of ${stats.frames} frames could not be decoded; ` : '';
    yield { ok: false, reason: `${format}: ${what}${stats.problems.join('; ')}` };
  }
}

function plugin(name: 'pcap' | 'pcapng', magic: number[], description: string): FormatPlugin {
  const ext = name === 'pcap' ? /\.(pcap|cap|dmp)$/i : /\.pcapng$/i;
  return {
    name,
    description,
    framing: 'binary',
    magic: Uint8Array.from(magic),
    detect: (_sample: string, file?: string) => (file !== undefined && ext.test(file) ? 0.9 : 0),
    openBinary(): BinaryDecoder {
      return { decode: (bytes) => decodeAll(bytes, name) };
    },
    open: openStored,
  };
}

/**
 * Classic pcap captures → flow events. Detected by the little-endian microsecond magic; the
 * decoder reads every pcap variant (big-endian, nanosecond), which `--format pcap` selects.
 */
export const pcapFormat: FormatPlugin = plugin(
  'pcap',
  [0xd4, 0xc3, 0xb2, 0xa1],
  'packet captures (pcap) as CICFlowMeter flows with the CIC-IDS2017 features',
);

/** pcapng captures → flow events. */
export const pcapngFormat: FormatPlugin = plugin(
  'pcapng',
  [0x0a, 0x0d, 0x0d, 0x0a],
  'packet captures (pcapng) as CICFlowMeter flows with the CIC-IDS2017 features',
);
