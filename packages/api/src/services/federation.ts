/**
 * @module
 * Federation services (interconnected SOCs): peers, sharing, sync, quarantine, feedback, private lookups.
 */
import type { AuthContext } from '@intersoc/core';

// ---------------------------------------------------------------------------------------------
// Federation (interconnected SOCs): peers, sharing, sync, quarantine, feedback, private lookups.
// Acts for the node's federation tenant only; other tenants get FORBIDDEN.

/** A peer as the API shows it. */
export interface FederationPeerView {
  readonly nodeId: string;
  readonly name: string;
  readonly sector: string;
  readonly country: string;
  readonly communities: readonly string[];
  readonly endpoint?: string;
  /** Admiralty grade set by the operator (A–F). */
  readonly reliability: string;
  /** Trust in [0, 1]. */
  readonly trust: number;
  readonly status: string;
  readonly confirmations: number;
  readonly falsePositives: number;
  readonly lastContact?: number;
  readonly lastError?: string;
}

/** This node's federation identity; `card` is what peers need (exchanged out of band). */
export interface FederationNodeView {
  readonly nodeId: string;
  readonly name: string;
  readonly sector: string;
  readonly country: string;
  readonly communities: readonly string[];
  readonly endpoint?: string;
  readonly publicKey: string;
  readonly tenant: string;
  readonly card: Readonly<Record<string, unknown>>;
}

/** What to share and under which terms. */
export interface FederationShareRequest {
  readonly ids?: readonly string[];
  readonly types?: readonly string[];
  readonly distribution?: 'organisation' | 'community' | 'connected' | 'all' | 'group';
  readonly tlp?: 'clear' | 'green' | 'amber' | 'amber+strict' | 'red';
  readonly recipients?: readonly string[];
  readonly group?: string;
  readonly pap?: 'clear' | 'green' | 'amber' | 'red';
  readonly explicit?: boolean;
}

/** Outcome of a share. */
export interface FederationShareResult {
  readonly run: string;
  readonly objects: number;
  readonly withheld: readonly { readonly id: string; readonly reason: string }[];
  readonly queued: Readonly<Record<string, number>>;
  readonly decisions: number;
  readonly denied: number;
}

/** Outcome of a sync round with one peer. */
export interface FederationSyncResult {
  readonly peer: string;
  readonly pushed: number;
  readonly pulled: { readonly added: number; readonly duplicates: number; readonly rejected: number };
  readonly error?: string;
}

/** A received object waiting for review. */
export interface FederationQuarantined {
  readonly id: string;
  readonly type: string;
  readonly name?: string;
  readonly confidence: number;
  readonly reporters: readonly string[];
}

/** One peer's answer to a private lookup. */
export interface FederationLookupAnswer {
  readonly peer: string;
  readonly name: string;
  readonly seen?: boolean;
  readonly error?: string;
}

/** A sighting a peer returned about what this node shared. */
export interface FederationLanded {
  readonly indicator: string;
  readonly peer: string;
  readonly count: number;
  readonly first: number;
  readonly last: number;
}

/** A refused request or object, with its reason. */
export interface FederationRejection {
  readonly time: number;
  readonly peer: string;
  readonly objectId: string;
  readonly code: string;
  readonly reason: string;
}

/** A sharing-policy decision. */
export interface FederationDecision {
  readonly time: number;
  readonly run: string;
  readonly objectId: string;
  readonly version: string;
  readonly peer: string;
  readonly allowed: boolean;
  readonly reason: string;
  readonly tlp: string;
  readonly distribution: string;
  readonly hops: number;
}

/** One hop of a provenance chain: who signed, for whom, when, and (originator only) the terms. */
export interface FederationHop {
  readonly node: string;
  readonly to: string;
  readonly signed: number;
  readonly expires: number;
  readonly explicit: boolean;
  readonly terms?: Readonly<Record<string, unknown>>;
}

/** The provenance of a received object version. */
export interface FederationProvenance {
  readonly id: string;
  readonly version: string;
  readonly origin: string;
  readonly chain: readonly FederationHop[];
}

/** The federation, as the API drives it. */
export interface FederationService {
  node(ctx: AuthContext): Promise<FederationNodeView>;
  peers(ctx: AuthContext): Promise<readonly FederationPeerView[]>;
  addPeer(
    ctx: AuthContext,
    card: unknown,
    o: { readonly reliability?: string; readonly communities?: readonly string[]; readonly endpoint?: string },
  ): Promise<FederationPeerView>;
  removePeer(ctx: AuthContext, nodeId: string): Promise<boolean>;
  revokePeer(ctx: AuthContext, nodeId: string): Promise<FederationPeerView>;
  setReliability(ctx: AuthContext, nodeId: string, reliability: string): Promise<FederationPeerView>;
  share(ctx: AuthContext, req: FederationShareRequest): Promise<FederationShareResult>;
  sync(ctx: AuthContext): Promise<readonly FederationSyncResult[]>;
  quarantine(ctx: AuthContext): Promise<readonly FederationQuarantined[]>;
  review(ctx: AuthContext, id: string, decision: 'released' | 'rejected'): Promise<void>;
  feedback(
    ctx: AuthContext,
    indicator: string,
    verdict: 'confirmed' | 'false-positive',
  ): Promise<{ readonly peers: readonly string[] }>;
  lookup(
    ctx: AuthContext,
    kind: 'ip' | 'domain' | 'url' | 'email' | 'hash',
    value: string,
  ): Promise<readonly FederationLookupAnswer[]>;
  sightings(ctx: AuthContext): Promise<readonly FederationLanded[]>;
  rejections(ctx: AuthContext, limit: number): Promise<readonly FederationRejection[]>;
  decisions(
    ctx: AuthContext,
    q: { readonly peer?: string; readonly objectId?: string; readonly limit: number },
  ): Promise<readonly FederationDecision[]>;
  /** The provenance chain of a received object (undefined for the node's own objects). */
  provenance(ctx: AuthContext, id: string): Promise<FederationProvenance | undefined>;
  groups(ctx: AuthContext): Promise<readonly { readonly name: string; readonly members: readonly string[] }[]>;
  setGroup(ctx: AuthContext, name: string, members: readonly string[]): Promise<void>;
  setCommunityKey(
    ctx: AuthContext,
    name: string,
    keyHex?: string,
  ): Promise<{ readonly name: string; readonly key: string }>;
}
