/**
 * @module
 * The node's replay of a training scenario: the run's records, renamed and shifted to now, go
 * through the pipeline into the run's training tenant like any other source, so the trainee's
 * dashboard shows them as it would production data.
 */
import type { ReplaySink } from '@intersoc/train';
import type { Pipeline } from '../../pipeline/pipeline.js';
import type { RecordsMessage } from '../../pipeline/protocol.js';

const BATCH = 2_000;

/** A replay sink over `pipeline`; resolves when every record is committed. */
export function pipelineReplay(pipeline: Pipeline): ReplaySink {
  return async (tenant, replay) => {
    let batch: RecordsMessage['records'][number][] = [];
    let n = 0;
    for (const r of replay.records()) {
      batch.push({
        format: r.format,
        source: { format: r.format, kind: 'replay', name: r.source, ...(r.host ? { peer: r.host } : {}) },
        record: r.record,
        ...(r.label === undefined ? {} : { label: r.label }),
        key: `training:${tenant}:${n}`,
      });
      n++;
      if (batch.length >= BATCH) {
        const out = batch;
        batch = [];
        await pipeline.submitRecords(tenant, out);
      }
    }
    if (batch.length > 0) await pipeline.submitRecords(tenant, batch);
    await pipeline.flush();
    return n;
  };
}
