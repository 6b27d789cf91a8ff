/**
 * @module
 * RFC 5424 structured data: `[id param="value" ...][id2 ...]`, with the escapes `\"`, `\\`, `\]`
 * in values. Repeated parameter names become arrays.
 */

/** SD-ID → parameter name → value(s). */
export type StructuredData = Map<string, Map<string, string | string[]>>;

/** Structured data parsed from `start`, and where it ended. */
export type SdResult = { ok: true; sd: StructuredData; end: number } | { ok: false; reason: string };

/** Parses structured data elements starting at `line[start] === '['`. */
export function parseStructuredData(line: string, start: number): SdResult {
  const sd: StructuredData = new Map();
  let i = start;
  while (line.charCodeAt(i) === 91 /* [ */) {
    i++;
    let j = i;
    while (j < line.length) {
      const c = line.charCodeAt(j);
      if (c === 32 || c === 93) break;
      j++;
    }
    if (j >= line.length) return { ok: false, reason: 'unterminated element' };
    const id = line.slice(i, j);
    if (id.length === 0) return { ok: false, reason: 'empty SD-ID' };
    const params = sd.get(id) ?? new Map<string, string | string[]>();
    sd.set(id, params);
    i = j;
    for (;;) {
      const c = line.charCodeAt(i);
      if (c === 93) {
        i++;
        break;
      }
      if (c !== 32) return { ok: false, reason: `unexpected character in element ${JSON.stringify(id)}` };
      i++;
      const eq = line.indexOf('=', i);
      if (eq < 0 || line.charCodeAt(eq + 1) !== 34)
        return { ok: false, reason: `parameter without ="value" in ${JSON.stringify(id)}` };
      const name = line.slice(i, eq);
      if (name.length === 0 || name.includes(' ') || name.includes(']')) {
        return { ok: false, reason: `bad parameter name in ${JSON.stringify(id)}` };
      }
      const value = readValue(line, eq + 2);
      if (value === undefined) return { ok: false, reason: `unterminated value of ${JSON.stringify(name)}` };
      const prev = params.get(name);
      if (prev === undefined) params.set(name, value.text);
      else if (Array.isArray(prev)) prev.push(value.text);
      else params.set(name, [prev, value.text]);
      i = value.end;
    }
  }
  return { ok: true, sd, end: i };
}

/** Reads a quoted value from after its opening quote; returns the text and the index after the closing quote. */
function readValue(line: string, from: number): { text: string; end: number } | undefined {
  let out = '';
  let i = from;
  for (;;) {
    const q = line.indexOf('"', i);
    const b = line.indexOf('\\', i);
    if (q < 0) return undefined;
    if (b >= 0 && b < q) {
      const next = line.charAt(b + 1);
      // Only \" \\ \] are escapes; any other backslash is kept literally (RFC 5424 §6.3.3).
      out += line.slice(i, b) + (next === '"' || next === '\\' || next === ']' ? next : '\\' + next);
      i = b + 2;
      continue;
    }
    out += line.slice(i, q);
    return { text: out, end: q + 1 };
  }
}
