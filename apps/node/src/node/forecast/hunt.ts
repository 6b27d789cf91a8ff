/**
 * @module
 * A ready hunt for a technique: the node's Sigma rules for it, turned into one query of the
 * node's search language, to run over the last days' events. Each search identifier that is not
 * a filter becomes a clause (fields AND-ed, list values OR-ed; `contains`, `startswith`,
 * `endswith` become wildcards, other modifiers such as `re` are left out rather than guessed);
 * the identifiers and rules are OR-ed. It casts a wider net than the rule (conditions and
 * filters are dropped), which is what a hunt is for.
 */
import { readFileSync } from 'node:fs';
import { parseSigmaText, type RuleDocument } from '@intersoc/detect';

/** Longest query produced (the search refuses more than 512 clauses anyway). */
const MAX_CLAUSES = 120;

type Node = {
  kind: string;
  text?: string;
  value?: unknown;
  items?: readonly Node[];
  entries?: readonly (readonly [string, Node])[];
};

function scalar(n: Node): string | undefined {
  if (n.kind === 'str') return n.text;
  if (n.kind === 'list' || n.kind === 'map' || n.kind === 'null') return undefined;
  const v = n.text ?? n.value;
  return v === undefined || v === null ? undefined : String(v);
}

/**
 * A literal as an unquoted search word: the characters that end a word are escaped, blanks and
 * the literal's own `*` and `?` become `?` (any one character). A backslash stays literal, as
 * the search language reads it (a Windows path is typed as it is).
 */
function literal(v: string): string {
  let out = '';
  for (const c of v) {
    if (/\s/.test(c) || c === '*' || c === '?') out += '?';
    else if ('()[]{}":'.includes(c)) out += `\\${c}`;
    else out += c;
  }
  return out;
}

function quoted(v: string): string {
  return `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** One field's values → a clause, or undefined when its modifiers cannot be searched. */
function fieldClause(key: string, node: Node): string | undefined {
  const [field = '', ...mods] = key.split('|');
  if (field === '' || !/^[A-Za-z0-9_.@-]+$/.test(field)) return undefined;
  const values = (node.kind === 'list' ? (node.items ?? []) : [node]).map(scalar).filter((v): v is string => !!v);
  if (values.length === 0) return undefined;
  const known = new Set(['contains', 'startswith', 'endswith', 'all', 'cased']);
  if (mods.some((m) => !known.has(m))) return undefined;
  const shape = (v: string): string => {
    if (mods.includes('contains')) return `${field}:*${literal(v)}*`;
    if (mods.includes('startswith')) return `${field}:${literal(v)}*`;
    if (mods.includes('endswith')) return `${field}:*${literal(v)}`;
    return `${field}:${quoted(v)}`;
  };
  const parts = values.map(shape);
  return parts.length === 1 ? parts[0] : `(${parts.join(mods.includes('all') ? ' AND ' : ' OR ')})`;
}

/** A search identifier → a clause. */
function identifierClause(node: Node): string | undefined {
  if (node.kind === 'map') {
    const parts = (node.entries ?? []).map(([k, v]) => fieldClause(k, v));
    if (parts.some((p) => p === undefined) || parts.length === 0) return undefined;
    return parts.length === 1 ? parts[0] : `(${parts.join(' AND ')})`;
  }
  if (node.kind === 'list') {
    // a list of maps is OR; a list of strings is keywords
    const parts = (node.items ?? [])
      .map((i) => (i.kind === 'map' ? identifierClause(i) : scalar(i) ? quoted(scalar(i) ?? '') : undefined))
      .filter((p): p is string => !!p);
    return parts.length === 0 ? undefined : parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`;
  }
  const s = scalar(node);
  return s ? quoted(s) : undefined;
}

/** Clauses of one rule document. */
export function ruleClauses(doc: RuleDocument): string[] {
  const out: string[] = [];
  for (const [name, node] of doc.detection.identifiers) {
    if (/^(filter|exclu|fp|falsepositive|not)/i.test(name)) continue;
    const c = identifierClause(node as unknown as Node);
    if (c) out.push(c);
  }
  return out;
}

/** The hunt query of the rules at `paths` with the given titles (undefined when nothing converts). */
export function huntQuery(rules: readonly { readonly path: string; readonly title: string }[]): string | undefined {
  const clauses: string[] = [];
  const files = new Map<string, RuleDocument[]>();
  for (const r of rules) {
    let docs = files.get(r.path);
    if (!docs) {
      try {
        docs = parseSigmaText(readFileSync(r.path, 'utf8'), r.path).flatMap((d) =>
          d.ok && d.doc.kind === 'rule' ? [d.doc] : [],
        );
      } catch {
        docs = [];
      }
      files.set(r.path, docs);
    }
    for (const d of docs) if (d.meta.title === r.title) clauses.push(...ruleClauses(d));
  }
  const unique = [...new Set(clauses)].slice(0, MAX_CLAUSES);
  return unique.length === 0 ? undefined : unique.join(' OR ');
}
