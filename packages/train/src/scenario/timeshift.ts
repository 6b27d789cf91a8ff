/**
 * @module
 * Shifting a recorded attack to now. Records are shifted as text, so nothing else in them
 * changes (a JSON round trip would round Windows' 64-bit `Keywords`): every ISO-8601 time
 * (`2020-09-14T00:44:20.000Z`, NXLog's `2020-09-14 00:44:20`, RFC 5424 stamps with offsets)
 * keeps its own layout and precision; Zeek's epoch `ts` and auditd's `audit(<epoch>:<n>)`
 * move by the same amount. Times without a zone are read and written as UTC, which shifts them
 * correctly whatever zone they were in.
 */

const ISO = /(\d{4})-(\d{2})-(\d{2})([T ])(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?/g;
const ZEEK_TS = /("ts"\s*:\s*)(\d{9,11})(\.\d{1,9})?/g;
const AUDIT = /(audit\()(\d{9,11})(\.\d{1,6})?(:\d+\))/g;

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function offsetMs(zone: string | undefined): number {
  if (!zone || zone === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
}

/** Shifts an epoch-seconds number written with `frac` decimals. */
function shiftEpoch(int: string, frac: string | undefined, deltaMs: number): { text: string; ms: number } {
  const digits = frac ? frac.length - 1 : 0;
  const scale = 10 ** digits;
  const units = BigInt(int) * BigInt(scale) + BigInt(frac ? frac.slice(1) : '0');
  const shifted = units + BigInt(Math.round((deltaMs / 1000) * scale));
  const s = shifted.toString().padStart(digits + 1, '0');
  const text = digits === 0 ? s : `${s.slice(0, -digits)}.${s.slice(-digits)}`;
  return { text, ms: (Number(units) / scale) * 1000 };
}

/**
 * The record with its times moved by `deltaMs`, and the time it carried first (epoch ms), if
 * any; with a zero delta, only the time is read.
 */
export function shiftRecord(format: string, raw: string, deltaMs: number): { record: string; time?: number } {
  let time: number | undefined;
  const note = (ms: number): void => {
    if (time === undefined && Number.isFinite(ms)) time = ms;
  };
  let out = raw.replace(
    ISO,
    (
      m,
      y: string,
      mo: string,
      d: string,
      sep: string,
      h: string,
      mi: string,
      s: string,
      frac?: string,
      zone?: string,
    ) => {
      const fracMs = frac ? Number(`0${frac}`) * 1000 : 0;
      const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
      if (!Number.isFinite(local)) return m;
      note(local - offsetMs(zone) + fracMs);
      if (deltaMs === 0) return m;
      const digits = frac ? frac.length - 1 : 0;
      // Sub-millisecond digits are kept as they were; the shift is whole milliseconds.
      const total = local + Math.floor(fracMs) + deltaMs;
      const t = new Date(total);
      const ms = pad(t.getUTCMilliseconds(), 3);
      const fraction = digits === 0 ? '' : `.${(ms + (frac as string).slice(4)).slice(0, digits).padEnd(digits, '0')}`;
      return (
        `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}${sep}` +
        `${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}${fraction}${zone ?? ''}`
      );
    },
  );
  if (format === 'zeek' || out.includes('"ts"')) {
    out = out.replace(ZEEK_TS, (m, key: string, int: string, frac?: string) => {
      const r = shiftEpoch(int, frac, deltaMs);
      note(r.ms);
      return deltaMs === 0 ? m : `${key}${r.text}`;
    });
  }
  if (format === 'auditd' || out.includes('audit(')) {
    out = out.replace(AUDIT, (m, open: string, int: string, frac: string | undefined, close: string) => {
      const r = shiftEpoch(int, frac, deltaMs);
      note(r.ms);
      return deltaMs === 0 ? m : `${open}${r.text}${close}`;
    });
  }
  return time === undefined ? { record: out } : { record: out, time };
}
