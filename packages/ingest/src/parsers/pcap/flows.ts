/**
 * @module
 * Bidirectional flows with CICFlowMeter's semantics, as in the improved CIC-IDS2017 release
 * (Engelen et al.): packets of one 5-tuple in either direction form a flow whose forward
 * direction is its first packet's; a flow ends when a packet arrives more than 120 s after its
 * start (that packet opens the next flow, same orientation), on a TCP RST (included), or once
 * both sides sent FIN (the final ACK included). Features are computed once, when the flow ends,
 * under the column names of the CIC-IDS2017 CSV files (`CIC_FEATURES`).
 *
 * Quirks of the tool that produced the training data are kept on purpose so that a model
 * trained on those CSVs sees the same numbers (docs/ML-FLOWS.md lists them): subflow counts are
 * divided by the packet count, `Fwd Act Data Pkts` skips the first packet, `Bwd Init Win Bytes`
 * is the last backward window, active/idle periods are only closed by an idle gap > 5 s, and
 * flows of a single packet are not reported (CICFlowMeter writes flows with > 1 packet).
 */
import { TCP, type Packet } from './packet.js';
import { RunningStat } from './stats.js';

/** The CIC-IDS2017 (improved) numeric feature columns, in the CSV's order. */
export const CIC_FEATURES = [
  'Flow Duration', 'Total Fwd Packet', 'Total Bwd packets', 'Total Length of Fwd Packet', 'Total Length of Bwd Packet',
  'Fwd Packet Length Max', 'Fwd Packet Length Min', 'Fwd Packet Length Mean', 'Fwd Packet Length Std',
  'Bwd Packet Length Max', 'Bwd Packet Length Min', 'Bwd Packet Length Mean', 'Bwd Packet Length Std',
  'Flow Bytes/s', 'Flow Packets/s', 'Flow IAT Mean', 'Flow IAT Std', 'Flow IAT Max', 'Flow IAT Min',
  'Fwd IAT Total', 'Fwd IAT Mean', 'Fwd IAT Std', 'Fwd IAT Max', 'Fwd IAT Min',
  'Bwd IAT Total', 'Bwd IAT Mean', 'Bwd IAT Std', 'Bwd IAT Max', 'Bwd IAT Min',
  'Fwd PSH Flags', 'Bwd PSH Flags', 'Fwd URG Flags', 'Bwd URG Flags', 'Fwd RST Flags', 'Bwd RST Flags',
  'Fwd Header Length', 'Bwd Header Length', 'Fwd Packets/s', 'Bwd Packets/s',
  'Packet Length Min', 'Packet Length Max', 'Packet Length Mean', 'Packet Length Std', 'Packet Length Variance',
  'FIN Flag Count', 'SYN Flag Count', 'RST Flag Count', 'PSH Flag Count', 'ACK Flag Count', 'URG Flag Count',
  'CWR Flag Count', 'ECE Flag Count', 'Down/Up Ratio', 'Average Packet Size', 'Fwd Segment Size Avg',
  'Bwd Segment Size Avg', 'Fwd Bytes/Bulk Avg', 'Fwd Packet/Bulk Avg', 'Fwd Bulk Rate Avg', 'Bwd Bytes/Bulk Avg',
  'Bwd Packet/Bulk Avg', 'Bwd Bulk Rate Avg', 'Subflow Fwd Packets', 'Subflow Fwd Bytes', 'Subflow Bwd Packets',
  'Subflow Bwd Bytes', 'FWD Init Win Bytes', 'Bwd Init Win Bytes', 'Fwd Act Data Pkts', 'Fwd Seg Size Min',
  'Active Mean', 'Active Std', 'Active Max', 'Active Min', 'Idle Mean', 'Idle Std', 'Idle Max', 'Idle Min',
  'ICMP Code', 'ICMP Type', 'Total TCP Flow Time',
] as const; // prettier-ignore

/** One feature column name. */
export type CicFeature = (typeof CIC_FEATURES)[number];

/** Why a flow ended. */
export type FlowEnd = 'timeout' | 'fin' | 'rst' | 'end-of-capture';

/** A finished flow: its 5-tuple (forward = first packet's direction), times and features. */
export interface FlowRecord {
  /** CICFlowMeter's id: `src-dst-srcPort-dstPort-protocol`. */
  readonly id: string;
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly protocol: number;
  /** First and last packet, epoch microseconds. */
  readonly start: number;
  readonly last: number;
  readonly end: FlowEnd;
  readonly features: Readonly<Record<CicFeature, number>>;
}

/** Flow assembly settings (CICFlowMeter's defaults). */
export interface FlowOptions {
  /** Flow timeout from the first packet, µs (120 s). */
  readonly timeoutMicros?: number;
  /** Idle gap that closes an active period, µs (5 s). */
  readonly activityMicros?: number;
  /** Flows with fewer packets are dropped (2, as CICFlowMeter). */
  readonly minPackets?: number;
}

const BULK_GAP = 1e6;

class Bulk {
  state = 0;
  packets = 0;
  bytes = 0;
  duration = 0;
  start = 0;
  last = 0;
  countHelper = 0;
  sizeHelper = 0;

  /** CICFlowMeter's bulk detector: ≥ 4 data packets in one direction, < 1 s apart, uninterrupted. */
  add(micros: number, size: number, otherLast: number): void {
    if (otherLast > this.start) this.start = 0;
    if (size <= 0) return;
    if (this.start === 0 || micros - this.last > BULK_GAP) {
      this.start = micros;
      this.last = micros;
      this.countHelper = 1;
      this.sizeHelper = size;
      return;
    }
    this.countHelper++;
    this.sizeHelper += size;
    if (this.countHelper === 4) {
      this.state++;
      this.packets += this.countHelper;
      this.bytes += this.sizeHelper;
      this.duration += micros - this.start;
    } else if (this.countHelper > 4) {
      this.packets++;
      this.bytes += size;
      this.duration += micros - this.last;
    }
    this.last = micros;
  }
}

class Direction {
  readonly len = new RunningStat();
  readonly iat = new RunningStat();
  lastSeen = -1;
  header = 0;
  psh = 0;
  urg = 0;
  rst = 0;
  window = -1;
  minHeader = 0;
  readonly bulk = new Bulk();
}

/** The state of one open flow. */
class Flow {
  readonly fwd = new Direction();
  readonly bwd = new Direction();
  readonly all = new RunningStat();
  readonly iat = new RunningStat();
  readonly active = new RunningStat();
  readonly idle = new RunningStat();
  readonly flags = new Uint32Array(8);
  startActive: number;
  endActive: number;
  last: number;
  actData = 0;
  finFwd = false;
  finBwd = false;
  icmpType = -1;
  icmpCode = -1;

  constructor(
    readonly key: string,
    readonly src: string,
    readonly dst: string,
    readonly srcPort: number,
    readonly dstPort: number,
    readonly protocol: number,
    readonly start: number,
  ) {
    this.startActive = start;
    this.endActive = start;
    this.last = start;
  }

  get packets(): number {
    return this.fwd.len.n + this.bwd.len.n;
  }

  add(p: Packet, forward: boolean, activityMicros: number): void {
    const first = this.packets === 0;
    const d = forward ? this.fwd : this.bwd;
    const other = forward ? this.bwd : this.fwd;
    d.bulk.add(p.micros, p.payloadLength, other.bulk.last);
    if (!first) {
      this.iat.add(p.micros - this.last);
      if (p.micros - this.endActive > activityMicros) {
        if (this.endActive - this.startActive > 0) this.active.add(this.endActive - this.startActive);
        this.idle.add(p.micros - this.endActive);
        this.startActive = p.micros;
      }
      this.endActive = p.micros;
      if (forward && p.payloadLength >= 1) this.actData++;
    } else if (p.protocol === 1 || p.protocol === 58) {
      this.icmpType = p.icmpType;
      this.icmpCode = p.icmpCode;
    }
    if (d.lastSeen >= 0) d.iat.add(p.micros - d.lastSeen);
    d.lastSeen = p.micros;
    d.minHeader = d.len.n === 0 ? p.headerLength : Math.min(d.minHeader, p.headerLength);
    d.len.add(p.payloadLength);
    this.all.add(p.payloadLength);
    d.header += p.headerLength;
    const f = p.flags;
    if (f & TCP.PSH) d.psh++;
    if (f & TCP.URG) d.urg++;
    if (f & TCP.RST) d.rst++;
    for (let b = 0; b < 8; b++) if (f & (1 << b)) this.flags[b] = (this.flags[b] ?? 0) + 1;
    // The forward window is the first one; the backward one is the last (as in the training data).
    if (forward ? d.window < 0 : true) d.window = p.window;
    if (f & TCP.FIN) {
      if (forward) this.finFwd = true;
      else this.finBwd = true;
    }
    this.last = p.micros;
  }

  record(end: FlowEnd): FlowRecord {
    const { fwd, bwd } = this;
    const n = this.packets;
    const duration = this.last - this.start;
    const seconds = duration / 1e6;
    const rate = (x: number): number => (duration > 0 ? x / seconds : 0);
    const bulk = (b: Bulk): [number, number, number] =>
      b.state === 0
        ? [0, 0, 0]
        : [
            Math.floor(b.bytes / b.state),
            Math.floor(b.packets / b.state),
            b.duration > 0 ? Math.floor(b.bytes / (b.duration / 1e6)) : 0,
          ];
    const [fbb, fbp, fbr] = bulk(fwd.bulk);
    const [bbb, bbp, bbr] = bulk(bwd.bulk);
    const fl = (bit: number): number => this.flags[bit] ?? 0;
    const features: Record<CicFeature, number> = {
      'Flow Duration': duration,
      'Total Fwd Packet': fwd.len.n,
      'Total Bwd packets': bwd.len.n,
      'Total Length of Fwd Packet': fwd.len.sum,
      'Total Length of Bwd Packet': bwd.len.sum,
      'Fwd Packet Length Max': fwd.len.max,
      'Fwd Packet Length Min': fwd.len.min,
      'Fwd Packet Length Mean': fwd.len.mean,
      'Fwd Packet Length Std': fwd.len.std,
      'Bwd Packet Length Max': bwd.len.max,
      'Bwd Packet Length Min': bwd.len.min,
      'Bwd Packet Length Mean': bwd.len.mean,
      'Bwd Packet Length Std': bwd.len.std,
      'Flow Bytes/s': rate(this.all.sum),
      'Flow Packets/s': rate(n),
      'Flow IAT Mean': this.iat.mean,
      'Flow IAT Std': this.iat.std,
      'Flow IAT Max': this.iat.max,
      'Flow IAT Min': this.iat.min,
      'Fwd IAT Total': fwd.iat.sum,
      'Fwd IAT Mean': fwd.iat.mean,
      'Fwd IAT Std': fwd.iat.std,
      'Fwd IAT Max': fwd.iat.max,
      'Fwd IAT Min': fwd.iat.min,
      'Bwd IAT Total': bwd.iat.sum,
      'Bwd IAT Mean': bwd.iat.mean,
      'Bwd IAT Std': bwd.iat.std,
      'Bwd IAT Max': bwd.iat.max,
      'Bwd IAT Min': bwd.iat.min,
      'Fwd PSH Flags': fwd.psh,
      'Bwd PSH Flags': bwd.psh,
      'Fwd URG Flags': fwd.urg,
      'Bwd URG Flags': bwd.urg,
      'Fwd RST Flags': fwd.rst,
      'Bwd RST Flags': bwd.rst,
      'Fwd Header Length': fwd.header,
      'Bwd Header Length': bwd.header,
      'Fwd Packets/s': rate(fwd.len.n),
      'Bwd Packets/s': rate(bwd.len.n),
      'Packet Length Min': this.all.min,
      'Packet Length Max': this.all.max,
      'Packet Length Mean': this.all.mean,
      'Packet Length Std': this.all.std,
      'Packet Length Variance': this.all.variance,
      'FIN Flag Count': fl(0),
      'SYN Flag Count': fl(1),
      'RST Flag Count': fl(2),
      'PSH Flag Count': fl(3),
      'ACK Flag Count': fl(4),
      'URG Flag Count': fl(5),
      'CWR Flag Count': fl(7),
      'ECE Flag Count': fl(6),
      'Down/Up Ratio': fwd.len.n > 0 ? bwd.len.n / fwd.len.n : 0,
      'Average Packet Size': n > 0 ? this.all.sum / n : 0,
      'Fwd Segment Size Avg': fwd.len.mean,
      'Bwd Segment Size Avg': bwd.len.mean,
      'Fwd Bytes/Bulk Avg': fbb,
      'Fwd Packet/Bulk Avg': fbp,
      'Fwd Bulk Rate Avg': fbr,
      'Bwd Bytes/Bulk Avg': bbb,
      'Bwd Packet/Bulk Avg': bbp,
      'Bwd Bulk Rate Avg': bbr,
      // CICFlowMeter's subflow detector fires on every packet: its counts are totals / packets.
      'Subflow Fwd Packets': Math.floor(fwd.len.n / n),
      'Subflow Fwd Bytes': Math.floor(fwd.len.sum / n),
      'Subflow Bwd Packets': Math.floor(bwd.len.n / n),
      'Subflow Bwd Bytes': Math.floor(bwd.len.sum / n),
      'FWD Init Win Bytes': Math.max(0, fwd.window),
      'Bwd Init Win Bytes': Math.max(0, bwd.window),
      'Fwd Act Data Pkts': this.actData,
      'Fwd Seg Size Min': fwd.minHeader,
      'Active Mean': this.active.mean,
      'Active Std': this.active.std,
      'Active Max': this.active.max,
      'Active Min': this.active.min,
      'Idle Mean': this.idle.mean,
      'Idle Std': this.idle.std,
      'Idle Max': this.idle.max,
      'Idle Min': this.idle.min,
      'ICMP Code': this.icmpCode,
      'ICMP Type': this.icmpType,
      'Total TCP Flow Time': this.protocol === 6 ? duration : 0,
    };
    const id = `${this.src}-${this.dst}-${this.srcPort}-${this.dstPort}-${this.protocol}`;
    return {
      id,
      src: this.src,
      dst: this.dst,
      srcPort: this.srcPort,
      dstPort: this.dstPort,
      protocol: this.protocol,
      start: this.start,
      last: this.last,
      end,
      features,
    };
  }
}

/**
 * Assembles packets (in capture order) into flows; finished flows are returned as they end.
 * @example
 * const a = new FlowAssembler(); for (const p of packets) out.push(...a.add(p)); out.push(...a.finish());
 */
export class FlowAssembler {
  private readonly flows = new Map<string, Flow>();
  private readonly timeout: number;
  private readonly activity: number;
  private readonly minPackets: number;
  private lastSweep = -Infinity;
  /** Flows dropped for having fewer than `minPackets` packets. */
  dropped = 0;

  constructor(options: FlowOptions = {}) {
    this.timeout = options.timeoutMicros ?? 120e6;
    this.activity = options.activityMicros ?? 5e6;
    this.minPackets = options.minPackets ?? 2;
  }

  /** Open flows. */
  get open(): number {
    return this.flows.size;
  }

  /** Adds one packet; returns the flows that ended because of it or of the time it carries. */
  add(p: Packet): FlowRecord[] {
    const out: FlowRecord[] = [];
    const fwdKey = `${p.src}|${p.dst}|${p.srcPort}|${p.dstPort}|${p.protocol}`;
    let flow = this.flows.get(fwdKey);
    if (flow === undefined) flow = this.flows.get(`${p.dst}|${p.src}|${p.dstPort}|${p.srcPort}|${p.protocol}`);
    if (flow !== undefined) {
      const forward = p.src === flow.src && p.srcPort === flow.srcPort;
      if (p.micros - flow.start > this.timeout) {
        this.close(flow, 'timeout', out);
        const next = new Flow(flow.key, flow.src, flow.dst, flow.srcPort, flow.dstPort, flow.protocol, p.micros);
        this.flows.set(next.key, next);
        next.add(p, forward, this.activity);
        this.terminate(next, p, out);
      } else if (flow.finFwd && flow.finBwd) {
        // Both sides closed: the final ACK belongs to this flow, anything else starts a new one.
        if (p.flags === TCP.ACK && p.payloadLength === 0) {
          flow.add(p, forward, this.activity);
          this.close(flow, 'fin', out);
        } else {
          this.close(flow, 'fin', out);
          this.start(p, fwdKey, out);
        }
      } else {
        flow.add(p, forward, this.activity);
        this.terminate(flow, p, out);
      }
    } else {
      this.start(p, fwdKey, out);
    }
    if (p.micros - this.lastSweep > 1e6) this.sweep(p.micros, out);
    return out;
  }

  /** Ends every open flow (end of the capture). */
  finish(): FlowRecord[] {
    const out: FlowRecord[] = [];
    const open = [...this.flows.values()].sort((a, b) => a.start - b.start);
    for (const f of open) this.close(f, f.finFwd && f.finBwd ? 'fin' : 'end-of-capture', out);
    return out;
  }

  private start(p: Packet, key: string, out: FlowRecord[]): void {
    const flow = new Flow(key, p.src, p.dst, p.srcPort, p.dstPort, p.protocol, p.micros);
    this.flows.set(key, flow);
    flow.add(p, true, this.activity);
    this.terminate(flow, p, out);
  }

  private terminate(flow: Flow, p: Packet, out: FlowRecord[]): void {
    if (p.protocol === 6 && (p.flags & TCP.RST) !== 0) this.close(flow, 'rst', out);
  }

  private close(flow: Flow, end: FlowEnd, out: FlowRecord[]): void {
    this.flows.delete(flow.key);
    if (flow.packets >= this.minPackets) out.push(flow.record(end));
    else this.dropped++;
  }

  /** Flows that no packet can extend any more (past the timeout, or closed and quiet) end now. */
  private sweep(now: number, out: FlowRecord[]): void {
    this.lastSweep = now;
    for (const f of this.flows.values()) {
      if (now - f.start > this.timeout) this.close(f, 'timeout', out);
      else if (f.finFwd && f.finBwd && now - f.last > this.activity) this.close(f, 'fin', out);
    }
  }
}
