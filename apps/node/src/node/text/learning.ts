/**
 * @module
 * Training and evaluating the alert triage model and the incident categoriser on simulated days
 * (seeds for training, another seed held out), shared by `intersoc triage train` and
 * `intersoc categorise train`. Simulated days can be cached in a JSON file, since one day through
 * the pipeline takes minutes.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import {
  foldOf,
  LearnedCategoriser,
  TriageModel,
  type CategoriserFigures,
  type LabelledIncident,
  type RankingFigures,
} from '@intersoc/text';
import { simulatedDay, type SimulatedDay } from './simulated.js';

/** Simulated days of `seeds`, from the cache file when it has them. */
export async function simulatedDays(
  seeds: readonly number[],
  o: { readonly hours: number; readonly cache?: string; readonly log: (line: string) => void },
): Promise<SimulatedDay[]> {
  const cached: SimulatedDay[] =
    o.cache && existsSync(o.cache) ? (JSON.parse(readFileSync(o.cache, 'utf8')) as SimulatedDay[]) : [];
  const out: SimulatedDay[] = [];
  for (const seed of seeds) {
    let day = cached.find((d) => d.seed === seed);
    if (!day) {
      o.log(`simulating seed ${seed} (${o.hours} h) through the pipeline with Sigma detection`);
      day = await simulatedDay(seed, { hours: o.hours, log: o.log });
      cached.push(day);
      if (o.cache) writeFileSync(o.cache, JSON.stringify(cached));
    }
    out.push(day);
  }
  return out;
}

/** Trains the triage model on the training days and scores it on the held-out day. */
export function trainTriage(
  train: readonly SimulatedDay[],
  held: SimulatedDay,
  version: string,
): { model: TriageModel; figures: RankingFigures } {
  const model = TriageModel.train(
    train.map((d) => d.alerts),
    version,
  );
  const figures = model.evaluate(held.alerts);
  return {
    model: model.withMetrics({
      ...model.metrics,
      trainingSeeds: train.map((d) => d.seed),
      heldOutSeed: held.seed,
      heldOut: figures,
    }),
    figures,
  };
}

/**
 * Trains the categoriser on the training days (and analysts' corrections) and gates it against the
 * table on the held-out day (and the corrections that fall in the held-out fold).
 */
export function trainCategoriser(
  train: readonly SimulatedDay[],
  held: SimulatedDay,
  version: string,
  corrections: readonly LabelledIncident[] = [],
): { model: LearnedCategoriser; figures: CategoriserFigures } {
  const heldCorrections = corrections.filter((c) => foldOf(c.group, 5, 'incidents') === 0);
  const base = LearnedCategoriser.train(
    [...train.flatMap((d) => d.incidents), ...corrections.filter((c) => !heldCorrections.includes(c))],
    version,
  );
  return base.gate([...held.incidents, ...heldCorrections]);
}
