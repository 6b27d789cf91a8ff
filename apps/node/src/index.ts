/**
 * @module
 * `@intersoc/node`: the node as a library, for embedding and end-to-end tests. The CLI
 * (`bin/intersoc`) is built on the same functions.
 */
export { loadConfig } from './config.js';
export { startNode } from './node/server.js';
export type { NodeOptions, RunningNode } from './node/server.js';
export { startPipeline } from './node/start-pipeline.js';
export { runDemo } from './node/demo.js';
// The simulated office's hours, for demos that need people at work whatever the clock says.
export { lastWorkingHour } from '@intersoc/simulate';
export { deployModel, trainAndStore } from './node/ml/ml-ops.js';
export type { TrainReport, TrainRequest } from './node/ml/ml-ops.js';
export type { DemoOptions, DemoSummary } from './node/demo.js';
export { Pipeline } from './pipeline/pipeline.js';
export type { PipelineHealth, PipelineOptions, PipelineStats, StageHealth } from './pipeline/pipeline.js';
export { createHydrator } from './pipeline/hydrator.js';
export { IngestJournal, JOURNAL_DIR } from './pipeline/journal.js';
