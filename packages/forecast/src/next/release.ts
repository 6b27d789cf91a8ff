/**
 * @module
 * The released next-step model: built from ATT&CK, the Attack Flow corpus and TRAM's annotated
 * reports, calibrated and scored by 5-fold cross-validation by document, and shipped as
 * `packages/forecast/models/next-step.json` with its card. `intersoc predict train` rebuilds it.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '@intersoc/core';
import { loadAttack, loadFlows, loadTramReports, reportSource } from './corpus.js';
import { casesOf, constantPredictor, crossValidate, hitRates, markovPredictor, modelPredictor } from './evaluate.js';
import { NextStepModel } from './model.js';
import { buildModel } from './train.js';
import type { NextStepModelData } from './types.js';

/** Where the released model lives. */
export const RELEASED_MODEL = fileURLToPath(new URL('../../models/next-step.json', import.meta.url));

/** The constant tactic guess: execution, defence evasion, persistence. */
export const CONSTANT_TACTICS = ['TA0002', 'TA0005', 'TA0003'] as const;

/** Builds the released model from the corpora folder (`.../shared/corpora`). */
export function trainReleased(corpora: string, log: (line: string) => void = () => undefined): NextStepModelData {
  const ml = path.join(corpora, 'ml');
  if (!existsSync(ml)) throw new AppError('NOT_FOUND', `no corpora at ${corpora}`);
  const attack = loadAttack(ml);
  const flows = loadFlows(ml);
  const reports = loadTramReports(ml);
  log(
    `read ${Object.keys(attack.techniques).length} techniques, ${attack.sets.length} ATT&CK sets, ${flows.length} flows, ${reports.length} reports`,
  );
  const cv = crossValidate({ attack, flows }, reports, 5);
  log(`cross-validation by document: ${JSON.stringify(cv.model)} (Markov ${JSON.stringify(cv.markov)})`);
  // Without any report in training: what the model does on reports from a source it never saw.
  const unseen = buildModel({ attack, flows, blend: cv.blend, tactic: cv.tactic, tacticRanker: cv.tacticRanker });
  const um = new NextStepModel(unseen);
  const cases = reports.flatMap((r) => casesOf(r.techniques, (t) => um.tacticsOf(t)));
  const constant = hitRates(cases, constantPredictor(CONSTANT_TACTICS, []));
  const data = buildModel({
    attack,
    flows,
    sequences: [reportSource(reports)],
    calibration: cv.calibration,
    blend: cv.blend,
    tactic: cv.tactic,
    tacticRanker: cv.tacticRanker,
  });
  return {
    ...data,
    card: {
      data: [
        'ATT&CK v18.1 enterprise: technique → tactic catalog; technique sets of groups, software and campaigns (ml/attack-stix-derived)',
        `CTID Attack Flow corpus: ${flows.length} flows, technique → technique edges through conditions and operators (ml/attack-flow)`,
        `TRAM annotated reports: ${reports.length} documents, sentence labels in document order (ml/tram/single_label.json)`,
      ],
      split:
        'nested 5-fold cross-validation by document over the TRAM reports (documents that share a sentence of 40+ characters are one group, e.g. CISA AA22-320A under two titles; groups sorted by title, dealt round-robin): the blend weights, tactic ranking and tactic ranker of each outer fold are fitted on its four training folds alone (each scored by a model of the other three; the L2 strength of the ranker by leaving one of them out), never on the held-out fold; flows and ATT&CK sets are in every fold; a case is a prefix and the next technique it has not seen; the released blend and ranker are fitted on all five folds',
      figures: {
        cross_validation: cv,
        reports_never_in_training: {
          model: hitRates(cases, modelPredictor(um)),
          markov_tactics: hitRates(cases, markovPredictor(unseen)),
          constant_execution_evasion_persistence: constant,
        },
      },
      weaknesses: [
        'TRAM labels only 50 techniques, so report popularity favours them; on reports with other techniques the neighbour vote (ATT&CK sets) carries the prediction',
        'tactic hit@3 is below the 0.70 goal: reports list techniques in narrative order, not in the order they happened; collection, lateral movement and credential access are rarely in the top three',
        "tactics come from a learnt ranker (a softmax over the 14 tactics: each view's tactic mass, the tactic chain, tactics already seen, kill-chain distance, one intercept per tactic) fitted on out-of-fold cases of the training documents; its per-tactic intercepts follow TRAM's tactic mix, which a node's own incidents may not share",
        'closed incidents of a node are added as counts; a node with few incidents barely moves the model',
      ],
      rebuild: 'intersoc predict train --out packages/forecast/models/next-step.json',
    },
  };
}

let cached: NextStepModelData | undefined;

/** Reads the released model (once per process). */
export function releasedModelData(file = RELEASED_MODEL): NextStepModelData {
  if (file === RELEASED_MODEL && cached) return cached;
  if (!existsSync(file)) throw new AppError('NOT_FOUND', `no next-step model at ${file}; run intersoc predict train`);
  const d = JSON.parse(readFileSync(file, 'utf8')) as NextStepModelData;
  if (d.format !== 'intersoc-next-step/1') throw new AppError('VALIDATION', `${file} is not a next-step model`);
  if (file === RELEASED_MODEL) cached = d;
  return d;
}
