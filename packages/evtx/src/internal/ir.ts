/**
 * @module
 * The compiled form of BinXML: element trees whose text and attribute values are literals or
 * substitution slots. A template definition compiles once per chunk into this form; each
 * record then only decodes its substitution values and instantiates the tree.
 */
import type { Value } from './values.js';

/** Node kinds (plain numbers: const enums do not survive isolated module compilation). */
export const ELEMENT = 0;
export const TEXT = 1;
export const SUBST = 2;
export const INSTANCE = 3;

/** An element with its attributes and content. */
export interface IrElement {
  readonly k: typeof ELEMENT;
  readonly name: string;
  /** `Data` elements take their JSON key from their `Name` attribute. */
  readonly isData: boolean;
  readonly attrs: readonly IrAttribute[];
  readonly content: readonly IrNode[];
  /** Substitution indexes used directly in this element's content, then attributes (for array expansion). */
  readonly subs: readonly number[];
}

/** An attribute; its value is the concatenation of its parts. */
export interface IrAttribute {
  readonly name: string;
  readonly parts: readonly IrPart[];
}

/** Literal text (value tokens, character and entity references, CDATA). */
export interface IrText {
  readonly k: typeof TEXT;
  readonly v: string;
}

/** A substitution slot: value `i` of the template instance. */
export interface IrSubst {
  readonly k: typeof SUBST;
  readonly i: number;
  /** Optional substitutions vanish when their value is null. */
  readonly optional: boolean;
}

/** A template instance met outside a template definition (records and nested BinXML). */
export interface IrInstance {
  readonly k: typeof INSTANCE;
  readonly template: Template;
  readonly values: readonly SubstValue[];
}

/** Part of an attribute value. */
export type IrPart = IrText | IrSubst;
/** Anything that can appear in element content or at the top of a fragment. */
export type IrNode = IrElement | IrText | IrSubst | IrInstance;

/** A compiled template definition. */
export interface Template {
  /** Chunk offset of the definition, its cache key. */
  readonly offset: number;
  readonly nodes: readonly IrNode[];
}

/** A nested BinXML fragment held in a substitution value (type 0x21), already parsed. */
export class Fragment {
  constructor(readonly nodes: readonly IrNode[]) {}
}

/** A decoded substitution value. */
export type SubstValue = Value | Fragment;
