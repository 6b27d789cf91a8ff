/**
 * @module
 * RFC 4180 CSV fields of one line (quoted fields with doubled quotes; no line breaks inside
 * quotes, which dependency files do not need). Never throws: a malformed line is a reason.
 */
import { fail, ok, type Result } from '@intersoc/core';

/** Splits one CSV line into fields. */
export function csvFields(line: string): Result<string[]> {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    if (i < n && line[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        if (i >= n) return fail('unterminated quoted field');
        const ch = line[i] as string;
        if (ch === '"') {
          if (line[i + 1] === '"') {
            v += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += ch;
        i++;
      }
      out.push(v);
      if (i < n && line[i] !== ',') return fail('text after a closing quote');
    } else {
      const end = line.indexOf(',', i);
      out.push((end === -1 ? line.slice(i) : line.slice(i, end)).trim());
      i = end === -1 ? n : end;
    }
    if (i >= n) return ok(out);
    i++; // the comma
    if (i === n) {
      out.push('');
      return ok(out);
    }
  }
}

/** Lines of a text, without the line break, a trailing empty line or a byte-order mark. */
export function linesOf(text: string): string[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
