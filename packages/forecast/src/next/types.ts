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
