/**
 * @module
 * Tokens of a sentence for the learned models: lower case, indicators replaced by their kind
 * (`xhash`, `xip`, `xurl`, `xdomain`, `xreg`, `xcve`) so that the model learns "downloads from
 * a URL" rather than one URL, file names reduced to their extension (`xfile_exe`), numbers to
 * `0`, and words of letters, digits, `_` and `-`.
 */

const REPLACE: readonly [RegExp, string][] = [
  [/\bh(?:xx|tt)ps?(?:\[:\]|:)\/\/\S+/gi, ' xurl '],
  [/\b(?:HKEY_[A-Z_]+|HKLM|HKCU|HKCR|HKU)\\\S+/g, ' xreg '],
  [/\b[0-9a-f]{32,128}\b/gi, ' xhash '],
  [/\b\d{1,3}(?:(?:\[\.\]|\.)\d{1,3}){3}\b/g, ' xip '],
  [/\bCVE-\d{4}-\d+\b/gi, ' xcve '],
  [
    /\b[\w-]+\.(exe|dll|ps1|bat|vbs|js|hta|lnk|doc|docx|docm|xls|xlsx|xlsm|zip|rar|7z|iso|msi|jar|py|sh|scr|sys)\b/gi,
    ' xfile_$1 ',
  ],
  [/\b(?:[a-z0-9-]+(?:\[\.\]|\.))+(?:com|net|org|info|biz|ru|cn|io|xyz|top|onion)\b/gi, ' xdomain '],
];

/** Word tokens of `text`. */
export function wordTokens(text: string): string[] {
  let t = text;
  for (const [re, to] of REPLACE) t = t.replace(re, to);
  t = t.toLowerCase().replace(/\d+/g, '0');
  return t.match(/[a-z0-9_][a-z0-9_-]*[a-z0-9_]|[a-z0-9_]/g) ?? [];
}

/** Word n-grams (1 to `n`) of a token list, joined by a space. */
export function wordNgrams(tokens: readonly string[], n: number): string[] {
  const out: string[] = [...tokens];
  for (let k = 2; k <= n; k++) for (let i = 0; i + k <= tokens.length; i++) out.push(tokens.slice(i, i + k).join(' '));
  return out;
}

/** Character n-grams (`min` to `max`) within each token padded by spaces (scikit-learn's `char_wb`). */
export function charNgrams(tokens: readonly string[], min: number, max: number): string[] {
  const out: string[] = [];
  for (const tok of tokens) {
    const w = ` ${tok} `;
    for (let n = min; n <= max; n++) {
      if (w.length < n) {
        if (n === min) out.push(w);
        break;
      }
      for (let i = 0; i + n <= w.length; i++) out.push(w.slice(i, i + n));
    }
  }
  return out;
}
