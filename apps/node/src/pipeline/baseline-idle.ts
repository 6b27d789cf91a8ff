/**
 * @module
 * The baseline stage's idle sweep. Baselines judge in event time, so a tenant whose sources all
 * stop sends nothing that would move its clock, and its silence would go unseen. Every few
 * minutes the stage owner (the writer thread, or the pipeline in single-thread mode) asks the
 * engine to move each live tenant's clock by the wall time that passed (`BaselineEngine.idle`)
 * and writes the silence alerts that raises, outside any batch.
 */
import type { Alert } from '@intersoc/core';
import type { BaselineEngine } from '@intersoc/learn';
import { toAlert } from './processor.js';

/** How often the idle sweep runs (a silence needs hours of evidence: minutes of delay are nothing). */
export const BASELINE_IDLE_MS = 5 * 60_000;

/**
 * Starts the sweep; `write` commits and publishes its alerts, `onError` reports a failure (the
 * next sweep tries again). The timer does not keep the process alive.
 */
export function startBaselineIdle(
  baselines: BaselineEngine,
  write: (alerts: Alert[]) => void,
  onError: (message: string) => void,
): NodeJS.Timeout {
  const timer = setInterval(() => {
    try {
      const hits = baselines.idle(Date.now());
      if (hits.length > 0) write(hits.map((h) => toAlert(h.tenant, h.alert)));
    } catch (err) {
      onError(`baseline idle sweep: ${(err as Error).message}`);
    }
  }, BASELINE_IDLE_MS);
  timer.unref();
  return timer;
}
