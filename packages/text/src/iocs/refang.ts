/**
 * @module
 * Refanging with a position map. Defanged notation (`hxxp://`, `[.]`, `(dot)`, `[at]`, `[:]`,
 * `[/]`, full-width dots) is rewritten to its plain form in a copy of the text, and `map[i]` gives
 * the offset in the original of the copy's character `i`, so an indicator found in the copy
 * points back to its place in the report. `defanged[i]` tells whether the copy's character came
 * from a defanged form: a defanged domain is meant as one, whatever its TLD looks like.
 */

/** A refanged text with its position map. */
export interface Refanged {
  readonly text: string;
  /** Original offset of each character of `text`, plus one entry for its end. */
  readonly map: Int32Array;
  /** 1 where the character was rewritten from a defanged form. */
  readonly defanged: Uint8Array;
}

/** Defanged forms and what they stand for; the first that matches at a position wins. */
const RULES: readonly [RegExp, string | ((m: RegExpExecArray) => string)][] = [
  // schemes: hxxp://, hXXps[:]//, h**p://, http[:]//, http[://], fxp://
  [
    /h(?:xx|\*\*)p(s?)\s?(?:\[:\]|\(:\)|\{:\}|\[:\/\/\]|:)\s?(?:\/\/|\[\/\/\]|\\\/\\\/)?/iy,
    (m) => `http${m[1] ?? ''}://`,
  ],
  [/http(s?)(?:\[:\]|\(:\)|\{:\})(?:\/\/|\[\/\/\])/iy, (m) => `http${m[1] ?? ''}://`],
  [/http(s?)(?:\[:\/\/\]|:\[\/\/\])/iy, (m) => `http${m[1] ?? ''}://`],
  [/fxp(s?):\/\//iy, (m) => `ftp${m[1] ?? ''}://`],
  // dots
  [/\s?(?:\[\s?(?:\.|dot|DOT|Dot)\s?\]|\(\s?(?:\.|dot|DOT|Dot)\s?\)|\{\s?(?:\.|dot|DOT|Dot)\s?\}|<\.>)\s?/y, '.'],
  [/\[\.(?=[A-Za-z0-9])/y, '.'],
  [/(?<=[A-Za-z0-9])\.\](?=[A-Za-z0-9])/y, '.'],
  [/\\\.(?=[A-Za-z0-9])/y, '.'],
  [/[\u3002\uff0e\uff61]/y, '.'],
  // at
  [/\s?(?:\[\s?(?:@|at|AT|At)\s?\]|\(\s?(?:@|at|AT|At)\s?\)|\{\s?(?:@|at|AT|At)\s?\})\s?/y, '@'],
  [/\uff20/y, '@'],
  // colons and slashes
  [/\[:\]|\(:\)/y, ':'],
  [/\[\/\]/y, '/'],
];

/** First characters that can open a defanged form (a cheap filter before the rules). */
const OPENERS = /[hHfF[({<\\\u3002\uff0e\uff61\uff20\s.]/;

/**
 * Refangs `text`, keeping the map back to it.
 *
 * @example
 * refangMapped('evil[.]com').text // 'evil.com'
 */
export function refangMapped(text: string): Refanged {
  const out: string[] = [];
  const map: number[] = [];
  const fanged: number[] = [];
  let i = 0;
  outer: while (i < text.length) {
    const c = text[i] as string;
    if (OPENERS.test(c)) {
      for (const [re, to] of RULES) {
        re.lastIndex = i;
        const m = re.exec(text);
        if (!m || m[0].length === 0) continue;
        // A leading or trailing white space belongs to the form only around a bracketed dot or at.
        const rep = typeof to === 'string' ? to : to(m);
        for (const ch of rep) {
          out.push(ch);
          map.push(i);
          fanged.push(1);
        }
        i += m[0].length;
        continue outer;
      }
    }
    out.push(c);
    map.push(i);
    fanged.push(0);
    i++;
  }
  map.push(text.length);
  return { text: out.join(''), map: Int32Array.from(map), defanged: Uint8Array.from(fanged) };
}

/** Plain refang, without the map. */
export function refangText(text: string): string {
  return refangMapped(text).text;
}
