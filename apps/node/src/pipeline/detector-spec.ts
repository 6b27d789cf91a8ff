/**
 * @module
 * The serialisable description of a thread's detectors (threads cannot be handed live objects).
 */

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
}
