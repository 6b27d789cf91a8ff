/**
 * @module
 * `@intersoc/respond`: trustworthy response. CACAO 2.0 playbooks read, validated (the OASIS
 * schemas with their command defect patched, plus semantic checks), signed (JWS, Ed25519, RFC
 * 8785) and stored by version; a durable engine that writes every transition before it takes
 * effect and resumes after a crash; approvals (auto, one, four eyes, never) that expire closed;
 * dry runs; connectors that act with a declared inverse (nftables, webhook, SMTP, host isolation,
 * federation, detectors); rollback and time-boxed containment; every run, step, approval, command
 * and rollback in the node's hash-chained audit log.
 */

// the CACAO model
export { IDENTIFIER_PATTERN, idType, STEP_TYPES, TIMESTAMP_PATTERN, VARIABLE_NAME_PATTERN } from './cacao/types.js';
export type {
  AgentTarget,
  AuthenticationInfo,
  CacaoSignature,
  CacaoVariable,
  CommandData,
  Playbook,
  StepType,
  Variables,
  WorkflowStep,
} from './cacao/types.js';
export { DEFAULT_READ_LIMITS, readPlaybookText } from './cacao/read.js';
export type { ReadLimits } from './cacao/read.js';
export { stepEdges, workflowEdges } from './cacao/graph.js';
export type { StepEdge } from './cacao/graph.js';
export {
  playbookExtension,
  PlaybookExtensionSchema,
  RESPOND_EXTENSION_DEFINITION,
  RESPOND_EXTENSION_ID,
  stepExtension,
  StepExtensionSchema,
} from './cacao/extension.js';
export type { PlaybookExtension, StepExtension } from './cacao/extension.js';

// validation
export { loadCacaoSchemas } from './validate/schemas.js';
export type { CacaoSchemaValidator } from './validate/schemas.js';
export { validatePlaybook, validatePlaybookText } from './validate/validate.js';
export type { PlaybookValidation, ValidateOptions } from './validate/validate.js';
export { semanticFindings } from './validate/semantic.js';
export { evaluateCondition, parseCondition } from './conditions/condition.js';
export type { Condition } from './conditions/condition.js';

// signatures
export { canonicalJson } from './sign/jws.js';
export { playbookDigest, signPlaybook, signedContent, verifyPlaybook } from './sign/playbook-signature.js';
export type { PlaybookSigner, PlaybookVerification, SignatureCheck, TrustedKey } from './sign/playbook-signature.js';

// playbooks, sharing, triggers
export { extractSecrets, PlaybookService, playbookTlp } from './playbooks/service.js';
export type { AddOutcome, PlaybookServiceOptions } from './playbooks/service.js';
export {
  CACAO_MEDIA_TYPE,
  OCA_PLAYBOOK_EXTENSION,
  OCA_PLAYBOOK_TYPE,
  playbookFromStix,
  playbookToStix,
  stixIdOfPlaybook,
} from './share/stix.js';
export { triggerReason } from './triggers/triggers.js';
export type { TriggerSubject } from './triggers/triggers.js';

// the engine
export { Engine, RESPOND_READERS, RESPOND_WRITERS } from './engine/engine.js';
export type { EngineOptions, StartRequest } from './engine/engine.js';
export { APPROVAL_POLICIES, FINISHED, RUN_STATUSES } from './engine/types.js';
export type {
  ApprovalPolicy,
  RecordedAction,
  RunStatus,
  RunSummary,
  RunTrigger,
  Transition,
  TransitionBody,
  Wait,
  WaitKind,
} from './engine/types.js';
export { approvalState, voteRefusal } from './engine/approvals.js';
export { foldRun } from './engine/state.js';
export type { RunState } from './engine/state.js';
export { runView } from './engine/view.js';
export type { RunView, StepView } from './engine/view.js';
export { queuedOps, serveRequests } from './engine/requests.js';
export type { RunOps } from './engine/requests.js';
export type { RevertOutcome } from './engine/rollback.js';

// commands and connectors
export { CommandError } from './commands/types.js';
export type {
  ActionRecord,
  AgentDirectory,
  CommandContext,
  CommandExecutor,
  CommandResult,
  Connector,
  RegisteredAgent,
} from './commands/types.js';
export { httpApiExecutor } from './commands/http-api/index.js';
export { OPENC2_COMMAND_TYPE, openc2Connector, openc2Executor } from './commands/openc2-http/index.js';
export { bashExecutor } from './commands/shell/bash.js';
export { sshExecutor, sshFingerprint } from './commands/shell/ssh.js';
export { shellQuote } from './commands/shell/quote.js';
export { sigmaExecutor } from './commands/sigma/index.js';
export { intersocExecutor } from './commands/intersoc/index.js';
export type { NodePorts } from './commands/intersoc/ports.js';
export { checkAddress, ensureNftables, nftablesConnector, nftBlock } from './connectors/nftables/index.js';
export type { NftAgent } from './connectors/nftables/index.js';
export { webhookConnector } from './connectors/webhook/index.js';
export { smtpConnector } from './connectors/smtp/index.js';
export type { SmtpAgent } from './connectors/smtp/index.js';
export { isolationConnector } from './connectors/isolation/index.js';
export { detectorsConnector, federationConnector } from './connectors/node/index.js';
export { FileAgentDirectory, RegistrationSchema, respondDir } from './agents/directory.js';

// storage
export { SqliteRespondStore } from './store/sqlite-respond-store.js';
export { PgRespondStore } from './store/pg-respond-store.js';
export { runWatcher, type RunSubscribe, type RunWatcherOptions } from './store/watch-runs.js';
export type { QueuedRequest, RequestOutcome, RespondStore, RunQuery } from './store/respond-store.js';
export type { SyncAuditLog } from './store/sqlite-respond-store.js';
export type { OpenWait, PlaybookBrief, RunPage, StoredAction, StoredPlaybook } from './store/types.js';

// wiring
export { respondEngine, respondRuntime } from './runtime.js';
export type { RespondRuntime, RuntimeOptions } from './runtime.js';
