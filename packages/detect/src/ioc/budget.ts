/**
 * @module
 * The detection time budget of pattern indicators. Matching is synchronous, so it cannot be
 * interrupted: the detector reads the clock between evaluations, charges each indicator its
 * time, and once a batch has spent its budget, disables the indicator that cost the most. The
 * matchers are linear (LIKE as a glob, MATCHES on RE2) and patterns are size-limited, so one
 * evaluation is short, and a pathological indicator is dropped after at most a budget's worth
 * of work instead of holding every event of the batch.
 */

/** An indicator taken out of detection. */
export interface DisabledIndicator {
  readonly id: string;
  readonly name?: string;
  /** Time it used in the batch where it was disabled, ms. */
  readonly spentMs: number;
  /** The batch budget, ms. */
  readonly budgetMs: number;
  /** Id of the event being matched when the budget ran out. */
  readonly eventId?: string;
}

/** Default budget of pattern matching per batch, ms. */
export const DEFAULT_PATTERN_BUDGET_MS = 2_000;

/** Time accounting of one batch. */
export class BatchBudget {
  private readonly spent = new Map<string, number>();
  private total = 0;
  private last: number;

  constructor(
    readonly budgetMs: number,
    private readonly clock: () => number,
  ) {
    this.last = clock();
  }

  /**
   * Charges the time since the previous call to `id`. Returns the id to disable when the batch
   * is over budget (the costliest indicator so far, whose time is then no longer counted).
   */
  charge(id: string): { readonly id: string; readonly spentMs: number } | undefined {
    const now = this.clock();
    const d = now - this.last;
    this.last = now;
    this.spent.set(id, (this.spent.get(id) ?? 0) + d);
    this.total += d;
    if (this.total <= this.budgetMs) return undefined;
    let worst = id;
    let worstMs = -1;
    for (const [k, v] of this.spent) {
      if (v > worstMs) {
        worst = k;
        worstMs = v;
      }
    }
    this.spent.delete(worst);
    this.total -= worstMs;
    return { id: worst, spentMs: worstMs };
  }
}
