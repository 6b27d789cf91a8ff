/**
 * @module
 * The `text iocs` answer: distinct indicators of a document, refanged, and the known-benign ones
 * that were dropped, each with its reason.
 */
import type { TextDocument } from '../document/types.js';
import type { BenignFilter } from './benign.js';
import { extractIocs } from './extract.js';
import type { IocType } from './types.js';

/** Distinct indicators and dropped values of a document. */
export interface IocReport {
  readonly iocs: { readonly type: IocType; readonly value: string }[];
  readonly dropped: { readonly type: IocType; readonly value: string; readonly reason: string }[];
}

/** Indicators of a document (or text), each (type, value) once, in order of first appearance. */
export function collectIocs(doc: Pick<TextDocument, 'text'>, benign: BenignFilter): IocReport {
  const seen = new Set<string>();
  const out: IocReport = { iocs: [], dropped: [] };
  for (const m of extractIocs(doc.text)) {
    const k = `${m.type}\0${m.value}`;
    if (seen.has(k)) continue;
    seen.add(k);
    const reason = benign.reason(m.type, m.value);
    if (reason) out.dropped.push({ type: m.type, value: m.value, reason });
    else out.iocs.push({ type: m.type, value: m.value });
  }
  return out;
}
