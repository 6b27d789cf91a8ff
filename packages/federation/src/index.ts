/**
 * @module
 * `@intersoc/federation`: interconnected SOCs with no central broker. Node identity (Ed25519,
 * node id = key fingerprint), peers added by out-of-band exchange, STIX over TAXII 2.1 by push
 * and pull with node-key mutual authentication, a signed and verifiable provenance chain on every
 * shared object (Merkle-batched Ed25519 over RFC 8785 JSON), the sharing policy enforced by the
 * sender (TLP 2.0, MISP distribution with downgrade, sharing groups, PAP carried), privacy by
 * keyed pseudonyms, trust-weighted fusion with quarantine, cross-SOC sightings, and private
 * lookups (VOPRF over ristretto255).
 */

// identity
export {
  cardOf,
  federationDir,
  fingerprint,
  hasIdentity,
  initIdentity,
  loadIdentity,
  NAME_PATTERN,
  NODE_ID_PATTERN,
  NodeIdentitySchema,
  NodeMetaSchema,
  parseCard,
  PeerCardSchema,
  stixIdentityId,
  stixIdentityOf,
} from './identity/identity.js';
export type { NodeIdentity, NodeKeys, NodeMetaInput, PeerCard } from './identity/identity.js';

// settings
export { FEDERATION_CONFIG_FILE, FederationConfigSchema, loadFederationConfig } from './config/config.js';
export type { FederationConfig } from './config/config.js';

// signing and provenance
export { attest, coreDigest, SignedBatch } from './signing/attest.js';
export type { AttestItem, AttestOptions } from './signing/attest.js';
export { auditPath, buildTree, leafHash, MerkleVerifier, rootFromPath } from './signing/merkle.js';
export type { MerkleTree } from './signing/merkle.js';
export {
  encodeBatchRef,
  encodeHop,
  encodeProvenance,
  parseProvenance,
  pathOf,
  PROVENANCE_PROPERTY,
  splitProvenance,
} from './signing/provenance.js';
export type { BatchHop, BatchRef, BatchResolver, Hop, Provenance } from './signing/provenance.js';
export { BATCH_PROPERTY, BATCH_TYPE, batchObject, batchResolver, isBatchObject, parseBatch } from './signing/batch.js';
export type { BatchWire, DeclaredBatch } from './signing/batch.js';
export { ChainVerifier } from './signing/verify.js';
export type { KnownKey, Rejection, VerifiedObject, VerifierOptions } from './signing/verify.js';

// sharing policy
export { decide } from './policy/policy.js';
export type { PolicyDecision, PolicyInput, PolicyRecipient } from './policy/policy.js';
export {
  DISTRIBUTIONS,
  effectiveDistribution,
  floorTlp,
  SharingGroupSchema,
  SharingTermsSchema,
} from './policy/terms.js';
export type { Distribution, SharingGroup, SharingTerms } from './policy/terms.js';

// privacy
export {
  DEFAULT_INTERNAL_NETWORKS,
  DEFAULT_INTERNAL_SUFFIXES,
  InternalScope,
  PERSONAL_KINDS,
} from './privacy/classify.js';
export type { PersonalKind } from './privacy/classify.js';
export { DEFAULT_PRIVACY_POLICY, Minimiser } from './privacy/minimise.js';
export type { FieldAction, KnownPersonalValue, Minimised, PrivacyPolicy } from './privacy/minimise.js';
export { PSEUDONYM_IPV6_PREFIX, Pseudonymiser } from './privacy/pseudonymise.js';

// trust
export {
  DEFAULT_QUARANTINE,
  fuse,
  fuseReports,
  RELIABILITY,
  RELIABILITY_PRIOR,
  trustScore,
  weightedConfidence,
} from './trust/trust.js';
export type { Feedback, FusedState, QuarantinePolicy, Reliability, Report } from './trust/trust.js';

// private lookups
export { blindInputs, finalizeTags, lookupInput, LookupServer, TAG_BYTES, TagSet } from './lookup/oprf.js';
export type { BlindedQuery } from './lookup/oprf.js';
export { loadLookupSeed, LookupService, MAX_EVALUATIONS } from './lookup/service.js';
export type { LookupAnswer, PublishedSet } from './lookup/service.js';

// stores
export { migrateFederation } from './store/schema.js';
export { PeerStore } from './store/peers.js';
export { PgPeerStore } from './store/pg-peers.js';
export type { Peer, PeerRegistry, PeerStatus } from './store/peers.js';
export { Journal } from './store/journal.js';
/** The federation journal (ledger, decisions, cursors, nonces, rejections, exchanges) on PostgreSQL. */
export { PgJournal } from './store/pg-journal.js';
export type {
  Decision,
  DecisionQuery,
  DecisionRecord,
  Exchange,
  FederationJournal,
  LedgerEntry,
  RejectionRecord,
} from './store/journal.js';
export { readIntelState, recordReports, reportersOf, reviewIntel, RELAY_DISCOUNT } from './store/intel-state.js';
export type { IntelState, ReportInput } from './store/intel-state.js';
export { landedSightings } from './store/sightings.js';
/** Reports, review, chains, sightings and lookup tags behind one interface, on SQLite. */
export { SqliteFederationState } from './store/state.js';
/** The same federation state on PostgreSQL (migration step 11). */
export { FEDERATION_CHANGE_MARK, PgFederationState } from './store/pg-state.js';
export type { FederationStateStore } from './store/state-model.js';
export type { ChainInput } from './store/chains.js';
export type { ContextEntity, LandedSighting, LocalSighting } from './store/sightings.js';

// transport
export {
  AUTH_SCHEME,
  bodyDigest,
  bodyMatches,
  isNodeAuth,
  parseAuthHeader,
  RateLimiter,
  RESPONSE_SIGNATURE_HEADER,
  signRequest,
  signResponse,
  verifyRequest,
  verifyResponse,
} from './transport/request-auth.js';
export type { AuthFields, RequestRefusal, RequestVerifierOptions } from './transport/request-auth.js';
export { FEDERATION_ROOT, PeerClient } from './transport/peer-client.js';
export type { PeerAddress } from './transport/peer-client.js';
export { TaxiiBridge } from './transport/taxii-bridge.js';
export type { BridgeOptions } from './transport/taxii-bridge.js';
export { federationHttp } from './transport/http-plugin.js';
export type { FederationHttpOptions } from './transport/http-plugin.js';

// the federation
export { Federation, isPeerContext, peerOf } from './sync/federation.js';
export type { FederationStatus, QuarantinedItem, ShareRequest, SyncResult } from './sync/federation.js';
export type { FederationDeps, LogLevel } from './sync/context.js';
export { inboxOf, outboxOf, SIGN_BATCH } from './sync/share.js';
export type { ShareOutcome, ShareReport } from './sync/share.js';
export type { ReceiveSummary } from './sync/receive.js';
