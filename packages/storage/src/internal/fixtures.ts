/**
 * @module
 * Test data shared by the SQLite and PostgreSQL suites of the alert queue: a numbered alert of a
 * tenant, one per hour from 2024-05-01, whose rules, severities, techniques and entities vary with
 * its number (one host and one account under several spellings, which must count as one).
 */
import type { Alert } from '@intersoc/core';

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 4, 1);

/** Alert `i` of `tenant`, created and timed `i` hours after 2024-05-01, with `o` on top. */
export function numberedAlert(tenant: string, i: number, o: Partial<Alert> = {}): Alert {
  return {
    id: `${tenant}-alert-${String(i).padStart(4, '0')}`,
    tenant,
    created: T0 + i * HOUR,
    time: T0 + i * HOUR,
    detector: {
      kind: 'sigma',
      ruleId: i % 3 === 0 ? 'rule-a' : 'rule-b',
      ruleTitle: i % 3 === 0 ? 'Rule A' : 'Rule B',
    },
    severity: i % 2 === 0 ? 'high' : 'low',
    tactics: ['credential-access'],
    techniques: i % 3 === 0 ? ['T1003.001'] : ['T1110.001', 'T1078'],
    entities: [
      { type: 'host', value: i % 4 === 1 ? 'HOST-1.corp.example.com' : `host-${i % 2}` },
      { type: 'user', value: i < 5 ? 'alice' : i === 6 ? 'CORP\\Bob' : 'bob' },
    ],
    eventIds: [],
    summary: `alert ${i} of ${tenant}`,
    ...o,
  };
}
