/**
 * @module
 * Small alert fixtures for the package's tests.
 */
import type { Alert, Entity, Severity } from '@intersoc/core';

let n = 0;

/** An alert with sensible defaults; `entities` given as `type=value` or `type/role=value`. */
export function makeAlert(o: {
  readonly id?: string;
  readonly tenant?: string;
  readonly time: number;
  readonly rule?: string;
  readonly severity?: Severity;
  readonly tactics?: readonly string[];
  readonly techniques?: readonly string[];
  readonly entities?: readonly string[];
  readonly details?: Readonly<Record<string, unknown>>;
  readonly kind?: string;
}): Alert {
  n++;
  const entities: Entity[] = (o.entities ?? []).map((s) => {
    const eq = s.indexOf('=');
    const [type, role] = s.slice(0, eq).split('/');
    const value = s.slice(eq + 1);
    return role === undefined ? { type: type as Entity['type'], value } : { type: type as Entity['type'], value, role };
  });
  const rule = o.rule ?? 'rule-a';
  return {
    id: o.id ?? `alert-${n}`,
    tenant: o.tenant ?? 't1',
    created: o.time,
    time: o.time,
    detector: { kind: o.kind ?? 'sigma', ruleId: rule, ruleTitle: `Rule ${rule}` },
    severity: o.severity ?? 'medium',
    tactics: o.tactics ?? ['execution'],
    techniques: o.techniques ?? ['T1059'],
    entities,
    eventIds: [`ev-${n}`],
    summary: `Rule ${rule} fired`,
    ...(o.details === undefined ? {} : { details: o.details }),
  };
}

/** Minutes as ms. */
export const MIN = 60_000;
