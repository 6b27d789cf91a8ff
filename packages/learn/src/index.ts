/**
 * @module
 * `@intersoc/learn`: machine learning for detection. Learners written for speed and explanation
 * (histogram gradient-boosted trees, isolation forest, regularised logistic regression) on typed
 * arrays, one tree evaluator for our models and imported XGBoost and LightGBM ones, tabular
 * inputs (NSL-KDD, CIC-IDS CSV, CSV), flow features from events (our pcap flows, CIC CSV, Zeek
 * conn, Suricata flow), the model registry with versions, lineage and feedback, drift (PSI),
 * a streaming anomaly detector for numeric series (measured on NAB), and host baselines.
 */

// data
export { guessFormat, MAX_TABLE_BYTES, NSL_KDD_COLUMNS, readTable, splitCsvLine, TABLE_FORMATS } from './data/table.js';
export type { Table, TableFormat } from './data/table.js';
export { featureValue, fitSchema, labelText, numberCell, subset, toDataset } from './data/dataset.js';
export type { Dataset, FeatureSpec, Schema, SchemaOptions } from './data/dataset.js';
export { timeSplit } from './data/split.js';
export type { TableSplit } from './data/split.js';

// learners
export { GBDT_DEFAULTS, logLoss, trainGbdt } from './gbdt/train.js';
export type { GbdtParams, GbdtResult, LabelledMatrix } from './gbdt/train.js';
export { avgPath, IFOREST_DEFAULTS, iforestAttributions, iforestScore, trainIforest } from './iforest/iforest.js';
export type { IforestParams, IsolationForest } from './iforest/iforest.js';
export { LOGREG_DEFAULTS, logregAttributions, logregProba, trainLogreg } from './logreg/logreg.js';
export type { LogisticModel, LogregParams } from './logreg/logreg.js';

// the tree evaluator
export {
  applyLink,
  DEFAULT_LEFT,
  leafOf,
  margins,
  pathAttributions,
  softmaxInPlace,
  STRICT_LESS,
} from './trees/ensemble.js';
export type { FlatTree, Link, TreeEnsemble } from './trees/ensemble.js';
export { treeExpectation, treeShap } from './trees/treeshap.js';

// models trained elsewhere, on the same evaluator
export { readXgboostJson } from './import/xgboost.js';
export { MAX_LIGHTGBM_BYTES, readLightgbmText } from './import/lightgbm.js';
export { checkTreeShape, importedModelDoc } from './import/imported.js';
export type { ImportedTrees, ImportOptions } from './import/imported.js';

// models
export { ensembleFromJson, ensembleToJson, Model } from './model/model.js';
export type { Algorithm, Contribution, EnsembleJson, ModelDoc, Prediction, ScorerJson } from './model/model.js';
export {
  DEFAULT_TARGET_FPR,
  stratifiedSplit,
  summary,
  thresholdFor,
  trainModel,
  trainModelInWorkers,
} from './model/train.js';
export { trainGbdtInWorker } from './gbdt/in-worker.js';
export type { GbdtRunner, TrainAlgorithm, TrainedModel, TrainingSource, TrainOptions } from './model/train.js';
export { datasetFor, evaluateModel, explainRow, predictRows } from './model/batch.js';
export type { RowExplanation, RowPrediction } from './model/batch.js';

// continuous training from analysts' verdicts on alerts
export {
  alertVector,
  concatRows,
  feedbackDataset,
  feedbackHash,
  lineageDataHash,
  MAX_VECTOR_FEATURES,
  vectorOf,
} from './model/retrain.js';
export type { FeedbackOutcome, FeedbackRow, VectorCell } from './model/retrain.js';

// drift of a model's inputs (PSI against the training profile)
export { DriftCounter, profileRows, PSI_DRIFTED, PSI_MODERATE } from './drift/psi.js';
export type { DriftReport, DriftStatus, FeatureProfile } from './drift/psi.js';

// metrics
export { binaryMetrics, evaluate, rocAuc } from './metrics/metrics.js';
export type { ClassMetrics, Evaluation } from './metrics/metrics.js';

// the model registry
export { checkModelName, MODEL_NAME_PATTERN } from './registry/models.js';
export type { ModelStatus, ModelStore, ModelSummary, StoredModel } from './registry/models.js';
export { SqliteModelStore } from './registry/sqlite-models.js';
/** The model registry on PostgreSQL (migration step 12), same `ModelStore` contract as `SqliteModelStore`. */
export { PgModelStore } from './registry/pg-models.js';

// flow features from any flow event (pcap cic.*, CICFlowMeter CSV, Zeek conn, Suricata flow)
export { CIC_FIELD_PREFIX, eveMicros, flowFeatures, fromSuricataFlow, fromZeekConn } from './flows/features.js';
export type { FlowFeatures, FlowSource } from './flows/features.js';

// streaming anomaly detection on numeric series, and NAB's scoring
export { createContextDetector } from './anomaly/context-detector.js';
export type { ContextDetector, ContextDetectorOptions, ContextState } from './anomaly/context-detector.js';
export { nabTime, readNabCorpus, readNabWindows, runSeries, scoreNab, writeNabResult } from './anomaly/nab-corpus.js';
export type { DetectorFactory, NabSeries, SeriesDetector } from './anomaly/nab-corpus.js';
export { NAB_PROFILES, probationLength, scaledSigmoid, scoreCorpus } from './anomaly/nab-score.js';
export type { CostMatrix, NabScore, ScoredSeries, ThresholdScore } from './anomaly/nab-score.js';

// host behaviour baselines: observations in the parse threads, state and alerts in one stage
export { BaselineObserver, noveltyObservations, personUser } from './baselines/observe.js';
export { LinuxTracker, threadLinuxTracker } from './baselines/linux.js';
export { BaselineEngine } from './baselines/engine.js';
export type { BaselineHit, BaselineSize } from './baselines/engine.js';
export { BASELINES_DB_FILE } from './baselines/store.js';
export { BASELINE_DEFAULTS, NOVELTY_KINDS } from './baselines/types.js';
export type {
  BaselineObservation,
  BaselineSettings,
  NoveltyKind,
  NoveltyObservation,
  RateKind,
  RateObservation,
} from './baselines/types.js';
