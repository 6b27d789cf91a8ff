/**
 * @module
 * Reads Sigma YAML text (one or many `---`-separated documents) into typed documents: detection
 * rules, correlation rules and filters. Every document is validated against its schema and
 * either parsed or rejected with a specific reason; nothing is compiled here.
 */
import { type Result, type Severity, fail, ok } from '@intersoc/core';
import { parseDetection, type DetectionSource } from '../compile/detection.js';
import { loadYamlDocuments, toPlain, toRuleNode } from './yaml-nodes.js';
import { validateDocument, type DocumentKind } from './validate.js';

/** Where a document came from. */
export interface DocumentOrigin {
  /** File path (or a label for text given directly). */
  readonly path: string;
  /** 0-based index of the document in a multi-document file. */
  readonly index: number;
}

/** The logsource triple (plus anything else the rule wrote). */
export interface Logsource {
  readonly category?: string;
  readonly product?: string;
  readonly service?: string;
}

/** Metadata shared by all kinds. */
export interface SigmaMeta {
  readonly title: string;
  readonly id?: string;
  readonly name?: string;
  readonly status?: string;
  readonly description?: string;
  readonly author?: string;
  readonly level?: Severity;
  readonly tags: readonly string[];
  readonly references: readonly string[];
  readonly falsepositives: readonly string[];
  readonly fields: readonly string[];
  readonly date?: string;
  readonly modified?: string;
  readonly taxonomy?: string;
}

/** A detection rule. */
export interface RuleDocument {
  readonly kind: 'rule';
  readonly origin: DocumentOrigin;
  readonly meta: SigmaMeta;
  readonly logsource: Logsource;
  readonly detection: DetectionSource;
}

/** Correlation types of Sigma v2.1.0. */
export type CorrelationType =
  'event_count' | 'value_count' | 'temporal' | 'temporal_ordered' | 'value_sum' | 'value_avg' | 'value_percentile';

/** Condition operators of correlations. */
export type CorrelationOp = 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq';

/** A correlation rule. */
export interface CorrelationDocument {
  readonly kind: 'correlation';
  readonly origin: DocumentOrigin;
  readonly meta: SigmaMeta;
  readonly type: CorrelationType;
  readonly rules: readonly string[];
  readonly groupBy: readonly string[];
  /** alias → (rule reference → field). */
  readonly aliases: ReadonlyMap<string, ReadonlyMap<string, string>>;
  readonly timespanMs: number;
  /** AND-linked comparisons; empty for temporal types without a condition. */
  readonly condition: readonly { readonly op: CorrelationOp; readonly value: number }[];
  /** `field` of value_* types (a list is AND-linked for value_count). */
  readonly field: readonly string[];
  /** pySigma's `percentile` extension of value_percentile. */
  readonly percentile?: number;
  readonly generate: boolean;
}

/** A filter (meta filter). */
export interface FilterDocument {
  readonly kind: 'filter';
  readonly origin: DocumentOrigin;
  readonly meta: SigmaMeta;
  readonly logsource: Logsource;
  /** Rule ids or names, or `any` for every rule of the logsource. */
  readonly rules: readonly string[] | 'any';
  readonly detection: DetectionSource;
}

/** Any Sigma document. */
export type SigmaDocument = RuleDocument | CorrelationDocument | FilterDocument;

/** A document that could not be used, and why. */
export interface Rejection {
  readonly path: string;
  readonly index: number;
  readonly title: string;
  readonly id?: string;
  readonly reason: string;
}

/** Per-document outcome of parsing a file. */
export type DocumentResult =
  | { readonly ok: true; readonly doc: SigmaDocument; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly rejection: Rejection };

/** Parses every document of a YAML text. */
export function parseSigmaText(text: string, path: string): DocumentResult[] {
  const loaded = loadYamlDocuments(text);
  if (!loaded.ok) return [{ ok: false, rejection: { path, index: 0, title: '', reason: loaded.reason } }];
  const out: DocumentResult[] = [];
  // Sigma v1 collections (`action: global`) spread one rule over several documents.
  const collection = loaded.value.some((d) => isObject(d) && d['action'] !== undefined);
  loaded.value.forEach((doc, index) => {
    if (doc === null || doc === undefined) return; // empty document, e.g. a trailing `---`
    if (collection) {
      out.push(
        reject(
          { path, index },
          toPlain(doc),
          'part of an obsolete Sigma v1 rule collection (action: global/reset/repeat): rewrite as separate rules',
        ),
      );
      return;
    }
    out.push(parseOne(doc, { path, index }));
  });
  return out;
}

function reject(origin: DocumentOrigin, raw: unknown, reason: string): DocumentResult {
  const obj = isObject(raw) ? raw : {};
  const title = typeof obj['title'] === 'string' ? obj['title'] : '';
  const id = typeof obj['id'] === 'string' ? obj['id'] : undefined;
  return { ok: false, rejection: { path: origin.path, index: origin.index, title, ...(id ? { id } : {}), reason } };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseOne(doc: unknown, origin: DocumentOrigin): DocumentResult {
  const raw = toPlain(doc);
  if (!isObject(raw) || !isObject(doc)) return reject(origin, raw, 'document is not a YAML map');
  if ('action' in raw) return reject(origin, raw, `obsolete Sigma v1 collection action "${String(raw['action'])}"`);
  const kind: DocumentKind | undefined =
    'correlation' in raw ? 'correlation' : 'filter' in raw ? 'filter' : 'detection' in raw ? 'rule' : undefined;
  if (!kind)
    return reject(origin, raw, 'not a Sigma rule, correlation or filter (no detection, correlation or filter section)');
  const schema = validateDocument(kind, raw);
  if (schema.error) {
    // Report obsolete syntax before the schema complaint it usually causes.
    const obsolete = kind === 'rule' ? obsoleteSyntax(raw) : undefined;
    return reject(origin, raw, obsolete ?? schema.error);
  }
  const warnings = schema.warnings;
  const meta = parseMeta(raw);
  switch (kind) {
    case 'rule': {
      const det = toRuleNode(doc['detection']);
      if (!det.ok) return reject(origin, raw, det.reason);
      const detection = parseDetection(det.value);
      if (!detection.ok) return reject(origin, raw, detection.reason);
      return {
        ok: true,
        doc: { kind, origin, meta, logsource: parseLogsource(raw['logsource']), detection: detection.value },
        warnings,
      };
    }
    case 'filter': {
      const r = parseFilter(doc, raw, origin, meta);
      return r.ok ? { ok: true, doc: r.value, warnings } : reject(origin, raw, r.reason);
    }
    case 'correlation': {
      const r = parseCorrelation(raw, origin, meta);
      return r.ok ? { ok: true, doc: r.value, warnings } : reject(origin, raw, r.reason);
    }
  }
}

function obsoleteSyntax(raw: Record<string, unknown>): string | undefined {
  const det = raw['detection'];
  if (!isObject(det)) return undefined;
  if ('timeframe' in det) return 'detection.timeframe is obsolete aggregation syntax: use a correlation rule';
  const cond = det['condition'];
  const conds = Array.isArray(cond) ? cond : [cond];
  for (const c of conds) {
    if (typeof c !== 'string') continue;
    if (c.includes('|')) return `obsolete aggregation syntax in condition "${c}": use a correlation rule`;
    if (/\bnear\b/.test(c)) return `obsolete "near" operator in condition "${c}": use a temporal correlation rule`;
  }
  return undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

function strList(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function parseMeta(raw: Record<string, unknown>): SigmaMeta {
  const meta: Record<string, unknown> = {
    title: str(raw['title']) ?? '',
    tags: strList(raw['tags']),
    references: strList(raw['references']),
    falsepositives: strList(raw['falsepositives']),
    fields: strList(raw['fields']),
  };
  for (const k of ['id', 'name', 'status', 'description', 'author', 'level', 'date', 'modified', 'taxonomy'] as const) {
    const v = str(raw[k]);
    if (v !== undefined) meta[k] = v;
  }
  return meta as unknown as SigmaMeta;
}

function parseLogsource(v: unknown): Logsource {
  const o = isObject(v) ? v : {};
  const out: { category?: string; product?: string; service?: string } = {};
  for (const k of ['category', 'product', 'service'] as const) {
    const s = str(o[k]);
    if (s !== undefined && s !== '') out[k] = s.toLowerCase();
  }
  return out;
}

function parseFilter(
  doc: Record<string, unknown>,
  raw: Record<string, unknown>,
  origin: DocumentOrigin,
  meta: SigmaMeta,
): Result<FilterDocument> {
  const node = toRuleNode(doc['filter']);
  if (!node.ok) return node;
  if (node.value.kind !== 'map') return fail('filter must be a map');
  // The filter section is a detection whose `rules` entry names the rules it applies to.
  const entries = node.value.entries.filter(([k]) => k !== 'rules');
  const detection = parseDetection({ kind: 'map', entries });
  if (!detection.ok) return detection;
  const filter = raw['filter'] as Record<string, unknown>;
  const rulesRaw = filter['rules'];
  const rules = typeof rulesRaw === 'string' ? 'any' : strList(rulesRaw);
  return ok({
    kind: 'filter',
    origin,
    meta,
    logsource: parseLogsource(raw['logsource']),
    rules,
    detection: detection.value,
  });
}

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  M: 2_629_746_000,
  y: 31_556_952_000,
};

/** Parses a correlation timespan (`30s`, `5m`, `1h`, `7d`; pySigma's `w`, `M`, `y` too). */
export function parseTimespan(text: string): Result<number> {
  const m = /^(\d+)([smhdwMy])$/.exec(text.trim());
  if (!m) return fail(`invalid timespan "${text}" (expected a number and one of s, m, h, d)`);
  const n = Number(m[1]);
  if (n <= 0) return fail(`timespan "${text}" must be greater than zero`);
  return ok(n * (UNIT_MS[m[2] as string] as number));
}

const OPS = new Set<CorrelationOp>(['gt', 'gte', 'lt', 'lte', 'eq', 'neq']);

function parseCorrelation(
  raw: Record<string, unknown>,
  origin: DocumentOrigin,
  meta: SigmaMeta,
): Result<CorrelationDocument> {
  const c = raw['correlation'] as Record<string, unknown>;
  const type = c['type'] as CorrelationType;
  const span = parseTimespan(String(c['timespan']));
  if (!span.ok) return span;
  const condition: { op: CorrelationOp; value: number }[] = [];
  let field: string[] = [];
  let percentile: number | undefined;
  const cond = isObject(c['condition']) ? c['condition'] : {};
  for (const [k, v] of Object.entries(cond)) {
    if (k === 'field') {
      field = strList(v);
      if (field.length === 0) return fail('correlation condition field must be a field name or a list of them');
    } else if (k === 'percentile') {
      if (typeof v !== 'number' || v < 0 || v > 100)
        return fail('correlation condition percentile must be a number from 0 to 100');
      percentile = v;
    } else if (OPS.has(k as CorrelationOp)) {
      if (typeof v !== 'number' || !Number.isFinite(v)) return fail(`correlation condition ${k} must be a number`);
      condition.push({ op: k as CorrelationOp, value: v });
    } else {
      return fail(`unknown correlation condition key "${k}"`);
    }
  }
  const temporal = type === 'temporal' || type === 'temporal_ordered';
  if (!temporal && condition.length === 0)
    return fail(`a ${type} correlation needs a comparison (gt, gte, lt, lte, eq or neq)`);
  if (type.startsWith('value_') && field.length === 0) return fail(`a ${type} correlation needs condition.field`);
  if (type !== 'value_count' && field.length > 1) return fail(`a ${type} correlation takes a single field`);
  const aliases = new Map<string, Map<string, string>>();
  if (isObject(c['aliases'])) {
    for (const [alias, mapping] of Object.entries(c['aliases'])) {
      if (!isObject(mapping)) return fail(`alias "${alias}" must map rule names to fields`);
      const m = new Map<string, string>();
      for (const [ruleRef, f] of Object.entries(mapping)) {
        if (typeof f !== 'string') return fail(`alias "${alias}" of rule "${ruleRef}" must be a field name`);
        m.set(ruleRef, f);
      }
      aliases.set(alias, m);
    }
  }
  const rules = strList(c['rules']);
  if (rules.length === 0) return fail('a correlation must reference at least one rule');
  if (temporal && rules.length < 2 && condition.length === 0) {
    return fail(`a ${type} correlation needs at least two rules`);
  }
  return ok({
    kind: 'correlation',
    origin,
    meta,
    type,
    rules,
    groupBy: strList(c['group-by']),
    aliases,
    timespanMs: span.value,
    condition,
    field,
    ...(percentile === undefined ? {} : { percentile }),
    generate: raw['generate'] === true || c['generate'] === true,
  });
}
