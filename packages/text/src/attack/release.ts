/**
 * @module
 * The released model: where it ships (`models/attack-sentences.json.gz` in this package), how it
 * is loaded (once per process), and the recipe that rebuilds it from the shared corpora
 * (`intersoc text train`): TRAM's labelled and negative sentences, the ATT&CK-derived data, and
 * the common words of TRAM's prose (which make an ATT&CK name ambiguous).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '@intersoc/core';
import { AttackKnowledge } from './knowledge.js';
import { SentenceModel } from './model.js';
import { trainSentenceModel, DEFAULT_TRAIN, type TrainedModel, type TrainOptions } from './train.js';
import { readTramNegatives, readTramSingleLabel, type LabelledSentence } from './tram.js';
import { wordTokens } from './tokenise.js';

/** The shipped model file. */
export function defaultModelPath(): string {
  // dist/attack/release.js or src/attack/release.ts → ../../models
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../models/attack-sentences.json.gz');
}

let cached: { file: string; model: SentenceModel } | undefined;

/** Loads a model file (the shipped one by default), once per process and file. */
export function loadSentenceModel(file = defaultModelPath()): SentenceModel {
  if (cached?.file === file) return cached.model;
  if (!existsSync(file))
    throw new AppError('NOT_FOUND', `no sentence model at ${file} (rebuild it: intersoc text train)`);
  const model = SentenceModel.load(readFileSync(file));
  cached = { file, model };
  return model;
}

/** Words that occur in lower case at least `min` times in prose: they make a name ambiguous. */
export function commonWords(sentences: readonly string[], min = 3): Set<string> {
  const counts = new Map<string, number>();
  for (const s of sentences)
    for (const w of s.match(/(?<![A-Za-z])[a-z]+(?![A-Za-z])/g) ?? []) counts.set(w, (counts.get(w) ?? 0) + 1);
  return new Set([...counts].filter(([, n]) => n >= min).map(([w]) => w));
}

/** Where the inputs of the release recipe are, under the corpora folder. */
export function releaseInputs(corpora: string): { tram: string; attack: string } {
  return {
    tram: path.join(corpora, 'ml', 'tram'),
    attack: path.join(corpora, 'ml', 'attack-stix-derived', 'enterprise-attack-derived.json'),
  };
}

/** Rebuilds the released model from the corpora (plus extra labelled sentences, e.g. analysts' corrections). */
export function trainRelease(
  corpora: string,
  version: string,
  extra: readonly LabelledSentence[] = [],
  o: TrainOptions = DEFAULT_TRAIN,
): TrainedModel {
  const inputs = releaseInputs(corpora);
  if (!existsSync(inputs.tram) || !existsSync(inputs.attack))
    throw new AppError('NOT_FOUND', `TRAM or ATT&CK data not found under ${corpora}`);
  const labelled = readTramSingleLabel(inputs.tram);
  const negatives = readTramNegatives(inputs.tram);
  const knowledge = AttackKnowledge.fromDerived(inputs.attack, commonWords(negatives.map((n) => n.text)));
  void wordTokens;
  return trainSentenceModel(
    [...labelled, ...negatives, ...extra],
    knowledge,
    version,
    {
      corpus: 'TRAM single_label.json + negative_data.json (center-for-threat-informed-defense/tram @ f29793d)',
      attack: 'ATT&CK v18.1 enterprise, derived (mitre/cti @ 421deac)',
      corrections: extra.length,
    },
    o,
  );
}
