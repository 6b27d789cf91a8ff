/**
 * @module
 * The query document of an alert: its JSON flattened to dotted fields, plus short aliases
 * (`rule`, `technique`, `tactic`, `entity`, `host`, `user`, `ip`) analysts type most; `host` and
 * `user` also hold the canonical short host and account names.
 */
import { accountName, flattenInto, shortHostName, type Alert, type FieldValue, type FlatFields } from '@intersoc/core';
import type { QueryDoc } from '../query/evaluate.js';

/** Builds the query document of an alert. */
export function flattenForQuery(a: Alert): QueryDoc {
  const flat: FlatFields = {};
  flattenInto(flat, a);
  const byType = (t: string): string[] => a.entities.filter((e) => e.type === t).map((e) => e.value);
  const alias: Record<string, FieldValue> = {
    rule: a.detector.ruleTitle,
    rule_id: a.detector.ruleId,
    detector: a.detector.kind,
    technique: [...a.techniques],
    tactic: [...a.tactics],
    entity: a.entities.map((e) => e.value),
    // Entities keep the spelling of the event; the canonical names are matched too.
    host: withCanonical(byType('host'), shortHostName),
    user: withCanonical(byType('user'), accountName),
    ip: byType('ip'),
  };
  return {
    get: (f) => alias[f] ?? flat[f],
    values: () => Object.values(flat),
  };
}

function withCanonical(values: string[], canonical: (v: string) => string): string[] {
  const out = new Set(values);
  for (const v of values) out.add(canonical(v));
  return [...out];
}
