/**
 * @module
 * Continuous training from analysts' reviews. A tenant's labelled sentences (techniques an
 * analyst confirmed, corrected to or added; sentences whose every technique was rejected become
 * sentences naming none) join TRAM, the candidate is trained by the release recipe, and both the
 * candidate and the current model are scored on the same held-out documents: TRAM's fold 0 and
 * the reviewed reports whose id falls in fold 0. The candidate replaces the current model only
 * when its micro-F1 there is higher.
 */
import type { AuthContext } from '@intersoc/core';
import type { SentenceModel } from '../attack/model.js';
import { trainRelease } from '../attack/release.js';
import { DEFAULT_TRAIN, evaluate, type HeldOutFigures, type TrainOptions } from '../attack/train.js';
import { foldOf, readTramNegatives, readTramSingleLabel, type LabelledSentence } from '../attack/tram.js';
import { releaseInputs } from '../attack/release.js';
import type { SentenceLabel } from '../store/types.js';

/** What a retraining run found. */
export interface RetrainResult {
  readonly version: string;
  readonly current: {
    readonly version: string;
    readonly heldOut: HeldOutFigures;
    readonly corrections?: HeldOutFigures;
  };
  readonly candidate: { readonly heldOut: HeldOutFigures; readonly corrections?: HeldOutFigures };
  /** Labelled sentences from reviews: used in training, held out. */
  readonly corrections: { readonly training: number; readonly heldOut: number };
  readonly promoted: boolean;
  readonly reason: string;
  /** The candidate (whether promoted or not). */
  readonly model: SentenceModel;
}

/** The labelled sentences of reviews, as training data (the report is the document). */
export function correctionSentences(ctx: AuthContext, labels: readonly SentenceLabel[]): LabelledSentence[] {
  return labels
    .filter((l) => l.techniques.length > 0 || l.rejected.length > 0)
    .map((l) => ({ text: l.text, labels: l.techniques, doc: `report:${ctx.tenant}:${l.report}` }));
}

/** Trains a candidate from the corpora and the tenant's reviews and compares it with `current`. */
export function retrain(
  ctx: AuthContext,
  corpora: string,
  labels: readonly SentenceLabel[],
  current: SentenceModel,
  version: string,
  o: TrainOptions = DEFAULT_TRAIN,
): RetrainResult {
  const extra = correctionSentences(ctx, labels);
  const held = (s: LabelledSentence): boolean => foldOf(s.doc, o.folds, o.seed) === 0;
  const trained = trainRelease(corpora, version, extra, o);
  const tram = releaseInputs(corpora).tram;
  const test = [
    ...readTramSingleLabel(tram).filter(held),
    ...readTramNegatives(tram).filter(held),
    ...extra.filter(held),
  ];
  const heldCorrections = extra.filter(held);
  const cur = evaluate(current, test);
  const cand = evaluate(trained.model, test);
  const withCorrections = heldCorrections.some((s) => s.labels.length > 0);
  const promoted = cand.microF1 > cur.microF1;
  return {
    version,
    current: {
      version: current.info.version,
      heldOut: cur,
      ...(withCorrections ? { corrections: evaluate(current, heldCorrections) } : {}),
    },
    candidate: {
      heldOut: cand,
      ...(withCorrections ? { corrections: evaluate(trained.model, heldCorrections) } : {}),
    },
    corrections: { training: extra.length - heldCorrections.length, heldOut: heldCorrections.length },
    promoted,
    reason: promoted
      ? `micro-F1 ${cand.microF1} beats ${cur.microF1} on ${cand.sentences} held-out sentences`
      : `micro-F1 ${cand.microF1} does not beat ${cur.microF1} on ${cand.sentences} held-out sentences; the current model stays`,
    model: trained.model,
  };
}
