/**
 * @module
 * YAML → rule nodes. js-yaml is the package's one YAML parser (about ten times faster than the
 * `yaml` package on SigmaHQ's 3,754 rule files, with identical results). Sigma files are read
 * under the YAML 1.2 core schema, except that plain numbers keep their spelling: Sigma compares
 * values as strings, so `0x10` must stay `0x10`, not become 16. Configuration files (mappings,
 * placeholders) are plain core-schema YAML.
 */
import * as jsyaml from 'js-yaml';
import { CORE_SCHEMA, FAILSAFE_SCHEMA, load, loadAll, Type } from 'js-yaml';
import { fail, ok, type Result } from '@intersoc/core';
import type { RuleNode } from '../compile/detection.js';

/** A plain YAML number with its source text. */
export class YamlNumber {
  constructor(
    readonly text: string,
    readonly value: number,
  ) {}
  toString(): string {
    return this.text;
  }
}

function numberType(base: Type, tag: string): Type {
  return new Type(tag, {
    kind: 'scalar',
    resolve: (data: unknown) => base.resolve(data),
    construct: (data: string) => new YamlNumber(data, Number(base.construct(data))),
    instanceOf: YamlNumber,
    represent: (v: object) => (v as YamlNumber).text,
  });
}

// js-yaml ships its scalar types at run time; its type declarations omit them.
const types = (jsyaml as unknown as { types: Record<'null' | 'bool' | 'int' | 'float', Type> }).types;

const SCHEMA = FAILSAFE_SCHEMA.extend({
  implicit: [
    types.null,
    types.bool,
    numberType(types.int, 'tag:yaml.org,2002:int'),
    numberType(types.float, 'tag:yaml.org,2002:float'),
  ],
});

/** Parses every document of a YAML text; numbers come out as {@link YamlNumber}. */
export function loadYamlDocuments(text: string): Result<unknown[]> {
  try {
    const docs: unknown[] = [];
    loadAll(text, (d) => docs.push(d), { schema: SCHEMA, json: false });
    return ok(docs);
  } catch (err) {
    return fail(`YAML: ${((err as Error).message.split('\n')[0] ?? '').trim()}`);
  }
}

/**
 * Parses a single-document YAML configuration file under the YAML 1.2 core schema (no dates or
 * other implicit types). Throws an `Error` with a one-line message on invalid YAML.
 */
export function parseYaml(text: string): unknown {
  try {
    return load(text, { schema: CORE_SCHEMA });
  } catch (err) {
    throw new Error(((err as Error).message.split('\n')[0] ?? '').trim(), { cause: err });
  }
}

/** Plain JSON-like value of a loaded document (numbers as numbers), for schemas and metadata. */
export function toPlain(v: unknown): unknown {
  if (v instanceof YamlNumber) return v.value;
  if (Array.isArray(v)) return v.map(toPlain);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toPlain(x);
    return out;
  }
  return v;
}

/** Converts a loaded YAML value into a rule node. */
export function toRuleNode(v: unknown, depth = 0): Result<RuleNode> {
  if (depth > 64) return fail('YAML nesting too deep');
  if (v === null || v === undefined) return ok({ kind: 'null' });
  if (v instanceof YamlNumber) return ok({ kind: 'num', text: v.text, n: v.value });
  if (typeof v === 'boolean') return ok({ kind: 'bool', b: v });
  if (typeof v === 'string') return ok({ kind: 'str', text: v });
  if (typeof v === 'number') return ok({ kind: 'num', text: String(v), n: v });
  if (Array.isArray(v)) {
    const items: RuleNode[] = [];
    for (const item of v) {
      const r = toRuleNode(item, depth + 1);
      if (!r.ok) return r;
      items.push(r.value);
    }
    return ok({ kind: 'list', items });
  }
  if (typeof v === 'object') {
    const entries: [string, RuleNode][] = [];
    for (const [k, x] of Object.entries(v)) {
      const r = toRuleNode(x, depth + 1);
      if (!r.ok) return r;
      entries.push([k, r.value]);
    }
    return ok({ kind: 'map', entries });
  }
  return fail('unsupported YAML value');
}
