/**
 * @module
 * Analyses a report: indicators (refanged, known-benign ones dropped with a reason), explicit
 * technique ids, groups and software named, and the sentence model's techniques above its
 * threshold (at most three per sentence). Every item points to its sentence.
 */
import { sentenceAt } from '../document/build.js';
import type { TextDocument } from '../document/types.js';
import type { SentenceModel } from '../attack/model.js';
import type { BenignFilter } from '../iocs/benign.js';
import { extractIocs } from '../iocs/extract.js';
import type { DroppedItem, ExtractedItem, ReportAnalysis } from './types.js';

/** Options of `analyseDocument`. */
export interface AnalyseOptions {
  readonly model: SentenceModel;
  readonly benign: BenignFilter;
  /** Most model techniques per sentence. */
  readonly perSentence?: number;
}

/** Sentences too short to say what an attacker did. */
const MIN_WORDS = 4;

/** Analyses a document. */
export function analyseDocument(doc: TextDocument, o: AnalyseOptions): ReportAnalysis {
  const items: Omit<ExtractedItem, 'id'>[] = [];
  const dropped: DroppedItem[] = [];
  const seenDrop = new Set<string>();
  for (const m of extractIocs(doc.text)) {
    const sentence = Math.max(0, sentenceAt(doc, m.start));
    const reason = o.benign.reason(m.type, m.value);
    if (reason) {
      const k = `${m.type}\0${m.value}`;
      if (!seenDrop.has(k))
        dropped.push({ type: m.type, value: m.value, reason, sentence, start: m.start, end: m.end });
      seenDrop.add(k);
      continue;
    }
    items.push({
      kind: 'indicator',
      type: m.type,
      value: m.value,
      sentence,
      start: m.start,
      end: m.end,
      confidence: m.confidence,
      source: 'pattern',
    });
  }
  const k = o.model.knowledge;
  for (const t of k.explicitTechniques(doc.text)) {
    const info = k.technique(t.id);
    items.push({
      kind: 'technique',
      type: 'attack-pattern',
      value: t.id,
      ref: t.id,
      ...(info ? { name: info.name } : {}),
      sentence: Math.max(0, sentenceAt(doc, t.start)),
      start: t.start,
      end: t.end,
      confidence: 0.99,
      source: 'explicit-id',
    });
  }
  for (const a of k.actors(doc.text)) {
    items.push({
      kind: 'actor',
      type: a.actor.type as ExtractedItem['type'],
      value: a.actor.name,
      ref: a.actor.id,
      sentence: Math.max(0, sentenceAt(doc, a.start)),
      start: a.start,
      end: a.end,
      confidence: a.confidence,
      source: 'name',
    });
  }
  const per = o.perSentence ?? 3;
  doc.sentences.forEach((s, i) => {
    const text = doc.text.slice(s.start, s.end);
    if (text.split(/\s+/).length < MIN_WORDS) return;
    for (const p of o.model.predict(text, per)) {
      if (p.score < o.model.threshold) break;
      const info = k.technique(p.id);
      items.push({
        kind: 'technique',
        type: 'attack-pattern',
        value: p.id,
        ref: p.id,
        ...(info ? { name: info.name } : {}),
        sentence: i,
        start: s.start,
        end: s.end,
        confidence: Math.round(p.score * 1000) / 1000,
        source: 'model',
      });
    }
  });
  items.sort((a, b) => a.start - b.start || a.end - b.end);
  return { items: items.map((it, n) => ({ id: `i${n + 1}`, ...it })), dropped, model: o.model.info.version };
}
