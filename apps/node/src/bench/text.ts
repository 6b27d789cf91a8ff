/**
 * @module
 * `bench text`: reports in, STIX out. A generated 100-page PDF report (sentences from TRAM's
 * labelled and negative data when the corpora are there, with defanged indicators mixed in) goes
 * PDF → text (in the bounded extraction worker) → indicators, techniques, names → STIX bundle,
 * end to end: pages/s. The baseline is plain text extraction of the same PDF with unpdf in the
 * same run. Then the sentence classifier: sentences/s, against tokenisation alone of the same
 * sentences. The figures of the learned parts come along: TRAM held-out micro-F1 of the shipped
 * model beside naive Bayes, indicator extraction precision and recall on defanged prose, and the
 * shipped triage model's held-out ROC AUC beside sorting by rule level.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { extractText, getDocumentProxy } from 'unpdf';
import {
  analyseDocument,
  BenignFilter,
  evaluate,
  extractIsolated,
  foldOf,
  iocCases,
  loadSentenceModel,
  mispValues,
  NaiveBayes,
  readTramNegatives,
  readTramSingleLabel,
  reportBundle,
  scoreIocs,
  TriageModel,
  wordTokens,
  writeSimplePdf,
} from '@intersoc/text';
import { shippedTriagePath } from '../node/text/ranking.js';
import { benchResult, type BenchModule, type BenchOptions } from './types.js';

const FALLBACK = [
  'The actor sent spearphishing emails with a malicious attachment to the finance team.',
  'When opened, the macro ran PowerShell to download a second-stage payload.',
  'The implant created a scheduled task to persist across reboots.',
  'Mimikatz was used to dump credentials from LSASS memory.',
  'The operators moved laterally with RDP and PsExec.',
  'Data was archived with 7-Zip and uploaded to a cloud storage service.',
  'The report was published by the national CERT after the incident.',
];

/** Sentences for the generated report and the classifier run. */
function sentences(corpora: string): string[] {
  const tram = path.join(corpora, 'ml', 'tram');
  if (!existsSync(tram)) return FALLBACK;
  return [...readTramSingleLabel(tram).map((s) => s.text), ...readTramNegatives(tram).map((s) => s.text)];
}

/** Wraps a sentence to PDF lines of at most ~90 characters. */
function wrap(s: string): string[] {
  const out: string[] = [];
  let line = '';
  for (const w of s.split(/\s+/)) {
    if (line.length + w.length + 1 > 90) {
      out.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) out.push(line);
  return out;
}

function report(pages: number, pool: readonly string[]): Uint8Array {
  const out: string[][] = [];
  let k = 0;
  for (let p = 0; p < pages; p++) {
    const lines: string[] = [`Threat report, page ${p + 1}`, ''];
    while (lines.length < 48) {
      lines.push(...wrap(pool[(k * 7919) % pool.length] ?? ''));
      if (k % 5 === 0) lines.push(`C2: 198.51.${k % 250}[.]${(k * 3) % 250} and update-${k}[.]example-cdn[.]net`);
      if (k % 4 === 0) lines.push('');
      k++;
    }
    out.push(lines.slice(0, 52));
  }
  return writeSimplePdf(out, 'Generated threat report');
}

async function run(o: BenchOptions): Promise<ReturnType<typeof benchResult>> {
  const pages = o.quick ? 20 : 100;
  const pool = sentences(o.corpora);
  const pdf = report(pages, pool);
  const model = loadSentenceModel();
  const lists = path.join(o.corpora, 'cti', 'misp-warninglists', 'lists');
  const benign = BenignFilter.fromDirectory(existsSync(lists) ? lists : undefined);
  o.log(`report: ${pages} pages, ${pdf.length} bytes; model ${model.info.version}`);

  // End to end and plain extraction alternate, three rounds each, best of each kept.
  let e2e = Infinity;
  let plain = Infinity;
  let items = 0;
  let objects = 0;
  let sentencesInReport = 0;
  for (let round = 0; round < 3; round++) {
    let t = performance.now();
    const doc = await extractIsolated(pdf, { name: 'report.pdf' });
    const analysis = analyseDocument(doc, { model, benign });
    const bundle = reportBundle({
      key: 'bench',
      name: 'Generated threat report',
      tlp: 'amber',
      created: new Date(0).toISOString(),
      modified: new Date(0).toISOString(),
      items: analysis.items,
    });
    e2e = Math.min(e2e, performance.now() - t);
    items = analysis.items.length;
    objects = bundle.objects.length;
    sentencesInReport = doc.sentences.length;
    t = performance.now();
    const proxy = await getDocumentProxy(new Uint8Array(pdf));
    const text = await extractText(proxy, { mergePages: false });
    plain = Math.min(plain, performance.now() - t);
    if (text.totalPages !== pages) throw new Error(`plain extraction read ${text.totalPages} pages`);
  }
  const pagesPerS = (pages * 1000) / e2e;
  const plainPerS = (pages * 1000) / plain;
  o.log(
    `PDF to STIX: ${pagesPerS.toFixed(1)} pages/s (${items} items, ${objects} objects); plain text ${plainPerS.toFixed(1)} pages/s`,
  );

  // The classifier against tokenisation alone, on the same sentences.
  const n = o.quick ? 2_000 : 10_000;
  const batch = Array.from({ length: n }, (_, i) => pool[i % pool.length] ?? '');
  let t = performance.now();
  let tokens = 0;
  for (const s of batch) tokens += wordTokens(s).length;
  const tokMs = performance.now() - t;
  t = performance.now();
  for (const s of batch) model.predict(s, 3);
  const clsMs = performance.now() - t;
  const classifierPerS = (n * 1000) / clsMs;
  const tokenisePerS = (n * 1000) / tokMs;
  o.log(
    `classifier: ${classifierPerS.toFixed(0)} sentences/s; tokenisation alone ${tokenisePerS.toFixed(0)} sentences/s (${tokens} tokens)`,
  );

  // The learned parts' figures on data they never trained on.
  const extra: Record<string, unknown> = {};
  const tram = path.join(o.corpora, 'ml', 'tram');
  if (existsSync(tram)) {
    const all = readTramSingleLabel(tram);
    const held = all.filter((s) => foldOf(s.doc, 5) === 0);
    const negatives = readTramNegatives(tram).filter((s) => foldOf(s.doc, 5) === 0);
    extra['tram_held_out'] = evaluate(
      model,
      [...held, ...negatives],
      NaiveBayes.fit(all.filter((s) => foldOf(s.doc, 5) !== 0)),
    );
  }
  const misp = path.join(o.corpora, 'cti', 'misp-examples');
  if (existsSync(misp)) {
    const f = scoreIocs(iocCases(mispValues(misp), o.quick ? 100 : 300, 7));
    extra['ioc_extraction'] = {
      documents: f.documents,
      indicators: f.expected,
      precision: f.precision,
      recall: f.recall,
    };
  }
  if (existsSync(shippedTriagePath())) {
    const m = TriageModel.load(readFileSync(shippedTriagePath()));
    extra['triage_held_out'] = m.metrics['heldOut'];
  }
  return benchResult({
    name: 'text',
    unit: 'pages/s',
    value: Math.round(pagesPerS * 100) / 100,
    baseline_value: Math.round(plainPerS * 100) / 100,
    cores: 1,
    extra: {
      pages,
      pdf_bytes: pdf.length,
      report_sentences: sentencesInReport,
      items,
      stix_objects: objects,
      end_to_end_ms: Math.round(e2e),
      plain_extraction_ms: Math.round(plain),
      classifier_sentences_per_s: Math.round(classifierPerS),
      tokenisation_sentences_per_s: Math.round(tokenisePerS),
      classifier_ratio: Math.round((classifierPerS / tokenisePerS) * 1000) / 1000,
      baseline: 'plain text extraction of the same PDF (unpdf), same run; classifier against tokenisation alone',
      model: model.info.version,
      ...extra,
    },
  });
}

/** The benchmark. */
export const bench: BenchModule = {
  description: 'PDF to STIX end to end (pages/s) and the sentence classifier (sentences/s), with same-run baselines',
  run,
};
