/**
 * @module
 * What every actor shares: the estate and the run's knobs.
 */
import type { World } from '../world/world.js';

/** Shared, read-only run environment. */
export interface SimEnv {
  readonly world: World;
  /** Multiplier of benign background volume. */
  readonly intensity: number;
  readonly start: number;
  readonly end: number;
}
