/**
 * @module
 * The detector plug-in seam. Sigma rules, indicator matching and ML models all implement it.
 * Detectors are stateless per event; stateful correlation lives in its own stage.
 */
import type { AlertDraft } from './alert.js';
import type { SocEvent } from './event.js';

/** A detector sees batches of events of one tenant and returns alert drafts. */
export interface Detector {
  /** Kind, e.g. `sigma`, `ioc`, `ml`. */
  readonly kind: string;
  /** Stable instance id (e.g. `sigma:default-pack`). */
  readonly id: string;
  /**
   * Examines a batch. Must not throw for any event content: a detector that cannot evaluate
   * an event skips it. May be async (e.g. model inference).
   */
  detect(events: readonly SocEvent[]): readonly AlertDraft[] | Promise<readonly AlertDraft[]>;
  /** Releases resources (worker pools, model sessions). */
  close?(): void | Promise<void>;
}
