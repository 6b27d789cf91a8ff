/**
 * @module
 * Entity spellings in queries. Ingest stores `host.name` as the short lower-case name and
 * `user.name` as the bare account (see `@intersoc/core` names), while analysts paste what they
 * see: `host:FS-01`, `host:fs-01.corp.example.com`, `user:CORP\rconti`. A value on a host or user
 * field is also tried in its canonical spelling, so every spelling finds the same events and
 * alerts (and stored alerts whose entities were written under a long name still match).
 */
import { accountName, shortHostName } from '@intersoc/core';
import type { QueryNode } from './ast.js';

const HOST_FIELDS = new Set(['host', 'host.name']);
const USER_FIELDS = new Set(['user', 'user.name']);

/** Rewrites host and user terms into "as written OR canonical"; other nodes are returned as they are. */
export function expandAliases(node: QueryNode): QueryNode {
  switch (node.type) {
    case 'and':
    case 'or':
      return { type: node.type, children: node.children.map(expandAliases) };
    case 'not':
      return { type: 'not', child: expandAliases(node.child) };
    case 'all':
      return node;
    case 'term': {
      const { field, match } = node;
      if (field === undefined || match.kind !== 'text') return node;
      const lower = field.toLowerCase();
      const canonical = HOST_FIELDS.has(lower)
        ? shortHostName(match.value)
        : USER_FIELDS.has(lower)
          ? accountName(match.value)
          : undefined;
      if (canonical === undefined || canonical.length === 0 || canonical === match.value.toLowerCase()) return node;
      return {
        type: 'or',
        children: [node, { type: 'term', field, match: { kind: 'text', value: canonical, quoted: match.quoted } }],
      };
    }
  }
}
