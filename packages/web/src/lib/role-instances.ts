/**
 * @module
 * Rows of the health view's role-instance table: one per process, its lag summed over its
 * consumer groups (with the groups spelled out), and a status word an operator can scan.
 */
import type { RoleInstance } from '../api/types';

/** One table row. */
export interface RoleRow {
  readonly key: string;
  readonly roles: string;
  readonly where: string;
  /** Messages not yet delivered, summed over the instance's groups. */
  readonly lag: number;
  /** `detect 0, correlate-3 12`: each group's lag (and in-flight when any). */
  readonly groups: string;
  readonly status: 'ok' | 'stale' | 'store down';
  readonly lastSeen: number;
  readonly started: number;
}

/** Rows for `instances`; a stale heartbeat wins over a store outage (the report itself is old). */
export function roleRows(instances: readonly RoleInstance[]): RoleRow[] {
  return instances.map((i) => {
    const groups = Object.keys(i.lag).sort();
    return {
      key: i.instance,
      roles: i.roles.join(', '),
      where: `${i.host} · pid ${i.pid}`,
      lag: groups.reduce((a, g) => a + (i.lag[g] ?? 0), 0),
      groups:
        groups.length === 0
          ? 'no consumer info'
          : groups
              .map((g) => {
                const f = i.inFlight[g] ?? 0;
                return `${g} ${i.lag[g] ?? 0}${f > 0 ? ` (+${f} in flight)` : ''}`;
              })
              .join(', '),
      status: i.stale ? 'stale' : i.storeUp === false ? 'store down' : 'ok',
      lastSeen: i.lastSeen,
      started: i.started,
    };
  });
}
