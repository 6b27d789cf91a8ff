/**
 * @module
 * Instantiates compiled BinXML into evtx_dump-style nested JSON:
 * - an element with only text becomes its value (`"EventID": 4688`), an empty one `null`;
 * - attributes go under `#attributes` (null attributes are dropped), text then under `#text`;
 * - `<Data Name="X">v</Data>` becomes `"X": v`; unnamed `Data` elements become `"Data": v`;
 * - repeated sibling names become an array in document order (evtx_dump would suffix `_1`;
 *   an array keeps the order and is what the corpus renderings use for unnamed `Data`);
 * - several text pieces in one element concatenate as a string.
 */
import { ELEMENT, Fragment, INSTANCE, SUBST, TEXT } from './ir.js';
import type { IrElement, IrNode, IrPart, SubstValue, Template } from './ir.js';
import { MalformedError } from './values.js';
import type { Value } from './values.js';

/**
 * Elements one record may expand to. Templates can instantiate other templates and arrays
 * repeat elements, so a few hostile bytes could otherwise expand exponentially.
 */
const MAX_ELEMENTS = 100_000;

/** A JSON value as produced by the renderer. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
/** A JSON object. */
export type JsonObject = { [key: string]: Json };

/** Arrays that collect repeated sibling elements, as opposed to array-typed values. */
const repeated = new WeakSet<Json[]>();

const EMPTY: readonly SubstValue[] = [];

function textOf(v: Value): string {
  if (v === null) return '';
  if (Array.isArray(v)) return v.map((x) => (x === null ? '' : String(x))).join(',');
  return String(v);
}

/** Adds `key: value` to `obj`, turning a repeated key into an array. */
function put(obj: JsonObject, key: string, value: Json): void {
  const prev = obj[key];
  if (prev === undefined || !Object.hasOwn(obj, key)) {
    if (key === '__proto__')
      Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
    else obj[key] = value;
    return;
  }
  if (Array.isArray(prev) && repeated.has(prev)) {
    prev.push(value);
    return;
  }
  const list: Json[] = [prev, value];
  repeated.add(list);
  obj[key] = list;
}

/** The value of an attribute, or undefined when all its parts are absent. */
function attrValue(parts: readonly IrPart[], values: readonly SubstValue[]): Value | undefined {
  if (parts.length === 1) {
    const p = parts[0] as IrPart;
    if (p.k === TEXT) return p.v;
    const v = values[p.i];
    return v === undefined || v instanceof Fragment ? undefined : v;
  }
  let out: string | undefined;
  for (const p of parts) {
    let v: Value | undefined;
    if (p.k === TEXT) v = p.v;
    else {
      const s = values[p.i];
      v = s === undefined || s instanceof Fragment ? undefined : s;
    }
    if (v === undefined || v === null) continue;
    out = (out ?? '') + textOf(v);
  }
  return out;
}

/** True for the ASCII whitespace XML tools trim (space, tab, CR, LF). */
function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Trims ASCII whitespace at both ends without allocating when there is none (the common case). */
export function trimText(s: string): string {
  const n = s.length;
  if (n === 0 || (!isSpace(s.charCodeAt(0)) && !isSpace(s.charCodeAt(n - 1)))) return s;
  let a = 0;
  let b = n;
  while (a < b && isSpace(s.charCodeAt(a))) a++;
  while (b > a && isSpace(s.charCodeAt(b - 1))) b--;
  return s.slice(a, b);
}

/** Turns compiled BinXML plus substitution values into nested JSON. */
export class Renderer {
  /**
   * @param trim trim ASCII whitespace around element text, as evtx_dump does (its output, and
   * the Sigma regression data made with it, carry `"cmd.exe"` where Windows stored `"cmd.exe" `).
   */
  constructor(private readonly trim: boolean) {}

  private budget = MAX_ELEMENTS;

  /** Starts a record: resets the expansion budget. */
  begin(): void {
    this.budget = MAX_ELEMENTS;
  }

  /** Renders `nodes` with substitution `values` as children of `obj`. */
  nodes(nodes: readonly IrNode[], values: readonly SubstValue[], obj: JsonObject): void {
    for (const node of nodes) {
      switch (node.k) {
        case ELEMENT:
          this.element(node, values, obj);
          break;
        case INSTANCE:
          this.nodes(node.template.nodes, node.values, obj);
          break;
        case SUBST: {
          // A nested fragment at the top of a fragment (e.g. a whole UserData body).
          const v = values[node.i];
          if (v instanceof Fragment) this.nodes(v.nodes, EMPTY, obj);
          break;
        }
        case TEXT:
          break;
      }
    }
  }

  /** Renders a template instance as a fresh object. */
  template(template: Template, values: readonly SubstValue[]): JsonObject {
    const obj: JsonObject = {};
    this.nodes(template.nodes, values, obj);
    return obj;
  }

  /**
   * Renders an element. An array value substituted directly into it repeats the element once
   * per item (MS-EVEN6 array semantics, as Windows and libevtx render them): `<Data>%1</Data>`
   * with ["a", "b"] gives two Data elements, a single item a plain value, and empty strings
   * empty elements.
   */
  private element(el: IrElement, values: readonly SubstValue[], parent: JsonObject): void {
    for (const i of el.subs) {
      const v = values[i];
      if (Array.isArray(v)) {
        const copy = values.slice();
        if (v.length === 0) {
          copy[i] = null;
          this.element(el, copy, parent);
          return;
        }
        for (const item of v as readonly Value[]) {
          copy[i] = item === '' ? null : item;
          this.element(el, copy, parent);
        }
        return;
      }
    }
    this.one(el, values, parent);
  }

  private one(el: IrElement, values: readonly SubstValue[], parent: JsonObject): void {
    if (--this.budget < 0) throw new MalformedError(`record expands to more than ${MAX_ELEMENTS} elements`);
    let key = el.name;
    let attrs: JsonObject | undefined;
    for (const a of el.attrs) {
      const v = attrValue(a.parts, values);
      if (v === undefined || v === null) continue;
      if (el.isData && a.name === 'Name') {
        key = textOf(v);
        continue;
      }
      if (attrs === undefined) attrs = {};
      put(attrs, a.name, v as Json);
    }
    // evtx_dump keys a named Data element by its name and keeps none of its attributes.
    if (el.isData && key !== el.name) attrs = undefined;
    let obj: JsonObject | undefined = attrs === undefined ? undefined : { '#attributes': attrs };
    let text: Value | undefined;
    for (const node of el.content) {
      switch (node.k) {
        case ELEMENT:
          if (obj === undefined) obj = {};
          this.element(node, values, obj);
          break;
        case TEXT:
          text = text === undefined ? node.v : textOf(text) + node.v;
          break;
        case SUBST: {
          const v = values[node.i];
          if (v === undefined || v === null) break;
          if (v instanceof Fragment) {
            if (obj === undefined) obj = {};
            this.nodes(v.nodes, EMPTY, obj);
          } else {
            text = text === undefined ? v : textOf(text) + textOf(v);
          }
          break;
        }
        case INSTANCE:
          if (obj === undefined) obj = {};
          this.nodes(node.template.nodes, node.values, obj);
          break;
      }
    }
    if (this.trim && typeof text === 'string') text = trimText(text);
    let value: Json;
    if (obj === undefined) {
      value = text === undefined ? null : (text as Json);
    } else {
      // Whitespace between child elements is formatting, not content.
      const blank = typeof text === 'string' && trimText(text) === '' && Object.keys(obj).length > 0;
      if (text !== undefined && !blank) obj['#text'] = text as Json;
      value = obj;
    }
    put(parent, key, value);
  }
}
