/**
 * @module
 * A minimal RFC 4180 line splitter: commas, double-quoted values with `""` escapes. Records span
 * one line (flow CSVs never embed line breaks); an unterminated quote is reported.
 */

/** Splits one CSV line. Returns undefined when a quoted value is not terminated. */
export function splitCsv(line: string): string[] | undefined {
  const out: string[] = [];
  if (line.indexOf('"') < 0) {
    // Fast path: no quoting at all.
    let start = 0;
    for (;;) {
      const end = line.indexOf(',', start);
      if (end < 0) {
        out.push(line.slice(start));
        return out;
      }
      out.push(line.slice(start, end));
      start = end + 1;
    }
  }
  let i = 0;
  for (;;) {
    if (line.charCodeAt(i) === 34) {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q < 0) return undefined;
        value += line.slice(j, q);
        if (line.charCodeAt(q + 1) === 34) {
          value += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      out.push(value);
      if (i >= line.length) return out;
      if (line.charCodeAt(i) !== 44) return undefined;
      i++;
    } else {
      const end = line.indexOf(',', i);
      if (end < 0) {
        out.push(line.slice(i));
        return out;
      }
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
}
