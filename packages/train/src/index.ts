/**
 * @module
 * `@intersoc/train`: continuous training of analysts inside the SOC tool. Exercises (a scenario,
 * levels in order, KYPO's scoring policy) are imported from our format or a KYPO/CyberRangeCZ
 * linear training definition and exported back; each run replays its scenario into a training
 * tenant with times shifted to now and hosts and users renamed per trainee; answers are
 * normalised by kind (host, user, IP, hash, technique) and checked against the run's own key;
 * scores are a fold over the recorded actions; the Atomic Red Team index names techniques for
 * the competence map.
 */

// exercises
export {
  ANSWER_KINDS,
  EXERCISE_FORMAT,
  ExerciseSchema,
  FIND_TARGETS,
  LevelSchema,
  LIMITS,
  ScenarioSchema,
  TASK_CHECKS,
  TechniqueId,
  TRUTH_FACTS,
} from './exercise/schema.js';
export type {
  AnswerKind,
  Exercise,
  Hint,
  Level,
  LevelType,
  Scenario,
  ScoredLevel,
  TaskCheck,
  TruthFact,
} from './exercise/schema.js';
export { findLevel, isScored, maxOf, readExercise, techniquesOf } from './exercise/levels.js';
export type { PlacedLevel, ReadyExercise } from './exercise/levels.js';

// answers
export { canonicalIp, normalise, splitList } from './answers/normalise.js';
export { checkAnswer, chosenOptions } from './answers/check.js';
export type { LevelKey, Verdict } from './answers/check.js';

// scoring
export { foldRun, penaltyOf, reportOf } from './scoring/fold.js';
export type { LevelReport, LevelState, RunAction, RunReport } from './scoring/fold.js';

// KYPO
export { fromKypo, isKypo, KypoTrainingSchema } from './kypo/import.js';
export type { KypoTraining } from './kypo/import.js';
export { toKypo } from './kypo/export.js';
export type { KypoExport } from './kypo/export.js';

// scenarios
export { Renamer } from './scenario/rename.js';
export type { RenameInput } from './scenario/rename.js';
export { shiftRecord } from './scenario/timeshift.js';
export { prepareReplay } from './scenario/replay.js';
export type { Replay, ReplayRecord, ScenarioTruth } from './scenario/replay.js';

// competence
export { csvFields, loadAtomicIndex, lookupTechnique, parseAtomicIndex } from './competence/atomic.js';
export type { AtomicIndex, AtomicTechnique } from './competence/atomic.js';

// store
export { SqliteTrainStore } from './store/sqlite-train.js';
/** The training store on PostgreSQL (migration step 20), used exactly as `SqliteTrainStore`. */
export { PgTrainStore } from './store/pg-train.js';
export type { RunState, StoredExercise, StoredRun, TrainStore } from './store/train-store.js';

// runs
export { resolveKeys } from './service/keys.js';
export type { RunKeys } from './service/keys.js';
export { INSTRUCTOR_ROLES, TRAINING_ROLES, TrainingService } from './service/training-service.js';
export {
  checkAlertMarks,
  checkCase,
  checkOnRange,
  checkPlaybookRun,
  checkSigma,
  labelIsAttack,
} from './service/range.js';
export type { RangeAlert, RangeCase, RangePlaybookRun, SigmaOutcome, TrainingRange } from './service/range.js';
export { keyAnswer } from './service/answers.js';
export type { LevelAnswer } from './service/answers.js';
export type {
  AnswerResult,
  ReplaySink,
  RunSummary,
  StartedRun,
  StartLevel,
  TrainingDeps,
} from './service/training-service.js';

// tracking
export { competenceMap } from './competence/map.js';
export type { Candidate, CompetenceMap, PlayedRun, TacticCompetence, TechniqueCompetence } from './competence/map.js';
export { PROGRESS_COLUMNS, progressCsv, progressJson } from './scoring/export.js';
export type { ProgressRun } from './scoring/export.js';
export { exerciseFromIncident } from './scenario/incident.js';
export type { IncidentFacts, IncidentRecord } from './scenario/incident.js';

// ground truth kept from trainees
export { hidesTruth, hideTruth, queriesTruth, TRUTH_FIELD } from './truth/hide.js';
