/**
 * @module
 * Builds one block's term document for the FTS5 pruning index: the distinct tokens of every
 * field value of every event in the block. The pipeline collects them from the values it has
 * just parsed (`addEventTerms`, no second parse); blocks without them (rewritten blocks,
 * other writers) are re-derived with the injected hydrator (`addBlockTerms`).
 */
import type { EcsFields, FlatFields } from '@intersoc/core';
import { MAX_TOKEN } from '../query/tokens.js';
import { qualifier } from '../query/prune.js';
import type { BlockEvent } from './block-format.js';
import type { EventHydrator } from './types.js';

/** What an event's term set is built from: the same values search evaluates. */
export interface DerivedValues {
  readonly fields: FlatFields;
  readonly ecs: EcsFields;
}

const TOKEN = /[\p{L}\p{N}_]+/gu;
const qualifiers = new Map<string, string>();

/** `qualifier(field)`, memoised: an event has the same few dozen field names as its neighbours. */
function qualifierOf(field: string): string {
  let q = qualifiers.get(field);
  if (q === undefined) {
    if (qualifiers.size > 4096) qualifiers.clear();
    q = qualifier(field);
    qualifiers.set(field, q);
  }
  return q;
}

/** One field qualifier's tokens in a group, and the values they came from. */
export interface FieldTokens {
  readonly tokens: Set<string>;
  /**
   * The values already tokenised in this group: most values repeat from event to event (host,
   * channel, event code, provider, parent image), and a repeat adds no token, so it is skipped
   * with one set lookup instead of being lower-cased and tokenised again (which was most of the
   * bulk load's CPU).
   */
  readonly values: Set<string>;
}

/**
 * A group's field-qualified tokens: the tokens per field qualifier. Kept apart until the group's
 * document is written, so that `qualifier + token` is concatenated once per distinct pair rather
 * than once per occurrence (the concatenations and their hashing were most of ingest's cost).
 */
export type QualifiedTokens = Map<string, FieldTokens>;

/**
 * Adds the tokens of each field and ECS value of one event to `plain`, and the same tokens under
 * their field's qualifier to `qualified`, tokenising each distinct value of a field once per
 * group. Qualified tokens let `process.name:net.exe` narrow to groups where `net` and `exe` are
 * in `process.name`, not anywhere in the events. `plain` and `qualified` must be reset together.
 */
export function addEventTerms(d: DerivedValues, plain: Set<string>, qualified: QualifiedTokens): void {
  for (const k in d.fields) addField(k, d.fields[k], plain, qualified);
  for (const k in d.ecs) addField(k, (d.ecs as Record<string, unknown>)[k], plain, qualified);
}

function addField(k: string, v: unknown, plain: Set<string>, qualified: QualifiedTokens): void {
  if (v === null || v === undefined) return;
  if (Array.isArray(v)) {
    for (const x of v) addField(k, x, plain, qualified);
    return;
  }
  const q = qualifierOf(k);
  let mine = qualified.get(q);
  if (mine === undefined) qualified.set(q, (mine = { tokens: new Set(), values: new Set() }));
  const s = typeof v === 'string' ? v : String(v);
  if (mine.values.has(s)) return;
  mine.values.add(s);
  addValue(s, plain, mine.tokens);
}

/** The tokens of one value into `plain` and the field's own set. */
function addValue(v: string, plain: Set<string>, mine: Set<string>): void {
  const lower = v.toLowerCase();
  // ASCII runs of [a-z0-9_] without a regex match object per token: on ASCII text that is
  // exactly what TOKEN finds (the hot case: most values are ASCII). Any other character sends the
  // whole value through TOKEN; tokens added before are added again, which a set ignores.
  let start = -1;
  for (let i = 0; i <= lower.length; i++) {
    const c = i < lower.length ? lower.charCodeAt(i) : 32;
    if (c >= 128) {
      for (const m of lower.matchAll(TOKEN)) addToken(m[0], plain, mine);
      return;
    }
    const word = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95;
    if (word) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      addToken(lower.slice(start, i), plain, mine);
      start = -1;
    }
  }
}

function addToken(t: string, plain: Set<string>, mine: Set<string>): void {
  if (t.length > MAX_TOKEN) return;
  plain.add(t);
  mine.add(t);
}

/**
 * Events per group of the second, finer term index: search decodes a block whole but re-parses
 * (hydrates) only the groups whose terms can match, which is where a scan spends its time.
 */
export const GROUP_EVENTS = 64;
/** `blocks.indexed` of a block whose group documents hold field-qualified tokens too. */
export const INDEXED_QUALIFIED = 3;
/** Groups per block at most; `group_terms` rowids are `block * MAX_GROUPS + group`. */
export const MAX_GROUPS = 1024;

/** A block's term documents: the whole block's, and each group's when the block is small enough. */
export interface BlockTerms {
  readonly terms: string;
  readonly groups?: readonly string[];
}

/**
 * Term documents of a block's events, re-derived with the hydrator. `onEvent` receives each
 * event's derived values (the column builder shares this one hydration).
 */
export function addBlockTerms(
  events: readonly BlockEvent[],
  hydrator: EventHydrator,
  onEvent?: (e: BlockEvent, d: DerivedValues) => void,
): BlockTerms {
  const all = new Set<string>();
  const grouped = events.length <= GROUP_EVENTS * MAX_GROUPS;
  const groups: string[] = [];
  let plain = new Set<string>();
  let qualified: QualifiedTokens = new Map();
  events.forEach((e, i) => {
    const d = hydrator.hydrate(e);
    onEvent?.(e, d);
    addEventTerms(d, plain, qualified);
    if ((i + 1) % GROUP_EVENTS === 0 || i === events.length - 1) {
      for (const t of plain) all.add(t);
      if (grouped) groups.push(groupDoc(plain, qualified));
      plain = new Set();
      qualified = new Map();
    }
  });
  return { terms: Array.from(all).join(' '), ...(grouped ? { groups } : {}) };
}

/** A group's term document: its plain and its field-qualified tokens. */
export function groupDoc(plain: Set<string>, qualified: QualifiedTokens): string {
  const parts = [Array.from(plain).join(' ')];
  for (const [q, mine] of qualified) for (const t of mine.tokens) parts.push(q + t);
  return parts.join(' ');
}
