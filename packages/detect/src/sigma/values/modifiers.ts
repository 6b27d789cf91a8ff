/**
 * @module
 * Applies a detection item's modifier chain to its values, left to right, as the modifier
 * appendix defines them. Each rule value becomes a group of alternatives (windash, base64offset
 * and placeholder expansion add alternatives inside the group); groups are OR-linked, or
 * AND-linked under `all`. The result is typed values that the matcher compiler turns into tests.
 */
import { fail, ok, type Result } from '@intersoc/core';
import { parseCidr, type CidrRange } from './cidr.js';
import { encodeBase64, encodeBase64Offset, encodeUtf16, expandWindash } from './encode.js';
import {
  hasWildcards,
  mergeParts,
  parseSigmaString,
  plainString,
  plainText,
  withLeadingStar,
  withTrailingStar,
  type SigmaString,
  type StringPart,
} from './sigma-string.js';

/** A scalar as written in the rule (plain YAML numbers keep their source text, e.g. `0x10`). */
export type RuleScalar =
  | { readonly kind: 'str'; readonly text: string }
  | { readonly kind: 'num'; readonly text: string; readonly n: number }
  | { readonly kind: 'bool'; readonly b: boolean }
  | { readonly kind: 'null' };

/** Comparison operators of the numeric modifiers. */
export type CompareOp = 'lt' | 'lte' | 'gt' | 'gte';
/** Date parts of the time modifiers. */
export type TimePart = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

/** A value after its modifiers, ready to compile. */
export type TypedValue =
  | { readonly t: 'str'; readonly s: SigmaString }
  | { readonly t: 'null' }
  | { readonly t: 're'; readonly pattern: string; readonly i: boolean; readonly m: boolean; readonly s: boolean }
  | { readonly t: 'cidr'; readonly range: CidrRange; readonly text: string }
  | { readonly t: 'cmp'; readonly op: CompareOp; readonly n: number }
  | { readonly t: 'exists'; readonly b: boolean }
  | { readonly t: 'fieldref'; readonly field: string; readonly starts: boolean; readonly ends: boolean }
  | { readonly t: 'time'; readonly part: TimePart; readonly n: number };

/** A detection item's values after modifiers. */
export interface ModifiedValues {
  /** One group per rule value; a group matches when any of its alternatives does. */
  readonly groups: readonly (readonly TypedValue[])[];
  /** Groups are AND-linked (`all`) instead of OR-linked. */
  readonly all: boolean;
  /** The whole item is negated (`neq`). */
  readonly negate: boolean;
  /** String comparisons are case-sensitive (`cased`). */
  readonly cased: boolean;
  /** Plain equality on unmodified values: what the logsource index may use. */
  readonly plainEquality: boolean;
}

/** Placeholder values by name (without the `%`), from configuration. */
export type Placeholders = Readonly<Record<string, readonly string[]>>;

/** Every modifier name this engine understands (incl. pySigma's long aliases of the re flags). */
export const MODIFIERS: readonly string[] = [
  'contains',
  'startswith',
  'endswith',
  'all',
  'exists',
  'cased',
  'neq',
  'windash',
  're',
  'i',
  'm',
  's',
  'ignorecase',
  'multiline',
  'dotall',
  'base64',
  'base64offset',
  'utf16le',
  'wide',
  'utf16be',
  'utf16',
  'lt',
  'lte',
  'gt',
  'gte',
  'minute',
  'hour',
  'day',
  'week',
  'month',
  'year',
  'cidr',
  'expand',
  'fieldref',
];

type Work =
  | TypedValue
  | { readonly t: 'num'; readonly text: string; readonly n: number }
  | { readonly t: 'bool'; readonly b: boolean }
  | { readonly t: 'rawstr'; readonly raw: string; readonly s: SigmaString };

const TIME_PARTS = new Set(['minute', 'hour', 'day', 'week', 'month', 'year']);
const COMPARE = new Set(['lt', 'lte', 'gt', 'gte']);

/** Applies `modifiers` to `values`. Fails with a reason for invalid combinations. */
export function applyModifiers(
  modifiers: readonly string[],
  values: readonly RuleScalar[],
  placeholders: Placeholders,
): Result<ModifiedValues> {
  let groups: Work[][] = values.map((v) => [initial(v)]);
  let all = false;
  let negate = false;
  let cased = false;
  let valueChanged = false;
  for (const mod of modifiers) {
    const name = mod.toLowerCase();
    let step: (v: Work) => Result<Work[]>;
    switch (name) {
      case 'all':
        all = true;
        continue;
      case 'neq':
        negate = true;
        continue;
      case 'cased':
        cased = true;
        continue;
      case 'contains':
      case 'startswith':
      case 'endswith':
        step = (v) => anchorValue(v, name);
        break;
      case 'windash':
        step = (v) => {
          const s = asString(v, name);
          if (!s.ok) return s;
          const r = expandWindash(s.value);
          return r.ok ? ok(r.value.map((x) => ({ t: 'str', s: x }) as Work)) : r;
        };
        break;
      case 'base64':
        step = (v) => {
          const s = asString(v, name);
          if (!s.ok) return s;
          const r = encodeBase64(s.value);
          return r.ok ? ok([{ t: 'str', s: plainString(r.value) }]) : r;
        };
        break;
      case 'base64offset':
        step = (v) => {
          const s = asString(v, name);
          if (!s.ok) return s;
          const r = encodeBase64Offset(s.value);
          return r.ok ? ok(r.value.map((x) => ({ t: 'str', s: plainString(x) }) as Work)) : r;
        };
        break;
      case 'wide':
      case 'utf16le':
      case 'utf16be':
      case 'utf16':
        step = (v) => {
          const s = asString(v, name);
          if (!s.ok) return s;
          return ok([
            {
              t: 'str',
              s: encodeUtf16(s.value, name === 'utf16be' ? 'utf16be' : name === 'utf16' ? 'utf16' : 'utf16le'),
            },
          ]);
        };
        break;
      case 're':
        if (valueChanged) return fail('the re modifier only applies to unmodified values');
        step = (v) => {
          if (v.t === 'rawstr') return ok([{ t: 're', pattern: v.raw, i: false, m: false, s: false }]);
          if (v.t === 'num') return ok([{ t: 're', pattern: v.text, i: false, m: false, s: false }]);
          return fail(`the re modifier needs a string value`);
        };
        break;
      case 'i':
      case 'ignorecase':
      case 'm':
      case 'multiline':
      case 's':
      case 'dotall':
        step = (v) => {
          if (v.t !== 're') return fail(`the ${name} modifier only follows re`);
          const flag = name === 'dotall' ? 's' : (name[0] as 'i' | 'm' | 's');
          return ok([{ ...v, [flag]: true } as Work]);
        };
        break;
      case 'cidr':
        if (valueChanged) return fail('the cidr modifier only applies to unmodified values');
        step = (v) => {
          const text = v.t === 'rawstr' ? v.raw : undefined;
          if (text === undefined) return fail('the cidr modifier needs a string value');
          const r = parseCidr(text);
          return r.ok ? ok([{ t: 'cidr', range: r.value, text }]) : r;
        };
        break;
      case 'exists':
        if (valueChanged) return fail('the exists modifier only applies to unmodified boolean values');
        step = (v) => {
          if (v.t === 'bool') return ok([{ t: 'exists', b: v.b }]);
          if (v.t === 'rawstr' && /^(true|false)$/i.test(v.raw)) return ok([{ t: 'exists', b: /^true$/i.test(v.raw) }]);
          return fail('the exists modifier needs true or false');
        };
        break;
      case 'expand':
        step = (v) => expandPlaceholders(v, placeholders);
        break;
      case 'fieldref':
        step = (v) => {
          const s = asString(v, name);
          if (!s.ok) return s;
          const field = plainText(s.value);
          if (field === undefined || field === '') return fail('a field reference must be a plain field name');
          return ok([{ t: 'fieldref', field, starts: false, ends: false }]);
        };
        break;
      default:
        if (COMPARE.has(name)) {
          step = (v) => {
            const n = asNumber(v);
            return n === undefined
              ? fail(`the ${name} modifier needs a number`)
              : ok([{ t: 'cmp', op: name as CompareOp, n }]);
          };
        } else if (TIME_PARTS.has(name)) {
          step = (v) => {
            const n = asNumber(v);
            return n === undefined || !Number.isInteger(n)
              ? fail(`the ${name} modifier needs an integer`)
              : ok([{ t: 'time', part: name as TimePart, n }]);
          };
        } else {
          return fail(`unknown modifier "${mod}"`);
        }
    }
    const next: Work[][] = [];
    for (const g of groups) {
      const out: Work[] = [];
      for (const v of g) {
        const r = step(v);
        if (!r.ok) return r;
        out.push(...r.value);
      }
      next.push(out);
    }
    groups = next;
    valueChanged = true;
  }
  const typed: TypedValue[][] = [];
  for (const g of groups) {
    const out: TypedValue[] = [];
    for (const v of g) out.push(finalize(v));
    typed.push(out);
  }
  const plainEquality = modifiers.length === 0;
  return ok({ groups: typed, all, negate, cased, plainEquality });
}

function initial(v: RuleScalar): Work {
  switch (v.kind) {
    case 'str':
      return { t: 'rawstr', raw: v.text, s: parseSigmaString(v.text) };
    case 'num':
      return { t: 'num', text: v.text, n: v.n };
    case 'bool':
      return { t: 'bool', b: v.b };
    case 'null':
      return { t: 'null' };
  }
}

function finalize(v: Work): TypedValue {
  switch (v.t) {
    case 'rawstr':
      return { t: 'str', s: v.s };
    case 'num':
      return { t: 'str', s: plainString(v.text) };
    case 'bool':
      return { t: 'str', s: plainString(String(v.b)) };
    default:
      return v;
  }
}

function asString(v: Work, mod: string): Result<SigmaString> {
  if (v.t === 'rawstr' || v.t === 'str') return ok(v.s);
  if (v.t === 'num') return ok(plainString(v.text));
  return fail(`the ${mod} modifier needs a string value`);
}

function asNumber(v: Work): number | undefined {
  if (v.t === 'num') return v.n;
  if (v.t === 'rawstr' && /^\s*-?\d+(\.\d+)?\s*$/.test(v.raw)) return Number(v.raw);
  return undefined;
}

function anchorValue(v: Work, mod: 'contains' | 'startswith' | 'endswith'): Result<Work[]> {
  if (v.t === 're') {
    const grouped = `(?:${v.pattern})`;
    if (mod === 'startswith' && !v.pattern.startsWith('^')) return ok([{ ...v, pattern: `^${grouped}` }]);
    if (mod === 'endswith' && !/(^|[^\\])\$$/.test(v.pattern)) return ok([{ ...v, pattern: `${grouped}$` }]);
    return ok([v]);
  }
  if (v.t === 'fieldref') {
    return ok([{ ...v, starts: v.starts || mod !== 'endswith', ends: v.ends || mod !== 'startswith' }]);
  }
  const s = asString(v, mod);
  if (!s.ok) return s;
  let out = s.value;
  if (mod !== 'startswith') out = withLeadingStar(out);
  if (mod !== 'endswith') out = withTrailingStar(out);
  return ok([{ t: 'str', s: out }]);
}

const MAX_EXPANSION = 10_000;

/** Replaces `%name%` placeholders with their configured values; `\%` is a literal percent sign. */
function expandPlaceholders(v: Work, placeholders: Placeholders): Result<Work[]> {
  const s = asString(v, 'expand');
  if (!s.ok) return s;
  // Split literal parts into text and placeholder references.
  type Piece = { lit: StringPart } | { name: string };
  const pieces: Piece[] = [];
  for (const p of s.value.parts) {
    if (typeof p !== 'string') {
      pieces.push({ lit: p });
      continue;
    }
    let text = '';
    for (let i = 0; i < p.length; i++) {
      const c = p[i];
      if (c === '\\' && p[i + 1] === '%') {
        text += '%';
        i++;
      } else if (c === '%') {
        const end = p.indexOf('%', i + 1);
        if (end < 0) {
          text += c;
          continue;
        }
        if (text) pieces.push({ lit: text });
        text = '';
        pieces.push({ name: p.slice(i + 1, end) });
        i = end;
      } else {
        text += c;
      }
    }
    if (text) pieces.push({ lit: text });
  }
  let variants: StringPart[][] = [[]];
  for (const piece of pieces) {
    if ('lit' in piece) {
      variants = variants.map((x) => [...x, piece.lit]);
      continue;
    }
    const values = placeholders[piece.name];
    if (values === undefined) return fail(`placeholder %${piece.name}% has no configured value`);
    if (values.length === 0) return ok([]);
    if (variants.length * values.length > MAX_EXPANSION) return fail(`placeholder %${piece.name}% expands too far`);
    variants = variants.flatMap((x) => values.map((val) => [...x, ...parseSigmaString(val).parts]));
  }
  return ok(variants.map((parts) => ({ t: 'str', s: { parts: mergeParts(parts), bytes: s.value.bytes } })));
}

/** True when a typed string value can match only one exact text. */
export function isExact(v: TypedValue): v is { t: 'str'; s: SigmaString } {
  return v.t === 'str' && !hasWildcards(v.s);
}
