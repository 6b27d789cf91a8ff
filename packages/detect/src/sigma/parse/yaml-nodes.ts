/**
 * @module
 * YAML → rule nodes. Detection values keep the spelling of plain scalars (`0x10` stays `0x10`,
 * not 16), because Sigma compares values as strings; maps keep their key order.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, Scalar, type Document, type Node } from 'yaml';
import { fail, ok, type Result } from '@intersoc/core';
import type { RuleNode } from '../compile/detection.js';

/** Converts a YAML node (from a parsed document) into a rule node. */
export function toRuleNode(node: unknown, doc: Document.Parsed): Result<RuleNode> {
  let n: unknown = node;
  for (let depth = 0; isAlias(n); depth++) {
    if (depth > 16) return fail('YAML alias chain too deep');
    n = n.resolve(doc);
  }
  if (n === null || n === undefined) return ok({ kind: 'null' });
  if (isScalar(n)) return ok(scalar(n));
  if (isSeq(n)) {
    const items: RuleNode[] = [];
    for (const item of n.items) {
      const r = toRuleNode(item, doc);
      if (!r.ok) return r;
      items.push(r.value);
    }
    return ok({ kind: 'list', items });
  }
  if (isMap(n)) {
    const entries: [string, RuleNode][] = [];
    for (const pair of n.items) {
      if (!isPair(pair)) return fail('unexpected YAML map entry');
      const key = pair.key;
      let keyText: string;
      if (isScalar(key)) keyText = key.source ?? String(key.value);
      else if (key === null || key === undefined) keyText = '';
      else return fail('YAML map keys must be scalars');
      const r = toRuleNode(pair.value as Node | null, doc);
      if (!r.ok) return r;
      entries.push([keyText, r.value]);
    }
    return ok({ kind: 'map', entries });
  }
  return fail('unsupported YAML node');
}

function scalar(n: Scalar): RuleNode {
  const v: unknown = n.value;
  if (v === null || v === undefined) return { kind: 'null' };
  if (typeof v === 'boolean')
    return n.type === Scalar.PLAIN ? { kind: 'bool', b: v } : { kind: 'str', text: String(v) };
  if (typeof v === 'number' || typeof v === 'bigint') {
    const text = n.type === Scalar.PLAIN && typeof n.source === 'string' ? n.source : String(v);
    return { kind: 'num', text, n: Number(v) };
  }
  return { kind: 'str', text: String(v) };
}
