/**
 * @module
 * The query language's view of one event, shared by the SQLite and PostgreSQL readers: the
 * document a compiled query reads (envelope pseudo-fields, the `host`/`user` entity aliases, ECS,
 * originals), and the event ids a query is restricted to, which both stores answer from their id
 * index instead of scanning.
 */
import type { FieldValue, Scalar, SocEvent } from '@intersoc/core';
import type { QueryNode } from '../query/ast.js';
import type { QueryDoc } from '../query/evaluate.js';

/** The values of the `host` / `user` aliases of an event: its ECS names, else its own field. */
function entityAlias(
  name: FieldValue | undefined,
  full: FieldValue | undefined,
  own: FieldValue | undefined,
): FieldValue | undefined {
  if (name === undefined) return own;
  const out: Scalar[] = [];
  for (const v of [name, full, own]) {
    if (v === undefined) continue;
    if (Array.isArray(v)) out.push(...(v as readonly Scalar[]));
    else out.push(v as Scalar);
  }
  return out;
}

/**
 * The query document of an event: envelope pseudo-fields (`_id`, `_label`, ...), the entity
 * aliases `host` and `user`, ECS, originals.
 */
export function eventDoc(e: SocEvent): QueryDoc {
  const ecs = e.ecs as Record<string, FieldValue | undefined>;
  return {
    get(field) {
      switch (field) {
        case '_id':
          return e.id;
        case '_label':
          return e.label;
        case '_format':
          return e.source.format;
        case '_source':
          return e.source.name;
        case '_kind':
          return e.source.kind;
        case 'host':
          return entityAlias(ecs['host.name'], ecs['host.hostname'], e.fields['host']);
        case 'user':
          return entityAlias(ecs['user.name'], undefined, e.fields['user']);
        default:
          return ecs[field] ?? e.fields[field];
      }
    },
    *values() {
      yield* Object.values(e.ecs);
      yield* Object.values(e.fields);
    },
  };
}

/**
 * The event ids a query is restricted to: `_id:X`, an OR of those, or an AND with one of them
 * (the UI opens events and highlights alerts' events this way). Undefined for any other query.
 */
export function idsOf(node: QueryNode): string[] | undefined {
  switch (node.type) {
    case 'term':
      if (node.field !== '_id' || node.match.kind !== 'text') return undefined;
      // A value that is not an id matches no event: an empty set prunes every block.
      return /^[0-9a-f]{32}$/i.test(node.match.value) ? [node.match.value.toLowerCase()] : [];
    case 'or': {
      const out: string[] = [];
      for (const c of node.children) {
        const ids = idsOf(c);
        if (ids === undefined) return undefined;
        out.push(...ids);
      }
      return out;
    }
    case 'and': {
      for (const c of node.children) {
        const ids = idsOf(c);
        if (ids !== undefined) return ids;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}
