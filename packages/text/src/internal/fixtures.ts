/**
 * @module
 * Test fixtures of this package's store suites (`testing.ts`): a small report and an incident with
 * what the classifier reads of it, and the error code a call throws. No test runner here.
 */
import { isAppError } from '@intersoc/core';
import type { Incident } from '@intersoc/correlate';
import type { TextDocument } from '../document/types.js';
import type { ExtractedItem, ReportAnalysis } from '../reports/types.js';
import type { NewReport } from '../store/types.js';

/** An extracted technique in sentence `n`. */
export function testItem(n: number, value: string): ExtractedItem {
  return {
    id: `i${n}`,
    kind: 'technique',
    type: 'attack-pattern',
    value,
    sentence: n,
    start: 0,
    end: 10,
    confidence: 0.9,
    source: 'explicit-id',
  };
}

/** A small report whose SHA-256 is `hex` repeated (tests need not hash). */
export function testReport(hex: string, o: { title?: string; items?: number } = {}): NewReport {
  const document: TextDocument = {
    format: 'text',
    ...(o.title === undefined ? {} : { title: o.title }),
    text: `Report ${hex}: the actor used T1059.001. Ünïcode ✓ survives.`,
    paragraphs: [{ start: 0, end: 40, page: 1, part: 'body' }],
    sentences: [{ start: 0, end: 40, paragraph: 0 }],
    pages: 1,
    attachments: [],
    warnings: [],
  };
  const analysis: ReportAnalysis = {
    items: Array.from({ length: o.items ?? 2 }, (_, i) => testItem(i, `T1059.00${i + 1}`)),
    dropped: [{ type: 'ipv4-addr', value: '10.0.0.1', reason: 'private', sentence: 0, start: 1, end: 2 }],
    model: 'shipped-1',
  };
  return { sha256: hex.repeat(64 / hex.length), name: `${hex}.txt`, tlp: 'amber', bytes: 1234, document, analysis };
}

/**
 * An incident with what the classifier reads of it. Only those fields and the id and tenant are
 * set: the stores read nothing else (hence the cast).
 */
export function testIncident(id: string, tenant = 'acme', users: readonly string[] = ['alice']): Incident {
  return {
    id,
    tenant,
    tactics: ['execution', 'credential-access'],
    techniques: ['T1059.001', 'T1003.001'],
    rules: [{ title: 'Mimikatz', kind: 'sigma', count: 3 }],
    maxAlertSeverity: 'high',
    users,
    sources: ['windows'],
    alertCount: 4,
  } as unknown as Incident;
}

/** The error code `f` throws, or undefined. */
export function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (err) {
    return isAppError(err) ? err.code : 'not an AppError';
  }
  return undefined;
}
