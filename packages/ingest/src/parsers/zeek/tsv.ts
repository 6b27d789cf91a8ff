/**
 * @module
 * Zeek TSV logs: `#separator`, `#set_separator`, `#empty_field`, `#unset_field`, `#path`, `#fields`
 * and `#types` headers (stateful per stream), typed values, `\xHH` escapes.
 */
import type { FieldValue, FlatFields, Scalar } from '@intersoc/core';
import { setField } from '../../internal/fields.js';

/** Header state of one TSV stream. */
export interface ZeekHeader {
  separator: string;
  setSeparator: string;
  empty: string;
  unset: string;
  path: string | undefined;
  fields: string[] | undefined;
  types: string[] | undefined;
}

/** The defaults Zeek writes. */
export function defaultHeader(path: string | undefined): ZeekHeader {
  return {
    separator: '\t',
    setSeparator: ',',
    empty: '(empty)',
    unset: '-',
    path,
    fields: undefined,
    types: undefined,
  };
}

/** Decodes `\xHH` escapes (Zeek writes separators and non-printable bytes that way). */
export function unescapeZeek(s: string): string {
  if (!s.includes('\\x')) return s;
  let out = '';
  let i = 0;
  let high = false;
  for (;;) {
    const j = s.indexOf('\\x', i);
    if (j < 0) break;
    if (isHex2(s, j + 2)) {
      const code = parseInt(s.slice(j + 2, j + 4), 16);
      if (code >= 0x80) high = true;
      out += s.slice(i, j) + String.fromCharCode(code);
      i = j + 4;
    } else {
      out += s.slice(i, j + 2);
      i = j + 2;
    }
  }
  out += s.slice(i);
  // Escaped bytes above 0x7f are UTF-8 sequences: re-decode them when the rest is plain ASCII.
  return high && isAscii(s) ? Buffer.from(out, 'latin1').toString('utf8') : out;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

function isHex2(s: string, at: number): boolean {
  if (at + 2 > s.length) return false;
  for (let k = at; k < at + 2; k++) {
    const c = s.charCodeAt(k) | 32;
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/** Applies one `#` header line. Returns false for an unknown directive (which is ignored). */
export function applyHeader(h: ZeekHeader, line: string): boolean {
  // `#separator \x09` uses a space; the others use the current separator.
  if (line.startsWith('#separator')) {
    const v = unescapeZeek(line.slice('#separator'.length).trim());
    if (v.length > 0) h.separator = v;
    return true;
  }
  const sep = line.indexOf(h.separator);
  const key = sep < 0 ? line.slice(1) : line.slice(1, sep);
  const rest = sep < 0 ? '' : line.slice(sep + h.separator.length);
  switch (key) {
    case 'set_separator':
      h.setSeparator = unescapeZeek(rest);
      return true;
    case 'empty_field':
      h.empty = rest;
      return true;
    case 'unset_field':
      h.unset = rest;
      return true;
    case 'path':
      h.path = rest;
      return true;
    case 'fields':
      h.fields = rest.split(h.separator);
      h.types = undefined;
      return true;
    case 'types':
      h.types = rest.split(h.separator);
      return true;
    default:
      return false;
  }
}

/**
 * Fills `out` from one data line. Unset values (`-`) are left out; `(empty)` gives '' or [].
 * Returns the number of values on the line, for the caller's field-count check.
 */
export function decodeLine(h: ZeekHeader, line: string, out: FlatFields): number {
  const names = h.fields ?? [];
  const types = h.types;
  let start = 0;
  let i = 0;
  const sep = h.separator;
  for (;;) {
    let end = line.indexOf(sep, start);
    if (end < 0) end = line.length;
    const raw = line.slice(start, end);
    const name = names[i];
    if (name !== undefined && raw !== h.unset) {
      const type = types?.[i] ?? 'string';
      setField(out, name, typedValue(h, raw, type));
    }
    i++;
    if (end >= line.length) break;
    start = end + sep.length;
  }
  return i;
}

function typedValue(h: ZeekHeader, raw: string, type: string): FieldValue {
  const container = type.startsWith('set[') || type.startsWith('vector[') || type.startsWith('table[');
  if (container) {
    if (raw === h.empty) return [];
    const inner = type.slice(type.indexOf('[') + 1, -1);
    const parts = raw.split(h.setSeparator);
    const values: Scalar[] = new Array<Scalar>(parts.length);
    for (let k = 0; k < parts.length; k++) {
      const p = parts[k] as string;
      values[k] = p === h.unset ? null : scalar(unescapeZeek(p), inner);
    }
    return values;
  }
  if (raw === h.empty) return '';
  return scalar(unescapeZeek(raw), type);
}

function scalar(v: string, type: string): Scalar {
  switch (type) {
    case 'count':
    case 'int':
    case 'port':
    case 'double':
    case 'time':
    case 'interval': {
      const n = Number(v);
      return v.length > 0 && Number.isFinite(n) ? n : v;
    }
    case 'bool':
      return v === 'T' ? true : v === 'F' ? false : v;
    default:
      return v;
  }
}
