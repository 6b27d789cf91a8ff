/**
 * @module
 * Small allocation-free text helpers shared by the parsers.
 */

/** True when `s` is empty or only whitespace. */
export function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) return false;
  }
  return true;
}

/** The first character that is not whitespace or a byte-order mark, or ''. */
export function firstNonSpace(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10 && c !== 0xfeff) return s.charAt(i);
  }
  return '';
}

/** The first line of a sample (without its line break). */
export function firstLine(s: string): string {
  const i = s.indexOf('\n');
  const line = i < 0 ? s : s.slice(0, i);
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** The first `max` non-blank lines of a sample. The last line may be cut by the sample's end. */
export function sampleLines(s: string, max: number): string[] {
  const out: string[] = [];
  let start = 0;
  while (start < s.length && out.length < max) {
    let end = s.indexOf('\n', start);
    if (end < 0) end = s.length;
    const line = s.charCodeAt(end - 1) === 13 ? s.slice(start, end - 1) : s.slice(start, end);
    if (!isBlank(line)) out.push(line);
    start = end + 1;
  }
  return out;
}

/** The base name of a path or file name, without directories. */
export function fileBase(name: string | undefined): string {
  if (name === undefined) return '';
  let i = name.length - 1;
  for (; i >= 0; i--) {
    const c = name.charCodeAt(i);
    if (c === 47 || c === 92) break;
  }
  return name.slice(i + 1);
}
