/**
 * @module
 * The pipeline's inline stage (no worker threads: single-core mode and tests): one `Processor`
 * whose sink feeds the host behaviour baselines and writes each batch on this thread, plus the
 * baselines' idle sweep. The coordinator (`pipeline.ts`) hands in what it must hear about:
 * counters, failures, alerts.
 */
import path from 'node:path';
import { EVENTS_DB_FILE, openEventWriter, type WriteResult } from '@intersoc/storage';
import type { Alert } from '@intersoc/core';
import { startBaselineIdle } from './baseline-idle.js';
import { loadBaselines, loadDetectors } from './detectors.js';
import { createHydrator } from './hydrator.js';
import type { PipelineOptions } from './pipeline-types.js';
import { Processor, toAlert } from './processor.js';
import type { InlineWriter } from './writer-ops.js';

/** The running inline stage. */
export interface InlineStage extends InlineWriter {
  readonly proc: Processor;
  /** The pending idle flush. */
  idle?: NodeJS.Timeout;
  readonly sweep?: NodeJS.Timeout;
}

/** What the stage reports to the coordinator. */
export interface InlineHooks {
  readonly onWritten: (r: WriteResult) => void;
  /** A commit failed: the coordinator stops accepting work. */
  readonly fail: (reason: string) => void;
  /** True once the coordinator failed or is closing (the idle sweep writes nothing then). */
  readonly stopped: () => boolean;
  readonly onAlerts?: (alerts: readonly Alert[]) => void;
  readonly onError?: (message: string) => void;
}

/** Opens the writer and builds the processor and baselines of `opts`. */
export async function startInlineStage(opts: PipelineOptions, hooks: InlineHooks): Promise<InlineStage> {
  const writer = openEventWriter(path.join(opts.dataDir, EVENTS_DB_FILE), createHydrator());
  const baselines = await loadBaselines(opts.detectors);
  const proc = new Processor({
    blockEvents: opts.blockEvents,
    indexAtIngest: opts.indexAtIngest ?? false,
    maxRecordBytes: opts.maxRecordBytes,
    detectors: await loadDetectors(opts.detectors),
    sink: (out) => {
      let r: WriteResult;
      if (out.observations && baselines) {
        const hits = baselines.push(out.observations);
        if (hits.length > 0) out = { ...out, alerts: [...out.alerts, ...hits.map((h) => toAlert(h.tenant, h.alert))] };
      }
      try {
        r = writer.write(out);
      } catch (err) {
        hooks.fail(`write: ${(err as Error).message}`);
        throw err;
      }
      hooks.onWritten(r);
      if (out.alerts.length > 0) hooks.onAlerts?.(out.alerts);
    },
    onDetectorError: (id, err) => hooks.onError?.(`detector ${id}: ${(err as Error).message}`),
  });
  const sweep = baselines
    ? startBaselineIdle(
        baselines,
        (alerts) => {
          if (hooks.stopped()) return;
          writer.write({ blocks: [], alerts, deadLetters: [] });
          hooks.onAlerts?.(alerts);
        },
        (message) => hooks.onError?.(message),
      )
    : undefined;
  return { proc, writer, baselines, ...(sweep ? { sweep } : {}) };
}

/** Stops the timers and closes the writer and baselines (after the coordinator's last flush). */
export function closeInlineStage(s: InlineStage): void {
  if (s.idle) clearTimeout(s.idle);
  if (s.sweep) clearInterval(s.sweep);
  s.writer.close();
  s.baselines?.close();
}
