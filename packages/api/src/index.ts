/**
 * @module
 * `@intersoc/api`: the node's HTTP API on Fastify 5. Authentication (API tokens, password
 * logins and sessions, HTTP Basic), roles and tenant scoping on every route, a hash-chained
 * audit entry for every mutating call, OpenAPI 3.1 at `/api/docs`, `/api/health` and `/metrics`.
 * Event routes call the service interfaces in `services.ts`, which the node implements.
 */

// application
export { apiOptionsFromConfig, buildApi } from './build-api.js';
export type { ApiDeps, ApiOptions, BuiltApi, RouteInfo } from './build-api.js';

// dashboard routes and the web app
export { registerDashboardRoutes } from './dashboard/register.js';
export type { DashboardServices } from './dashboard/register.js';
export { EntityProfileSchema } from './entities/routes.js';
export type { EntityKind, EntityProfile, EntityService } from './entities/routes.js';
export type { StixFinding, StixValidationReport, StixValidationService } from './intel/validate-route.js';
export { registerWebApp } from './web/plugin.js';

// federation routes
export { registerFederationRoutes } from './federation/routes.js';
export type { WebAppOptions } from './web/plugin.js';

// incidents and cases
export { registerIncidentRoutes } from './incidents/routes.js';
export { registerCaseRoutes } from './cases/routes.js';

// privacy: the response view (pseudonyms, restrictions) and the privacy routes
export { installResponseView, shapeForCaller } from './privacy/view-hook.js';
export type { ResponseView } from './privacy/view-hook.js';
export { registerPrivacyRoutes } from './privacy/routes.js';
export type { ErasureView, PrivacyApiService, ReidentificationView } from './privacy/routes.js';

// learned detection models
export { ModelDetailSchema, ModelSummarySchema, registerMlRoutes } from './ml/routes.js';
export type { MlApiService } from './ml/routes.js';

// forecasts, early warnings and next steps
export { registerForecastRoutes } from './forecast/routes.js';
export type { ForecastApiService } from './forecast/schemas.js';

// threat reports and learned alert ranking
export { registerTextRoutes } from './text/routes.js';
export type { ReportUpload, TextApiService } from './text/schemas.js';

// training: exercises, runs, trainee actions and reports
export { INSTRUCTORS, PLAYERS, registerTrainingRoutes } from './training/routes.js';
export type { TrainingApiService } from './training/routes.js';

// cascades across sectors
export { registerCascadeRoutes } from './cascade/routes.js';
export type { CascadeApiService } from './cascade/schemas.js';
export type {
  AssetInputView,
  AssetView,
  IncidentAlertView,
  IncidentBrief,
  IncidentCountsView,
  IncidentView,
} from './incidents/schemas.js';
export type {
  AttachmentView,
  CaseDetailView,
  CaseView,
  CommentView,
  DeadlineView,
  HistoryEntryView,
  NoteView,
  ObservableView,
  RuleFeedbackView,
  SuggestionView,
  TaskView,
  TemplateView,
  TenantMetricsView,
  TimelineEntryView,
} from './cases/schemas.js';
export type {
  CaseApiService,
  CaseCreateRequest,
  CaseSearch,
  CaseTransitionRequest,
  CaseUpdateRequest,
  IncidentApiService,
  IncidentSearch,
} from './services.js';

// response (playbooks and runs)
export { registerRespondRoutes } from './respond/routes.js';
export type { RespondApiService, RunRequest, RunSummaryView } from './respond/service.js';

// authentication
export { createAuthenticator, splitAccount } from './auth/authenticator.js';
export type { AuthCheck, Authenticator, Credentials } from './auth/authenticator.js';
export { ACCOUNT_THROTTLE, IP_THROTTLE, LoginThrottle } from './auth/login-throttle.js';
export type { LoginThrottleOptions, ThrottleDecision, ThrottleKeys, ThrottlePolicy } from './auth/login-throttle.js';
export { SESSION_COOKIE } from './auth/cookies.js';
export { ANY_ROLE } from './access/request-state.js';
export type { RouteAccess } from './access/request-state.js';

// errors
export { ErrorBodySchema, HTTP_STATUS, toHttpError, toRequestError } from './errors/error-table.js';
export type { ErrorBody, HttpError } from './errors/error-table.js';

// logging
export { createLogger, LOG_REDACT_PATHS } from './logging/logger.js';
export type { LoggerOptions } from './logging/logger.js';

// services the node implements, and their HTTP shapes
export {
  AlertQuerySchema,
  AlertSchema,
  DeadLetterQuerySchema,
  DeadLetterSchema,
  EventQuerySchema,
  IngestQuerySchema,
  IngestResultSchema,
  pageSchema,
  SocEventSchema,
  TimeParam,
} from './services.js';
export type {
  AlertFeed,
  AlertSearch,
  AlertState,
  AlertStatus,
  AlertTriageService,
  CountedKey,
  DeadLetter,
  DeadLetterSearch,
  EventSearch,
  FederationDecision,
  FederationHop,
  FederationLanded,
  FederationLookupAnswer,
  FederationNodeView,
  FederationPeerView,
  FederationProvenance,
  FederationQuarantined,
  FederationRejection,
  FederationService,
  FederationShareRequest,
  FederationShareResult,
  FederationSyncResult,
  FieldInfo,
  HealthCheck,
  HealthProbe,
  Histogram,
  IngestOptions,
  IngestResult,
  IngestService,
  IntelGraph,
  IntelImportResult,
  IntelObject,
  IntelSearch,
  IntelService,
  NodeStatus,
  NodeStatusService,
  RoleInstanceStatus,
  Overview,
  OverviewService,
  Page,
  RateSample,
  RuleCatalogue,
  RuleInfo,
  RuleRejection,
  RuleService,
  RuleTuneRequest,
  SearchService,
  SocNetwork,
  SocNetworkService,
  TechniqueCoverage,
  TriagedAlert,
  TriageSearch,
  WindowQuery,
} from './services.js';
