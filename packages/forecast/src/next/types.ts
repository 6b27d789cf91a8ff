/**
 * @module
 * The next-step model's data: counts learnt from ordered sequences (reports, attack flows,
 * closed incidents), technique sets of ATT&CK groups, software and campaigns, the ATT&CK catalog
 * that maps techniques to tactics, and the calibration. Plain JSON, so the released model is a
 * file that can be read, diffed and rebuilt (`intersoc predict train`).
 */

/** Counts keyed by technique id. */
export type Counts = Record<string, number>;

/** One ranked answer. */
export interface Scored {
  readonly id: string;
  readonly score: number;
}

/** What a prediction returns: tactics as ATT&CK `TA` ids and techniques, best first. */
export interface NextStep {
  readonly tactics: readonly Scored[];
  readonly techniques: readonly Scored[];
}

/** A technique in the catalog. */
export interface CatalogEntry {
  readonly name: string;
  /** ATT&CK tactic ids (`TA0002`), in ATT&CK's order. */
  readonly tactics: readonly string[];
}

/** Where a model's counts came from. */
export interface ModelSource {
  readonly name: string;
  readonly kind: 'reports' | 'attack-flow' | 'attack-sets' | 'incidents';
  /** Sequences, flows or sets read. */
  readonly items: number;
  /** Next-step examples (or sets) they gave. */
  readonly examples: number;
}

/** Names of the views blended into the next-technique distribution. */
export type ViewName = 'pop' | 'sets' | 'trans' | 'after' | 'knn' | 'seqKnn';

/** Weight of each view in the blend (fitted by validation inside the training data). */
export type Blend = Readonly<Record<ViewName, number>>;

/**
 * How tactics are ranked from the technique distribution: `split` shares each technique's mass
 * between its tactics; `coverage` picks, greedily, the tactic that covers the most remaining
 * mass (a technique counts once for any of its tactics, as tactic hit@k does). `power` sharpens
 * the technique distribution first; `markov` mixes in the tactic chain's next-tactic row.
 */
export interface TacticRanking {
  readonly mode: 'split' | 'coverage';
  readonly power: number;
  readonly markov: number;
}

/** A learnt next-tactic ranker (`tactic-ranker.ts`): one weight per feature, shared by the tactics. */
export interface TacticRankerData {
  /** The ranker's classes, in kill-chain order. */
  readonly tactics: readonly string[];
  /** The L2 strength chosen by cross-validation inside the training documents. */
  readonly lambda: number;
  readonly weights: readonly number[];
}

/** The serialised model. */
export interface NextStepModelData {
  readonly format: 'intersoc-next-step/1';
  readonly sources: readonly ModelSource[];
  readonly tacticNames: Readonly<Record<string, string>>;
  readonly catalog: Readonly<Record<string, CatalogEntry>>;
  /** How often each technique was a new next step. */
  readonly pop: Counts;
  /** Last technique → next technique. */
  readonly trans: Record<string, Counts>;
  /** Any earlier technique → next technique. */
  readonly after: Record<string, Counts>;
  /** Last tactic → next tactic (the Markov baseline's table). */
  readonly tacticTrans: Record<string, Counts>;
  /** Technique sets of ATT&CK groups, software, campaigns and flows (for the neighbour vote). */
  readonly sets: readonly (readonly string[])[];
  /** Technique sets of ordered sequences (reports, closed incidents) for their own neighbour vote. */
  readonly sequenceSets?: readonly (readonly string[])[];
  /** Blend weights; absent in older files (then `DEFAULT_BLEND`). */
  readonly blend?: Blend;
  /** Tactic ranking; absent in older files (then `DEFAULT_TACTIC_RANKING`). */
  readonly tactic?: TacticRanking;
  /** Learnt tactic ranker; absent: tactics come from the technique distribution (`tactic`). */
  readonly tacticRanker?: TacticRankerData;
  /** Power applied to the blended scores before normalising (fitted on held-out documents). */
  readonly calibration: { readonly techniques: number; readonly tactics: number };
  /** The released model's card: data, split, figures beside their baselines, weaknesses. */
  readonly card?: ModelCard;
}

/** What a released model says about itself. */
export interface ModelCard {
  readonly data: readonly string[];
  readonly split: string;
  readonly figures: Readonly<Record<string, unknown>>;
  readonly weaknesses: readonly string[];
  readonly rebuild: string;
}

/** One prediction case. */
export interface NextCase {
  readonly prefix: readonly string[];
  readonly next: string;
  readonly tactics: readonly string[];
}
