/**
 * @module
 * Field-by-field comparison of a decoded record with a reference JSON rendering, after the
 * normalisations the corpus README documents for its libevtx-made renderings:
 * - values compare as strings, trimmed; null, "" and a missing key are the same (empty);
 * - GUIDs compare upper-case without braces; `0x` hex compares by numeric value;
 * - timestamps compare as instants at microsecond precision; decimal numbers by value;
 * - `Data` elements the reference keeps as `[{"#attributes":{"Name":k},"#text":v}]` compare as `k: v`;
 * - namespace declarations (`xmlns:*` attributes), which libevtx does not render, are ignored.
 * Only tests use it.
 */

const GUID = /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i;
const HEX = /^0x[0-9a-f]+$/i;
const ISO = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/;

/** Named Data elements kept as a list of objects become named keys. */
function keyData(o: unknown): unknown {
  if (Array.isArray(o)) return o.map(keyData);
  if (o === null || typeof o !== 'object') return o;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    const named =
      k === 'Data' &&
      Array.isArray(v) &&
      v.every(
        (x: unknown) =>
          typeof x === 'object' &&
          x !== null &&
          typeof (x as { '#attributes'?: { Name?: unknown } })['#attributes']?.Name === 'string',
      );
    if (named) {
      for (const x of v as { '#attributes': { Name: string }; '#text'?: unknown }[])
        out[x['#attributes'].Name] = keyData(x['#text'] ?? null);
    } else {
      out[k] = keyData(v);
    }
  }
  return out;
}

/** The normalised string form of a value; '' for empty. */
export function normValue(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v).trim();
  if (GUID.test(s)) return s.replace(/[{}]/g, '').toUpperCase();
  if (HEX.test(s)) return `0x${BigInt(s).toString(16)}`;
  const iso = ISO.exec(s);
  if (iso) return `${iso[1] ?? ''}.${(iso[2] ?? '').padEnd(6, '0').slice(0, 6)}Z`;
  if (s !== '' && /[.eE]/.test(s) && Number.isFinite(Number(s))) s = String(Number(s));
  return s;
}

/** Flattens to `path → normalised value`, leaving out empty values and namespace declarations. */
export function normFlat(o: unknown, reference = false): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (v: unknown, p: string): void => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${p}[${i}]`));
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) walk(x, p === '' ? k : `${p}.${k}`);
    } else if (!/\.#attributes\.xmlns:/.test(p)) {
      const s = normValue(v);
      if (s !== '') out.set(p, s);
    }
  };
  walk(reference ? keyData(o) : o, '');
  return out;
}

/** One differing field. */
export interface FieldDiff {
  readonly path: string;
  readonly expected: string | undefined;
  readonly actual: string | undefined;
}

/** Differences between a reference rendering and a decoded event. */
export function diffRecord(reference: unknown, actual: unknown): FieldDiff[] {
  const a = normFlat(reference, true);
  const b = normFlat(actual);
  const diffs: FieldDiff[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    if (a.get(key) !== b.get(key)) diffs.push({ path: key, expected: a.get(key), actual: b.get(key) });
  }
  return diffs;
}
