/**
 * @module
 * `@intersoc/text`: unstructured intelligence. Reports in (PDF, HTML, text, Markdown, e-mail with
 * attachments) reduced to sentences with positions; indicators extracted and refanged, known-benign
 * ones dropped with the MISP warninglists; ATT&CK techniques from explicit ids, group and software
 * names and a learned sentence classifier (TF-IDF word and character n-grams, one-vs-rest logistic
 * regression, Platt-calibrated, trained on TRAM by document); the STIX 2.1 bundle of a report;
 * analysts' reviews as labelled data and retraining; and the learned incident categoriser and
 * alert triage ranking.
 */

// documents
export { REPORT_FORMATS } from './document/types.js';
export type { AttachmentInfo, Paragraph, ReportFormat, Sentence, TextBlock, TextDocument } from './document/types.js';
export { buildDocument, sentenceAt, tidy } from './document/build.js';
export { splitSentences } from './document/segment.js';
export { writeSimplePdf } from './document/pdf-writer.js';

// extraction
export { DEFAULT_LIMITS } from './extract/limits.js';
export type { ExtractLimits } from './extract/limits.js';
export { detectFormat } from './extract/detect.js';
export { extractDocument } from './extract/extract.js';
export type { ExtractOptions } from './extract/extract.js';
export { extractIsolated } from './extract/isolated.js';

// indicators
export { IOC_TYPES } from './iocs/types.js';
export type { IocMatch, IocType } from './iocs/types.js';
export { extractIocs } from './iocs/extract.js';
export { refangMapped, refangText } from './iocs/refang.js';
export type { Refanged } from './iocs/refang.js';
export { BenignFilter } from './iocs/benign.js';
export { collectIocs } from './iocs/collect.js';
export type { IocReport } from './iocs/collect.js';

// ATT&CK
export { AttackKnowledge } from './attack/knowledge.js';
export type { ActorMatch, AttackActor, AttackKnowledgeState } from './attack/knowledge.js';
export { MODEL_FORMAT, SentenceModel } from './attack/model.js';
export type { ModelInfo, TechniqueScore } from './attack/model.js';
export { DEFAULT_TRAIN, evaluate, trainSentenceModel } from './attack/train.js';
export type { HeldOutFigures, TrainedModel, TrainOptions } from './attack/train.js';
export { foldOf, readTramNegatives, readTramSingleLabel, splitByDocument } from './attack/tram.js';
export type { LabelledSentence } from './attack/tram.js';
export { NaiveBayes } from './attack/naive-bayes.js';
export { wordTokens } from './attack/tokenise.js';
export { commonWords, defaultModelPath, loadSentenceModel, releaseInputs, trainRelease } from './attack/release.js';

// reports
export type { DroppedItem, ExtractedItem, ItemKind, ItemSource, ReportAnalysis } from './reports/types.js';
export { analyseDocument } from './reports/analyse.js';
export type { AnalyseOptions } from './reports/analyse.js';

// STIX
export { patternOf, reportBundle } from './stix/bundle.js';
export type { BundleInput, StixJson } from './stix/bundle.js';
export { stixId } from './stix/ids.js';

// stored reports, reviews and retraining
export { SqliteReportStore } from './store/sqlite-reports.js';
/** The report store on PostgreSQL (migration step 18), the same `ReportStore` as `SqliteReportStore`. */
export { PgReportStore } from './store/pg-reports.js';
export type {
  ModelKind,
  ModelVersion,
  NewReport,
  ReportStore,
  ReportStatus,
  ReportSummary,
  Review,
  ReviewDecision,
  ReviewedItem,
  SentenceLabel,
  StoredReport,
} from './store/types.js';
export { effectiveItems, ReportService } from './reports/service.js';
export type { AddedTechnique, PublishResult, ReportServiceDeps, ReviewInput } from './reports/service.js';
export { correctionSentences, retrain } from './reports/retrain.js';
export type { RetrainResult } from './reports/retrain.js';

// alert triage ranking
export { AlertContextTracker, alertFeatures, hostOf } from './triage/features.js';
export type { AlertContext } from './triage/features.js';
export { dispositionLabel, precisionAtN, rocAuc, TRIAGE_FORMAT, TriageModel } from './triage/model.js';
export type { LabelledAlert, RankingFigures, TriageScore } from './triage/model.js';

// incident categoriser
export { CATEGORISER_FORMAT, incidentFeatures, LearnedCategoriser } from './categorise/categoriser.js';
export type { Categorisation, CategoriserFigures, LabelledIncident } from './categorise/categoriser.js';

// measuring indicator extraction
export { iocCases, mispValues, scoreIocs } from './iocs/evaluate.js';
export type { IocCase, IocFigures } from './iocs/evaluate.js';
export { classificationInputOf, SqliteIncidentLabels } from './categorise/labels.js';
export type { IncidentLabel, IncidentLabelStore } from './categorise/labels.js';
/** Analysts' category corrections on PostgreSQL (migration step 19), the same `IncidentLabelStore`. */
export { PgIncidentLabels } from './categorise/pg-labels.js';
