/**
 * @module
 * Text renderings of EVTX value types, following evtx_dump's conventions: FILETIME and
 * SYSTEMTIME as ISO-8601 with six fraction digits and `Z`, GUIDs upper-case without braces,
 * SIDs as `S-1-5-…`, hex integers as unpadded lower-case `0x…`, binary as upper-case hex.
 */

/** Upper-case two-digit hex of every byte value, so GUIDs render without per-byte formatting. */
const HEX2: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));

/** Seconds between 1601-01-01 (FILETIME epoch) and 1970-01-01. */
const EPOCH_DIFF_S = 11_644_473_600;

/** Two-digit upper-case hex of a byte. */
export function hex2(b: number): string {
  return HEX2[b & 0xff] as string;
}

/** Reads a little-endian u16. The caller has checked bounds. */
export function u16(b: Uint8Array, p: number): number {
  return (b[p] as number) | ((b[p + 1] as number) << 8);
}

/** Reads a little-endian u32. The caller has checked bounds. */
export function u32(b: Uint8Array, p: number): number {
  return (
    ((b[p] as number) | ((b[p + 1] as number) << 8) | ((b[p + 2] as number) << 16)) + (b[p + 3] as number) * 0x1000000
  );
}

/** Reads a little-endian i32. */
export function i32(b: Uint8Array, p: number): number {
  return (b[p] as number) | ((b[p + 1] as number) << 8) | ((b[p + 2] as number) << 16) | ((b[p + 3] as number) << 24);
}

/**
 * Reads a little-endian u64 as a number when it is exactly representable, else as its decimal
 * string (JSON has no 64-bit integers; comparing values as strings keeps them exact).
 */
export function u64(b: Uint8Array, p: number): number | string {
  const lo = u32(b, p);
  const hi = u32(b, p + 4);
  if (hi < 0x200000) return hi * 0x100000000 + lo;
  return ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}

/** Reads a little-endian i64 like {@link u64}. */
export function i64(b: Uint8Array, p: number): number | string {
  const lo = u32(b, p);
  const hi = i32(b, p + 4);
  if (hi >= -0x200000 && hi < 0x200000) return hi * 0x100000000 + lo;
  return ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}

/** `0x…` lower-case, unpadded, from the two 32-bit halves. */
export function hex64(lo: number, hi: number): string {
  if (hi === 0) return `0x${lo.toString(16)}`;
  return `0x${hi.toString(16)}${lo.toString(16).padStart(8, '0')}`;
}

/** GUID at `p` as `XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX` (the first three fields are little-endian). */
export function guid(b: Uint8Array, p: number): string {
  const h = (i: number): string => HEX2[b[p + i] as number] as string;
  return (
    h(3) +
    h(2) +
    h(1) +
    h(0) +
    '-' +
    h(5) +
    h(4) +
    '-' +
    h(7) +
    h(6) +
    '-' +
    h(8) +
    h(9) +
    '-' +
    h(10) +
    h(11) +
    h(12) +
    h(13) +
    h(14) +
    h(15)
  );
}

/** Upper-case hex of a byte range. */
export function hexBytes(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += HEX2[b[i] as number] as string;
  return s;
}

/**
 * SID at `p` within `end`: revision, sub-authority count, 48-bit big-endian authority, then
 * little-endian 32-bit sub-authorities. Returns the rendering and the bytes used, or undefined
 * when the bytes cannot hold it.
 */
export function sid(b: Uint8Array, p: number, end: number): { text: string; size: number } | undefined {
  if (p + 8 > end) return undefined;
  const n = b[p + 1] as number;
  const size = 8 + n * 4;
  if (p + size > end) return undefined;
  let auth = 0;
  for (let i = 2; i < 8; i++) auth = auth * 256 + (b[p + i] as number);
  // Authorities of 2^32 and more print in hex by convention (as Windows' ConvertSidToStringSid does).
  let text = `S-${b[p] as number}-${auth < 0x100000000 ? String(auth) : `0x${auth.toString(16).toUpperCase().padStart(12, '0')}`}`;
  for (let i = 0; i < n; i++) text += `-${u32(b, p + 8 + i * 4)}`;
  return { text, size };
}

let lastSecond = Number.NaN;
let lastPrefix = '';

/** `YYYY-MM-DDTHH:MM:SS` for epoch seconds, cached for the common run of equal seconds. */
function isoSeconds(unixSeconds: number): string {
  if (unixSeconds === lastSecond) return lastPrefix;
  const d = new Date(unixSeconds * 1000);
  const iso = Number.isNaN(d.getTime()) ? '1601-01-01T00:00:00.000Z' : d.toISOString();
  lastSecond = unixSeconds;
  lastPrefix = iso.slice(0, iso.length - 5);
  return lastPrefix;
}

/** Splits a FILETIME (100 ns ticks since 1601) into Unix seconds and the 100 ns remainder, exactly. */
function filetimeParts(lo: number, hi: number): { seconds: number; ticks: number } {
  if (hi < 1_800_000_000) {
    // 2^32 = 429 * 10^7 + 4967296, so hi*2^32 + lo = hi*429*10^7 + x with x still exact here.
    const x = hi * 4_967_296 + lo;
    return { seconds: hi * 429 + Math.floor(x / 1e7) - EPOCH_DIFF_S, ticks: x % 1e7 };
  }
  const t = (BigInt(hi) << 32n) | BigInt(lo);
  return { seconds: Number(t / 10_000_000n) - EPOCH_DIFF_S, ticks: Number(t % 10_000_000n) };
}

/** FILETIME as epoch milliseconds (truncated). */
export function filetimeMs(lo: number, hi: number): number {
  const { seconds, ticks } = filetimeParts(lo, hi);
  return seconds * 1000 + Math.floor(ticks / 10_000);
}

/** FILETIME as `YYYY-MM-DDTHH:MM:SS.ffffffZ` (microseconds, truncated, as evtx_dump prints it). */
export function filetimeIso(lo: number, hi: number): string {
  const { seconds, ticks } = filetimeParts(lo, hi);
  const micros = Math.floor(ticks / 10);
  return `${isoSeconds(seconds)}.${String(micros).padStart(6, '0')}Z`;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** SYSTEMTIME (eight u16: year, month, weekday, day, hour, minute, second, ms) as ISO-8601. */
export function systemtimeIso(b: Uint8Array, p: number): string {
  const year = u16(b, p);
  const ms = u16(b, p + 14);
  return (
    `${String(year).padStart(4, '0')}-${pad2(u16(b, p + 2))}-${pad2(u16(b, p + 6))}T` +
    `${pad2(u16(b, p + 8))}:${pad2(u16(b, p + 10))}:${pad2(u16(b, p + 12))}.${String(ms * 1000).padStart(6, '0')}Z`
  );
}

/** Shortest decimal that reads back as the same 32-bit float (what Rust's `ryu` prints for f32). */
export function float32(v: number): number {
  if (!Number.isFinite(v) || v === 0) return v;
  for (let digits = 1; digits < 10; digits++) {
    const n = Number(v.toPrecision(digits));
    if (Math.fround(n) === v) return n;
  }
  return v;
}

/**
 * Parses evtx_dump's timestamp shape (`YYYY-MM-DDTHH:MM:SS.ffffffZ`) into epoch ms without a
 * regular expression; returns NaN for anything else.
 */
export function isoToMs(s: string): number {
  if (s.length < 20 || s.charCodeAt(4) !== 45 || s.charCodeAt(10) !== 84) return Number.NaN;
  const n = (a: number, b: number): number => Number(s.slice(a, b));
  let ms = 0;
  if (s.charCodeAt(19) === 46) ms = Number(s.slice(20, Math.min(23, s.length - 1)).padEnd(3, '0'));
  return Date.UTC(n(0, 4), n(5, 7) - 1, n(8, 10), n(11, 13), n(14, 16), n(17, 19), ms);
}
