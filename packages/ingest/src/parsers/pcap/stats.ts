/**
 * @module
 * Running statistics with CICFlowMeter's conventions (Apache Commons `SummaryStatistics`):
 * the standard deviation and variance are the sample ones (n − 1), and an empty or
 * one-value series reports 0 where CICFlowMeter writes 0.
 */

/** Count, sum, min, max, mean and sample variance of a stream of numbers (Welford). */
export class RunningStat {
  n = 0;
  sum = 0;
  min = 0;
  max = 0;
  private mean_ = 0;
  private m2 = 0;

  add(x: number): void {
    this.n++;
    this.sum += x;
    if (this.n === 1) {
      this.min = x;
      this.max = x;
    } else {
      if (x < this.min) this.min = x;
      if (x > this.max) this.max = x;
    }
    const d = x - this.mean_;
    this.mean_ += d / this.n;
    this.m2 += d * (x - this.mean_);
  }

  /** Mean; 0 when empty. */
  get mean(): number {
    return this.n === 0 ? 0 : this.sum / this.n;
  }

  /** Sample variance; 0 with fewer than two values. */
  get variance(): number {
    return this.n < 2 ? 0 : Math.max(0, this.m2 / (this.n - 1));
  }

  /** Sample standard deviation; 0 with fewer than two values. */
  get std(): number {
    return Math.sqrt(this.variance);
  }
}
