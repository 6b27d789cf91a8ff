/**
 * @module
 * The report service: what the CLI, the API and the dashboard do with reports. Add (read the file
 * in the bounded worker, analyse, store), list, show, review (accept, reject, correct items or add
 * a missed technique; every technique decision becomes a labelled sentence), publish (the STIX
 * bundle of the reviewed items into the CTI store under the report's TLP, where federation shares
 * it under policy) and delete. Every call takes the caller's context; writers are admins and
 * analysts.
 */
import { createHash } from 'node:crypto';
import { AppError, requireRole, type AuthContext } from '@intersoc/core';
import type { CtiStore, PutOutcome, TlpLevel } from '@intersoc/cti';
import type { SentenceModel } from '../attack/model.js';
import type { TextDocument } from '../document/types.js';
import type { ExtractOptions } from '../extract/extract.js';
import type { BenignFilter } from '../iocs/benign.js';
import { reportBundle, type StixJson } from '../stix/bundle.js';
import type { ReportStore, ReportSummary, ReviewDecision, SentenceLabel, StoredReport } from '../store/types.js';
import { analyseDocument } from './analyse.js';
import type { ExtractedItem } from './types.js';

const WRITERS = ['admin', 'analyst'] as const;
const READERS = ['admin', 'analyst', 'viewer'] as const;

/** What the service needs. */
export interface ReportServiceDeps {
  /** `SqliteReportStore` on a node, `PgReportStore` in the api role. */
  readonly store: ReportStore;
  /** The tenant's sentence model (its active retrained version, else the shipped one). */
  readonly model: (ctx: AuthContext) => SentenceModel;
  readonly benign: BenignFilter;
  readonly cti: CtiStore;
  /** Reads a file into a document (the isolated worker in a node). */
  readonly extract: (bytes: Uint8Array, options: ExtractOptions) => Promise<TextDocument>;
}

/** One review decision as a client sends it. */
export interface ReviewInput {
  readonly item: string;
  readonly decision: ReviewDecision;
  readonly value?: string;
}

/** A missed technique an analyst adds to a sentence. */
export interface AddedTechnique {
  readonly sentence: number;
  readonly technique: string;
}

/** The outcome of publishing. */
export interface PublishResult {
  readonly report: string;
  readonly bundle: string;
  readonly objects: number;
  readonly added: number;
  readonly duplicates: number;
  readonly rejected: readonly PutOutcome[];
}

const TECHNIQUE = /^T\d{4}(\.\d{3})?$/;

/** The items a bundle is made of: accepted and unreviewed ones, corrected ones with their new value. */
export function effectiveItems(r: StoredReport): ExtractedItem[] {
  const out: ExtractedItem[] = [];
  for (const it of r.itemsReviewed) {
    const rev = it.review;
    if (rev?.decision === 'reject') continue;
    if (rev?.decision === 'correct' && rev.value) {
      out.push({ ...it, value: rev.value, ...(it.kind === 'technique' ? { ref: rev.value } : {}), confidence: 1 });
    } else out.push(rev?.decision === 'accept' ? { ...it, confidence: 1 } : it);
  }
  return out;
}

/** The report service. */
export class ReportService {
  constructor(private readonly d: ReportServiceDeps) {}

  /** Reads, analyses and stores a report. */
  async add(
    ctx: AuthContext,
    bytes: Uint8Array,
    o: { readonly name: string; readonly tlp: TlpLevel },
  ): Promise<{ summary: ReportSummary; created: boolean }> {
    requireRole(ctx, WRITERS);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const known = this.d.store.list(ctx, 10_000).find((r) => r.sha256 === sha256);
    if (known) return { summary: known, created: false };
    const document = await this.d.extract(bytes, { name: o.name });
    const analysis = analyseDocument(document, { model: this.d.model(ctx), benign: this.d.benign });
    return this.d.store.put(ctx, {
      sha256,
      name: o.name.slice(0, 300),
      tlp: o.tlp,
      bytes: bytes.length,
      document,
      analysis,
    });
  }

  /** Reports of the caller's tenant. */
  list(ctx: AuthContext): ReportSummary[] {
    requireRole(ctx, READERS);
    return this.d.store.list(ctx);
  }

  /** One report with its document, items and reviews. */
  get(ctx: AuthContext, id: string): StoredReport {
    requireRole(ctx, READERS);
    const r = this.d.store.get(ctx, id);
    if (!r) throw new AppError('NOT_FOUND', `no report ${id}`);
    return r;
  }

  /** Records reviews and added techniques; technique decisions become labelled sentences. */
  review(
    ctx: AuthContext,
    id: string,
    decisions: readonly ReviewInput[],
    added: readonly AddedTechnique[] = [],
  ): StoredReport {
    requireRole(ctx, WRITERS);
    let r = this.get(ctx, id);
    const k = this.d.model(ctx).knowledge;
    if (added.length > 0) {
      // Read, append and write under the store's lock of the report: two analysts adding techniques
      // at once would otherwise both number theirs from the same items, and the later write would
      // drop the other's.
      const updated = this.d.store.updateAnalysis(ctx, id, (cur) => {
        const items = [...cur.analysis.items];
        let n = items.length;
        for (const a of added) {
          if (!TECHNIQUE.test(a.technique) || !k.technique(a.technique))
            throw new AppError('VALIDATION', `${a.technique} is not an ATT&CK technique`);
          const s = cur.document.sentences[a.sentence];
          if (!s) throw new AppError('VALIDATION', `report ${id} has no sentence ${a.sentence}`);
          // Already extracted there: adding it means accepting it.
          if (items.some((i) => i.kind === 'technique' && i.sentence === a.sentence && i.value === a.technique))
            continue;
          const info = k.technique(a.technique);
          items.push({
            id: `i${++n}`,
            kind: 'technique',
            type: 'attack-pattern',
            value: a.technique,
            ref: a.technique,
            ...(info ? { name: info.name } : {}),
            sentence: a.sentence,
            start: s.start,
            end: s.end,
            confidence: 1,
            source: 'analyst',
          });
        }
        return items.length === cur.analysis.items.length ? undefined : { ...cur.analysis, items };
      });
      if (!updated) throw new AppError('NOT_FOUND', `no report ${id}`);
      r = updated;
    }
    const byId = new Map(r.itemsReviewed.map((i) => [i.id, i]));
    for (const d of decisions) {
      const it = byId.get(d.item);
      if (!it) throw new AppError('VALIDATION', `report ${id} has no item ${d.item}`);
      if (d.decision === 'correct') {
        if (!d.value || d.value.trim() === '')
          throw new AppError('VALIDATION', `a correction of ${d.item} needs a value`);
        if (it.kind === 'technique' && (!TECHNIQUE.test(d.value) || !k.technique(d.value)))
          throw new AppError('VALIDATION', `${d.value} is not an ATT&CK technique`);
      }
    }
    // Added techniques count as accepted by whoever added them.
    const addedIds = r.itemsReviewed
      .filter(
        (i) =>
          i.kind === 'technique' &&
          added.some((a) => a.sentence === i.sentence && a.technique === i.value) &&
          !decisions.some((d) => d.item === i.id),
      )
      .map((i) => ({ item: i.id, decision: 'accept' as const }));
    const all = [...decisions, ...addedIds];
    // The labelled sentences of every sentence a technique decision touched, from all its reviews.
    const touched = new Set(
      all.flatMap((d) => {
        const it = byId.get(d.item);
        return it?.kind === 'technique' ? [it.sentence] : [];
      }),
    );
    const pending = new Map(all.map((d) => [d.item, d]));
    const labels: Omit<SentenceLabel, 'report' | 'updated'>[] = [];
    for (const s of touched) {
      const techniques = new Set<string>();
      const rejected = new Set<string>();
      for (const it of r.itemsReviewed) {
        if (it.kind !== 'technique' || it.sentence !== s) continue;
        const d = pending.get(it.id) ?? it.review;
        if (!d) continue;
        if (d.decision === 'accept') techniques.add(it.value);
        else if (d.decision === 'reject') rejected.add(it.value);
        else if (d.value) {
          rejected.add(it.value);
          techniques.add(d.value);
        }
      }
      for (const t of techniques) rejected.delete(t);
      const sent = r.document.sentences[s];
      if (!sent) continue;
      labels.push({
        sentence: s,
        text: r.document.text.slice(sent.start, sent.end),
        techniques: [...techniques].sort(),
        rejected: [...rejected].sort(),
      });
    }
    this.d.store.review(ctx, id, all, labels);
    return this.get(ctx, id);
  }

  /** The report's STIX bundle as it stands (reviewed items; rejected ones left out). */
  bundle(ctx: AuthContext, id: string): { type: 'bundle'; id: string; objects: StixJson[] } {
    const r = this.get(ctx, id);
    const iso = (t: number): string => new Date(t).toISOString();
    const firstSentence = r.document.sentences.slice(0, 3).map((s) => r.document.text.slice(s.start, s.end));
    return reportBundle({
      key: r.sha256,
      name: r.title ?? r.name,
      description: firstSentence.join(' '),
      tlp: r.tlp,
      created: iso(r.added),
      modified: iso(Math.max(r.updated, r.added)),
      items: effectiveItems(r),
      sentenceOf: (it) => {
        const s = r.document.sentences[it.sentence];
        return s ? r.document.text.slice(s.start, s.end) : '';
      },
    });
  }

  /** Puts the report's bundle into the CTI store under its TLP. */
  publish(ctx: AuthContext, id: string): PublishResult {
    requireRole(ctx, WRITERS);
    const b = this.bundle(ctx, id);
    const outcomes = this.d.cti.put(ctx, b.objects, { source: 'report', via: id });
    this.d.store.published(ctx, id);
    return {
      report: id,
      bundle: b.id,
      objects: b.objects.length,
      added: outcomes.filter((o) => o.status === 'added').length,
      duplicates: outcomes.filter((o) => o.status === 'duplicate').length,
      rejected: outcomes.filter((o) => o.status === 'rejected'),
    };
  }

  /** Deletes a report (its published objects stay in the CTI store). */
  remove(ctx: AuthContext, id: string): void {
    requireRole(ctx, WRITERS);
    if (!this.d.store.remove(ctx, id)) throw new AppError('NOT_FOUND', `no report ${id}`);
  }
}
