/**
 * @module
 * Which parse worker (lane) takes a piece of work, and whether it has byte credit for it. A
 * stream stays on one lane so its records keep their order; datagrams go to the least loaded live
 * lane; a file goes only to a lane without a file in progress, so a lane that finishes early takes
 * the next one. The coordinator (`pipeline.ts`) owns the lanes and their counters; this module
 * only reads them.
 */
import type { Worker } from 'node:worker_threads';
import { AppError } from '@intersoc/core';

/** One parse worker and the work it holds. */
export interface Lane {
  worker: Worker;
  /** Bytes sent and not yet acknowledged. */
  inflight: number;
  files: number;
  /** False while a replacement worker starts. */
  alive: boolean;
}

/** Routes work to lanes. */
export class LaneRouter {
  private readonly streamLane = new Map<string, number>();

  constructor(
    private readonly lanes: () => readonly Lane[],
    private readonly maxInflightBytes: number,
  ) {}

  /** The lane of `stream` (kept until it ends), or the least loaded live lane. */
  laneFor(stream: string | undefined): number {
    if (stream !== undefined) {
      const known = this.streamLane.get(stream);
      if (known !== undefined) return known;
    }
    const lanes = this.lanes();
    let best = lanes.findIndex((l) => l.alive);
    if (best < 0) throw new AppError('UNAVAILABLE', 'the pipeline cannot accept events: no parse worker is running');
    const load = (x: Lane): number => x.inflight + x.files * this.maxInflightBytes;
    lanes.forEach((l, i) => {
      if (l.alive && load(l) < load(lanes[best] as Lane)) best = i;
    });
    if (stream !== undefined) this.streamLane.set(stream, best);
    return best;
  }

  /** True when `lane` may take `weight` more bytes (an idle lane always may). */
  hasCredit(lane: number, weight: number): boolean {
    const l = this.lanes()[lane] as Lane;
    return l.inflight === 0 || l.inflight + weight <= this.maxInflightBytes;
  }

  /** The least loaded live lane without a file in progress, or -1. */
  fileLane(): number {
    const lanes = this.lanes();
    let best = -1;
    lanes.forEach((l, i) => {
      if (l.alive && l.files === 0 && (best < 0 || l.inflight < (lanes[best] as Lane).inflight)) best = i;
    });
    return best;
  }

  /** The stream ended (or gave up): its next chunk may go anywhere. */
  endStream(stream: string): void {
    this.streamLane.delete(stream);
  }

  /** A lane died: its streams start again on other lanes. */
  forgetLane(id: number): void {
    for (const [stream, l] of [...this.streamLane]) if (l === id) this.streamLane.delete(stream);
  }
}
