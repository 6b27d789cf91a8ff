/**
 * @module
 * Compiles STIX indicators into matchable form. A pattern that is one observation of ORed
 * equality / IN / ISSUBSET / suffix-LIKE tests on well-known observable paths becomes simple
 * indicators for the hash, CIDR and domain indexes; anything else is kept for the pattern
 * matcher.
 */
import type { Comparison, ComparisonExpression, Literal, Pattern } from '../pattern/ast.js';
import { parsePattern } from '../pattern/parser.js';
import { normaliseTlp } from '../taxonomies/tlp.js';
import { hashAlgorithm, normaliseValue } from './normalise.js';
import type { IndicatorMeta, IndicatorSet, IocKind, SimpleIndicator } from './types.js';

/** A comparison reduced to a kind and a value. */
export interface SimpleComparison {
  readonly kind: IocKind;
  readonly value: string;
  readonly subdomains?: boolean;
}

const PATH_KINDS: Readonly<Record<string, IocKind>> = {
  'ipv4-addr:value': 'ip',
  'ipv6-addr:value': 'ip',
  'network-traffic:src_ref.value': 'ip',
  'network-traffic:dst_ref.value': 'ip',
  'domain-name:value': 'domain',
  'network-traffic:dst_ref.value#domain': 'domain',
  'url:value': 'url',
  'email-addr:value': 'email',
  'email-message:from_ref.value': 'email',
  'email-message:sender_ref.value': 'email',
};

function pathText(c: Comparison): string {
  const steps = c.path.steps.map((s) => (s.kind === 'key' ? s.key : `[${s.index}]`)).join('.');
  return `${c.path.objectType}:${steps}`;
}

function reduceComparison(c: Comparison): SimpleComparison[] | undefined {
  if (c.negated) return undefined;
  const path = pathText(c);
  const literals: readonly Literal[] =
    c.operator === 'IN' ? (c.value as readonly Literal[]) : c.value === undefined ? [] : [c.value as Literal];
  if (literals.length === 0 || literals.some((l) => l.kind !== 'string')) return undefined;
  const values = literals.map((l) => l.value as string);
  const isHash =
    c.path.objectType === 'file' || c.path.objectType === 'artifact' || c.path.objectType === 'x509-certificate';
  if (isHash && c.path.steps.length === 2 && c.path.steps[0]?.kind === 'key' && c.path.steps[0].key === 'hashes') {
    if (c.operator !== '=' && c.operator !== 'IN') return undefined;
    const out = values.map((v) => (hashAlgorithm(v) ? { kind: 'hash' as const, value: v.toLowerCase() } : undefined));
    return out.every((x) => x !== undefined) ? (out as SimpleComparison[]) : undefined;
  }
  const kind = PATH_KINDS[path];
  if (!kind) return undefined;
  if (c.operator === 'LIKE' && kind === 'domain' && values.length === 1) {
    const m = /^%\.([^%_]+)$/.exec(values[0] as string);
    const d = m ? normaliseValue('domain', m[1] as string) : undefined;
    return d ? [{ kind: 'domain', value: d, subdomains: true }] : undefined;
  }
  if (c.operator === 'ISSUBSET' && kind === 'ip') {
    const v = normaliseValue('ip', values[0] as string);
    return v ? [{ kind: 'ip', value: v }] : undefined;
  }
  if (c.operator !== '=' && c.operator !== 'IN') return undefined;
  const out: SimpleComparison[] = [];
  for (const raw of values) {
    // dst_ref.value may hold a domain when dst_ref points at a domain-name.
    let k: IocKind = kind;
    let v = normaliseValue(k, raw);
    if (v === undefined && kind === 'ip') {
      k = 'domain';
      v = normaliseValue(k, raw);
    }
    if (v === undefined) return undefined;
    out.push({ kind: k, value: v });
  }
  return out;
}

/**
 * The simple comparisons a pattern stands for, when it is one unqualified observation made of
 * ORed reducible comparisons; undefined otherwise.
 */
export function reducePattern(pattern: Pattern): SimpleComparison[] | undefined {
  const root = pattern.root;
  if (root.kind !== 'observation') return undefined;
  const out: SimpleComparison[] = [];
  const walk = (e: ComparisonExpression): boolean => {
    if (e.kind === 'comparison') {
      const r = reduceComparison(e);
      if (!r) return false;
      out.push(...r);
      return true;
    }
    if (e.kind === 'or') return e.operands.every(walk);
    return false;
  };
  return walk(root.comparison) ? out : undefined;
}

const tactics = (phases: unknown): string[] =>
  Array.isArray(phases)
    ? phases
        .filter((p): p is { kill_chain_name: string; phase_name: string } => !!p && typeof p === 'object')
        .filter((p) => /mitre/.test(String(p.kill_chain_name)))
        .map((p) => String(p.phase_name))
    : [];

/** Lifecycle metadata of a STIX indicator object. */
export function stixIndicatorMeta(o: Readonly<Record<string, unknown>>): IndicatorMeta {
  const time = (k: string): number | undefined => {
    const v = o[k];
    const t = typeof v === 'string' ? Date.parse(v) : NaN;
    return Number.isNaN(t) ? undefined : t;
  };
  const markings = Array.isArray(o['object_marking_refs']) ? (o['object_marking_refs'] as string[]) : [];
  const tlp = markings.map((m) => normaliseTlp(m)).find((l) => l !== undefined);
  const techniques = Array.isArray(o['external_references'])
    ? (o['external_references'] as { source_name?: string; external_id?: string }[])
        .filter((r) => r.source_name === 'mitre-attack' && typeof r.external_id === 'string')
        .map((r) => r.external_id as string)
    : [];
  const meta: Record<string, unknown> = {
    id: String(o['id']),
    source: 'stix',
  };
  if (typeof o['name'] === 'string') meta['name'] = o['name'];
  const vf = time('valid_from');
  const vu = time('valid_until');
  const created = time('modified') ?? time('created');
  if (vf !== undefined) meta['validFrom'] = vf;
  if (vu !== undefined) meta['validUntil'] = vu;
  if (created !== undefined) meta['created'] = created;
  if (o['revoked'] === true) meta['revoked'] = true;
  if (typeof o['confidence'] === 'number') meta['confidence'] = o['confidence'];
  if (tlp) meta['tlp'] = tlp;
  if (techniques.length > 0) meta['techniques'] = techniques;
  const t = tactics(o['kill_chain_phases']);
  if (t.length > 0) meta['tactics'] = t;
  return meta as unknown as IndicatorMeta;
}

/** Compiles the STIX indicators among `objects` (other objects are ignored). */
export function indicatorsFromStix(objects: readonly unknown[]): IndicatorSet {
  const set: IndicatorSet = { simple: [], patterns: [], rejected: [] };
  for (const raw of objects) {
    if (!raw || typeof raw !== 'object') continue;
    const o = raw as Record<string, unknown>;
    if (o['type'] === 'bundle' && Array.isArray(o['objects'])) {
      const inner = indicatorsFromStix(o['objects'] as unknown[]);
      set.simple.push(...inner.simple);
      set.patterns.push(...inner.patterns);
      set.rejected.push(...inner.rejected);
      continue;
    }
    if (o['type'] !== 'indicator') continue;
    const id = String(o['id']);
    if (o['pattern_type'] !== 'stix' || typeof o['pattern'] !== 'string') {
      set.rejected.push({ id, reason: `pattern_type ${String(o['pattern_type'])} is not matched here` });
      continue;
    }
    const parsed = parsePattern(o['pattern'], { version: o['pattern_version'] === '2.0' ? '2.0' : '2.1' });
    if (!parsed.ok) {
      set.rejected.push({ id, reason: parsed.reason.message });
      continue;
    }
    const meta = stixIndicatorMeta(o);
    const simple = reducePattern(parsed.value);
    if (simple) {
      for (const s of simple) set.simple.push(simpleOf(meta, s));
    } else {
      set.patterns.push({ ...meta, pattern: parsed.value, source_pattern: o['pattern'] });
    }
  }
  return set;
}

function simpleOf(meta: IndicatorMeta, s: SimpleComparison): SimpleIndicator {
  const algorithm = s.kind === 'hash' ? hashAlgorithm(s.value) : undefined;
  return {
    ...meta,
    kind: s.kind,
    value: s.value,
    ...(s.subdomains ? { subdomains: true } : {}),
    ...(algorithm ? { algorithm } : {}),
  };
}
