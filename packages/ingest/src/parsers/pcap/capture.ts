/**
 * @module
 * Capture containers: classic pcap (both byte orders, microsecond and nanosecond magics) and
 * pcapng (sections of either byte order, interface blocks with their link type and `if_tsresol`,
 * enhanced, simple and obsolete packet blocks). The reader walks a buffer held in memory and
 * yields frames or problems; it never throws on bad input. A truncated file yields the frames
 * before the cut and one problem naming the offset.
 */

/** One captured frame: its link type, time in microseconds since the epoch, and bytes. */
export interface Frame {
  readonly linkType: number;
  /** Epoch microseconds (integer; nanosecond captures are floored). */
  readonly micros: number;
  /** Captured bytes (may be shorter than the wire length). */
  readonly data: Uint8Array;
  /** Length on the wire. */
  readonly wireLength: number;
}

/** A frame, or a problem at a byte offset (reading stops after a fatal one). */
export type CaptureItem =
  | { readonly ok: true; readonly frame: Frame }
  | { readonly ok: false; readonly offset: number; readonly reason: string };

/** Magic numbers as read little-endian from the first four bytes. */
export const PCAP_MAGICS = {
  microLE: 0xa1b2c3d4,
  nanoLE: 0xa1b23c4d,
  microBE: 0xd4c3b2a1,
  nanoBE: 0x4d3cb2a1,
  pcapng: 0x0a0d0d0a,
} as const;

/** Frames larger than this are malformed (libpcap's own limit is 256 KiB for most links). */
const MAX_FRAME = 1 << 18;

/** Which container a buffer holds, from its first four bytes. */
export function captureKind(bytes: Uint8Array): 'pcap' | 'pcapng' | undefined {
  if (bytes.length < 4) return undefined;
  const m = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
  if (m === PCAP_MAGICS.pcapng) return 'pcapng';
  if (m === PCAP_MAGICS.microLE || m === PCAP_MAGICS.nanoLE || m === PCAP_MAGICS.microBE || m === PCAP_MAGICS.nanoBE)
    return 'pcap';
  return undefined;
}

/**
 * Reads every frame of a pcap or pcapng capture.
 * @example
 * for (const item of readCapture(readFileSync('a.pcap'))) if (item.ok) use(item.frame);
 */
export function* readCapture(bytes: Uint8Array): Generator<CaptureItem> {
  const kind = captureKind(bytes);
  if (kind === 'pcap') yield* readPcap(bytes);
  else if (kind === 'pcapng') yield* readPcapng(bytes);
  else yield { ok: false, offset: 0, reason: 'not a pcap or pcapng capture (unknown magic)' };
}

function* readPcap(bytes: Uint8Array): Generator<CaptureItem> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 24) {
    yield { ok: false, offset: 0, reason: `truncated pcap header (${bytes.length} of 24 bytes)` };
    return;
  }
  const magic = view.getUint32(0, true);
  const le = magic === PCAP_MAGICS.microLE || magic === PCAP_MAGICS.nanoLE;
  const nano = magic === PCAP_MAGICS.nanoLE || magic === PCAP_MAGICS.nanoBE;
  // The low 16 bits are the link type; the upper bits may carry an FCS length (pcap 2.4 extension).
  const linkType = view.getUint32(20, le) & 0xffff;
  let at = 24;
  while (at < bytes.length) {
    if (at + 16 > bytes.length) {
      yield { ok: false, offset: at, reason: `truncated record header (${bytes.length - at} of 16 bytes)` };
      return;
    }
    const sec = view.getUint32(at, le);
    const frac = view.getUint32(at + 4, le);
    const incl = view.getUint32(at + 8, le);
    const orig = view.getUint32(at + 12, le);
    if (incl > MAX_FRAME) {
      yield { ok: false, offset: at, reason: `record length ${incl} exceeds ${MAX_FRAME} (corrupt capture)` };
      return;
    }
    const end = at + 16 + incl;
    if (end > bytes.length) {
      yield { ok: false, offset: at, reason: `truncated record: ${bytes.length - at - 16} of ${incl} bytes` };
      return;
    }
    const micros = sec * 1e6 + (nano ? Math.floor(frac / 1000) : frac);
    yield { ok: true, frame: { linkType, micros, data: bytes.subarray(at + 16, end), wireLength: orig } };
    at = end;
  }
}

interface Interface {
  readonly linkType: number;
  /** Ticks per second of this interface's timestamps. */
  readonly ticksPerSecond: number;
}

const SHB = 0x0a0d0d0a;
const IDB = 1;
const OPB = 2; // obsolete packet block
const SPB = 3;
const EPB = 6;
const BOM = 0x1a2b3c4d;

function* readPcapng(bytes: Uint8Array): Generator<CaptureItem> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let le = true;
  let interfaces: Interface[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 12 > bytes.length) {
      yield { ok: false, offset: at, reason: `truncated block header (${bytes.length - at} bytes left)` };
      return;
    }
    const type = view.getUint32(at, true) === SHB ? SHB : view.getUint32(at, le);
    if (type === SHB) {
      const bom = view.getUint32(at + 8, true);
      if (bom === BOM) le = true;
      else if (bom === 0x4d3c2b1a) le = false;
      else {
        yield { ok: false, offset: at, reason: 'section header with an unknown byte-order magic' };
        return;
      }
      interfaces = [];
    }
    const length = view.getUint32(at + 4, le);
    if (length < 12 || length % 4 !== 0) {
      yield { ok: false, offset: at, reason: `block length ${length} is invalid` };
      return;
    }
    if (at + length > bytes.length) {
      yield { ok: false, offset: at, reason: `truncated block: ${bytes.length - at} of ${length} bytes` };
      return;
    }
    const body = at + 8;
    const bodyEnd = at + length - 4;
    if (type === IDB && bodyEnd - body >= 8) {
      const linkType = view.getUint16(body, le);
      interfaces.push({ linkType, ticksPerSecond: tsResolution(view, body + 8, bodyEnd, le) });
    } else if (type === EPB || type === OPB) {
      const item = packetBlock(view, bytes, type, body, bodyEnd, le, interfaces);
      if (item !== undefined) yield item;
    } else if (type === SPB && bodyEnd - body >= 4) {
      const iface = interfaces[0];
      const orig = view.getUint32(body, le);
      const incl = Math.min(orig, bodyEnd - body - 4);
      if (iface === undefined) yield { ok: false, offset: at, reason: 'simple packet block before any interface' };
      else {
        const data = bytes.subarray(body + 4, body + 4 + incl);
        yield { ok: true, frame: { linkType: iface.linkType, micros: 0, data, wireLength: orig } };
      }
    }
    at += length;
  }
}

function packetBlock(
  view: DataView,
  bytes: Uint8Array,
  type: number,
  body: number,
  bodyEnd: number,
  le: boolean,
  interfaces: readonly Interface[],
): CaptureItem | undefined {
  if (bodyEnd - body < 20) return { ok: false, offset: body - 8, reason: 'packet block too short' };
  const ifaceId = type === EPB ? view.getUint32(body, le) : view.getUint16(body, le);
  const iface = interfaces[ifaceId];
  if (iface === undefined) return { ok: false, offset: body - 8, reason: `packet for unknown interface ${ifaceId}` };
  const high = view.getUint32(body + 4, le);
  const low = view.getUint32(body + 8, le);
  const incl = view.getUint32(body + 12, le);
  const orig = view.getUint32(body + 16, le);
  if (body + 20 + incl > bodyEnd) {
    return { ok: false, offset: body - 8, reason: `captured length ${incl} exceeds its block` };
  }
  const ticks = high * 4294967296 + low;
  const micros = iface.ticksPerSecond === 1e6 ? ticks : Math.floor((ticks / iface.ticksPerSecond) * 1e6 + 1e-6);
  return {
    ok: true,
    frame: { linkType: iface.linkType, micros, data: bytes.subarray(body + 20, body + 20 + incl), wireLength: orig },
  };
}

/** `if_tsresol` (option 9): a power of ten, or of two when the high bit is set; default microseconds. */
function tsResolution(view: DataView, at: number, end: number, le: boolean): number {
  while (at + 4 <= end) {
    const code = view.getUint16(at, le);
    const len = view.getUint16(at + 2, le);
    if (code === 0) break;
    if (code === 9 && len >= 1 && at + 4 < end) {
      const v = view.getUint8(at + 4);
      const exp = v & 0x7f;
      return v & 0x80 ? 2 ** exp : 10 ** exp;
    }
    at += 4 + ((len + 3) & ~3);
  }
  return 1e6;
}
