/**
 * @module
 * The abort handle of one step attempt: cancel (engine stop, run cancelled) and the step's
 * timeout. Most commands never look at their `AbortSignal` (no-ops, quick in-process actions), and
 * an `AbortController` with its timer costs more than such a command: both are made only when a
 * command asks for the signal. Between commands the deadline is checked against the clock, so a
 * step that ran out of time stops there whether or not anything asked for the signal.
 */
import { CommandError } from '../commands/types.js';

/** A step attempt's abort handle. */
export class StepAbort {
  readonly #deadline: number;
  #controller: AbortController | undefined;
  #timer: NodeJS.Timeout | undefined;
  #reason: unknown;
  #aborted = false;

  constructor(readonly timeoutMs: number) {
    this.#deadline = performance.now() + timeoutMs;
  }

  /** The signal commands listen to; made (with its timeout timer) on first use. */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
      else
        this.#timer = setTimeout(
          () => this.abort(this.#timeout()),
          Math.max(Math.ceil(this.#deadline - performance.now()), 0),
        );
    }
    return this.#controller.signal;
  }

  /** Throws the reason when the attempt was aborted or its time is up. */
  check(): void {
    if (!this.#aborted && performance.now() >= this.#deadline) this.abort(this.#timeout());
    if (this.#aborted) throw this.#reason;
  }

  /** Aborts the attempt (the first reason stays). */
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.dispose();
    this.#controller?.abort(reason);
  }

  /** Clears the timer (the attempt ended). */
  dispose(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #timeout(): CommandError {
    return new CommandError(`step timed out after ${this.timeoutMs} ms`);
  }
}
