/**
 * @module
 * The serialisable description of a thread's detectors (threads cannot be handed live objects).
 */
import type { PatternLimits } from '@intersoc/cti';
import type { BaselineSettings } from '@intersoc/learn';

/** Which detectors to run, and where their rules and indicators live. */
export interface DetectorSpec {
  /** Node data directory (rule state, indicators). */
  readonly dataDir: string;
  /** Detector kinds to enable, e.g. `sigma`, `ioc`. */
  readonly kinds: readonly string[];
  /**
   * True when several threads detect: stateful parts (Sigma correlations) then run once, in the
   * correlation stage on the writer thread, instead of inside each detector.
   */
  readonly externalCorrelation?: boolean;
  /** Time pattern indicators may spend per batch, ms (the `ioc` detector's budget). */
  readonly iocBudgetMs?: number;
  /** Limits on STIX patterns, applied in every thread that parses them. */
  readonly patternLimits?: Partial<PatternLimits>;
  /** Settings of the baseline stage (kind `baseline`; config `baselines.*`). */
  readonly baselines?: Partial<BaselineSettings>;
  /**
   * The shared PostgreSQL store when the node runs scaled out (`postgres://…`): the `ml` detector
   * then reads the deployed models from its registry; anything else leaves the node's SQLite one.
   */
  readonly storeUrl?: string;
}
