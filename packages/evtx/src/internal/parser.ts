/**
 * @module
 * The BinXML token reader of one chunk (MS-EVEN6 §2.2.12 onwards). It compiles template
 * definitions into {@link IrNode} trees, cached by their chunk offset, and decodes template
 * instances: the substitution descriptor array and its values, nested BinXML included.
 * All offsets are chunk-relative, as names and templates refer to each other by chunk offset.
 * Every read is bounds-checked; malformed input raises {@link MalformedError}, which the
 * record decoder reports and survives.
 */
import { u16, u32 } from './format.js';
import { ELEMENT, Fragment, INSTANCE, SUBST, TEXT } from './ir.js';
import type { IrAttribute, IrElement, IrInstance, IrNode, IrPart, SubstValue, Template } from './ir.js';
import { decodeValue, MalformedError, T, utf16 } from './values.js';

/** Limits that keep hostile input from exhausting the stack or looping. */
const MAX_DEPTH = 64;
const MAX_SUBSTITUTIONS = 8192;

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Token codes (the 0x40 bit marks "more data" variants and is masked off where it applies). */
const TOK_EOF = 0x00;
const TOK_OPEN = 0x01;
const TOK_CLOSE_START = 0x02;
const TOK_CLOSE_EMPTY = 0x03;
const TOK_END = 0x04;
const TOK_VALUE = 0x05;
const TOK_ATTR = 0x06;
const TOK_CDATA = 0x07;
const TOK_CHARREF = 0x08;
const TOK_ENTITY = 0x09;
const TOK_PI_TARGET = 0x0a;
const TOK_PI_DATA = 0x0b;
const TOK_INSTANCE = 0x0c;
const TOK_SUBST = 0x0d;
const TOK_OPT_SUBST = 0x0e;
const TOK_FRAGMENT = 0x0f;

/** Reads BinXML within one chunk, with per-chunk name and template caches. */
export class ChunkParser {
  private readonly names = new Map<number, string>();
  private readonly templates = new Map<number, Template>();
  /** Templates that failed to compile, so records using them fail fast instead of re-parsing. */
  private readonly broken = new Map<number, string>();
  private readonly compiling = new Set<number>();
  /** Position after the last parse, for callers that need to know where it stopped. */
  pos = 0;

  constructor(readonly buf: Buffer) {}

  /** Number of templates compiled so far in this chunk. */
  get templateCount(): number {
    return this.templates.size;
  }

  private fail(reason: string, at: number): never {
    throw new MalformedError(`${reason} at chunk offset ${at}`);
  }

  private need(p: number, n: number, end: number): void {
    if (p + n > end) this.fail(`BinXML needs ${n} bytes past its end`, p);
  }

  /**
   * Reads a name reference at `p`: a chunk offset, with the name structure inline when the
   * offset points right after itself. Returns the name; `this.pos` is set past it.
   */
  private name(p: number, end: number): string {
    this.need(p, 4, end);
    const off = u32(this.buf, p);
    p += 4;
    let name = this.names.get(off);
    if (off === p) {
      // Inline: next-offset (4), hash (2), character count (2), UTF-16 characters, NUL.
      this.need(p, 8, end);
      const n = u16(this.buf, p + 6);
      const size = 8 + n * 2 + 2;
      this.need(p, size, end);
      if (name === undefined) {
        name = utf16(this.buf, p + 8, p + 8 + n * 2);
        this.names.set(off, name);
      }
      this.pos = p + size;
      return name;
    }
    if (name === undefined) {
      if (off + 8 > this.buf.length) this.fail(`name offset ${off} outside the chunk`, p - 4);
      const n = u16(this.buf, off + 6);
      if (off + 8 + n * 2 > this.buf.length) this.fail(`name at ${off} runs past the chunk`, p - 4);
      name = utf16(this.buf, off + 8, off + 8 + n * 2);
      this.names.set(off, name);
    }
    this.pos = p;
    return name;
  }

  /** Reads a length-prefixed UTF-16 string (u16 count) at `p`; `this.pos` is set past it. */
  private lpString(p: number, end: number): string {
    this.need(p, 2, end);
    const n = u16(this.buf, p);
    this.need(p + 2, n * 2, end);
    this.pos = p + 2 + n * 2;
    return utf16(this.buf, p + 2, p + 2 + n * 2);
  }

  /**
   * Parses a BinXML fragment in [p, end): fragment headers, elements and template instances up
   * to the end-of-stream token. `withDependency` says whether element starts carry the u16
   * dependency identifier (they do in template definitions, not in records or nested values).
   */
  fragment(p: number, end: number, withDependency: boolean, depth: number): IrNode[] {
    if (depth > MAX_DEPTH) this.fail('BinXML nested too deeply', p);
    const nodes: IrNode[] = [];
    const b = this.buf;
    while (p < end) {
      const t = b[p] as number;
      const tok = t & 0xbf;
      if (t === TOK_EOF) {
        p++;
        break;
      } else if (t === TOK_FRAGMENT) {
        p += 4;
      } else if (tok === TOK_OPEN) {
        nodes.push(this.element(p, end, withDependency, depth + 1));
        p = this.pos;
      } else if (t === TOK_INSTANCE) {
        nodes.push(this.instance(p, end, depth + 1));
        p = this.pos;
      } else if (t === TOK_PI_TARGET) {
        this.name(p + 1, end);
        p = this.pos;
      } else if (t === TOK_PI_DATA) {
        this.lpString(p + 1, end);
        p = this.pos;
      } else {
        this.fail(`unexpected BinXML token 0x${t.toString(16)}`, p);
      }
    }
    this.pos = p;
    return nodes;
  }

  /** Parses an element starting at its open token. */
  private element(p: number, end: number, withDependency: boolean, depth: number): IrElement {
    if (depth > MAX_DEPTH) this.fail('BinXML nested too deeply', p);
    const b = this.buf;
    const hasAttrs = ((b[p] as number) & 0x40) !== 0;
    p += withDependency ? 7 : 5; // token, [dependency id], data size
    const name = this.name(p, end);
    p = this.pos;
    if (hasAttrs) p += 4; // attribute list size
    const attrs: IrAttribute[] = [];
    for (;;) {
      this.need(p, 1, end);
      const t = (b[p] as number) & 0xbf;
      if (t !== TOK_ATTR) break;
      const attrName = this.name(p + 1, end);
      attrs.push({ name: attrName, parts: this.parts(this.pos, end) });
      p = this.pos;
    }
    const close = b[p] as number;
    let content: IrNode[] = [];
    if (close === TOK_CLOSE_START) {
      content = this.content(p + 1, end, withDependency, depth);
      p = this.pos;
    } else if (close === TOK_CLOSE_EMPTY) {
      p++;
    } else {
      this.fail(`expected the end of start element <${name}>, found 0x${close.toString(16)}`, p);
    }
    this.pos = p;
    const subs: number[] = [];
    for (const n of content) if (n.k === SUBST) subs.push(n.i);
    for (const a of attrs) for (const n of a.parts) if (n.k === SUBST) subs.push(n.i);
    return { k: ELEMENT, name, isData: name === 'Data', attrs, content, subs };
  }

  /** Parses an attribute value: value, substitution and reference tokens. */
  private parts(p: number, end: number): IrPart[] {
    const parts: IrPart[] = [];
    for (;;) {
      this.need(p, 1, end);
      const node = this.textual(p, end);
      if (node === undefined) break;
      parts.push(node);
      p = this.pos;
    }
    this.pos = p;
    return parts;
  }

  /**
   * Parses one value, substitution, character/entity reference or CDATA token at `p`, or
   * returns undefined (with `this.pos` untouched) when the token is something else.
   */
  private textual(p: number, end: number): IrPart | undefined {
    const b = this.buf;
    const t = b[p] as number;
    const tok = t & 0xbf;
    if (tok === TOK_VALUE) {
      this.need(p, 2, end);
      const type = b[p + 1] as number;
      if (type !== T.STRING) this.fail(`value token of type 0x${type.toString(16)}`, p);
      return { k: TEXT, v: this.lpString(p + 2, end) };
    }
    if (t === TOK_SUBST || t === TOK_OPT_SUBST) {
      this.need(p, 4, end);
      this.pos = p + 4;
      return { k: SUBST, i: u16(b, p + 1), optional: t === TOK_OPT_SUBST };
    }
    if (tok === TOK_CHARREF) {
      this.need(p, 3, end);
      this.pos = p + 3;
      return { k: TEXT, v: String.fromCharCode(u16(b, p + 1)) };
    }
    if (tok === TOK_ENTITY) {
      const name = this.name(p + 1, end);
      return { k: TEXT, v: ENTITIES[name] ?? `&${name};` };
    }
    if (tok === TOK_CDATA) return { k: TEXT, v: this.lpString(p + 1, end) };
    return undefined;
  }

  /** Parses element content up to and including its end token. */
  private content(p: number, end: number, withDependency: boolean, depth: number): IrNode[] {
    const b = this.buf;
    const nodes: IrNode[] = [];
    for (;;) {
      this.need(p, 1, end);
      const t = b[p] as number;
      const tok = t & 0xbf;
      if (t === TOK_END) {
        p++;
        break;
      }
      if (tok === TOK_OPEN) {
        nodes.push(this.element(p, end, withDependency, depth + 1));
      } else if (t === TOK_INSTANCE) {
        nodes.push(this.instance(p, end, depth + 1));
      } else if (t === TOK_PI_TARGET) {
        this.name(p + 1, end);
      } else if (t === TOK_PI_DATA) {
        this.lpString(p + 1, end);
      } else if (t === TOK_FRAGMENT) {
        this.pos = p + 4;
      } else {
        const node = this.textual(p, end);
        if (node === undefined) this.fail(`unexpected BinXML token 0x${t.toString(16)} in content`, p);
        nodes.push(node);
      }
      p = this.pos;
    }
    this.pos = p;
    return nodes;
  }

  /** Returns the compiled template defined at chunk offset `offset`. */
  template(offset: number, depth: number): Template {
    const cached = this.templates.get(offset);
    if (cached !== undefined) return cached;
    const broken = this.broken.get(offset);
    if (broken !== undefined) throw new MalformedError(broken);
    if (this.compiling.has(offset)) this.fail('template refers to itself', offset);
    const b = this.buf;
    if (offset < 0 || offset + 24 > b.length) this.fail(`template offset ${offset} outside the chunk`, offset);
    const size = u32(b, offset + 20);
    const start = offset + 24;
    const end = start + size;
    if (end > b.length) this.fail(`template of ${size} bytes runs past the chunk`, offset);
    this.compiling.add(offset);
    try {
      const nodes = this.fragment(start, end, true, depth + 1);
      const template: Template = { offset, nodes };
      this.templates.set(offset, template);
      return template;
    } catch (err) {
      if (err instanceof MalformedError) this.broken.set(offset, `template at ${offset}: ${err.message}`);
      throw err;
    } finally {
      this.compiling.delete(offset);
    }
  }

  /** Parses a template instance token at `p`: the template reference and its substitution values. */
  private instance(p: number, end: number, depth: number): IrInstance {
    const b = this.buf;
    this.need(p, 10, end);
    const defOffset = u32(b, p + 6);
    p += 10;
    if (defOffset === p) {
      // The definition is inline (first use in this chunk): skip its 24-byte header and body.
      this.need(p, 24, end);
      p += 24 + u32(b, p + 20);
    }
    const template = this.template(defOffset, depth);
    this.need(p, 4, end);
    const count = u32(b, p);
    p += 4;
    if (count > MAX_SUBSTITUTIONS) this.fail(`${count} substitutions`, p - 4);
    this.need(p, count * 4, end);
    const values: SubstValue[] = new Array<SubstValue>(count);
    let v = p + count * 4;
    for (let i = 0; i < count; i++) {
      const d = p + i * 4;
      const size = u16(b, d);
      const type = b[d + 2] as number;
      if (v + size > end) this.fail(`substitution ${i} of ${size} bytes runs past the record`, v);
      values[i] = type === T.BINXML ? this.nested(v, v + size, depth) : decodeValue(b, type, v, size);
      v += size;
    }
    this.pos = v;
    return { k: INSTANCE, template, values };
  }

  /**
   * Parses a nested BinXML value. Element starts in nested values normally omit the dependency
   * identifier; some writers include it, so a failed parse is retried with it.
   */
  private nested(start: number, end: number, depth: number): Fragment | null {
    if (start === end) return null;
    const saved = this.pos;
    try {
      return new Fragment(this.fragment(start, end, false, depth + 1));
    } catch (err) {
      if (!(err instanceof MalformedError)) throw err;
      const nodes = this.fragment(start, end, true, depth + 1);
      this.pos = saved;
      return new Fragment(nodes);
    }
  }

  /** Parses a record's BinXML in [start, end) into its top-level nodes. */
  record(start: number, end: number): IrNode[] {
    return this.fragment(start, end, false, 0);
  }
}
