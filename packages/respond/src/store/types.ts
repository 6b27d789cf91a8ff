/**
 * @module
 * What the respond store keeps: playbooks by version (id + modified), runs as transition logs,
 * the open waits (the approval inbox) and the actions that can be undone. Every read takes the
 * caller's context and stays inside `ctx.tenant`.
 */
import type { AuditInput } from '@intersoc/storage';
import type { Playbook } from '../cacao/types.js';
import type {
  RecordedAction,
  RunStatus,
  RunSummary,
  RunTrigger,
  Transition,
  TransitionBody,
  Wait,
} from '../engine/types.js';

/** A stored playbook version. */
export interface StoredPlaybook {
  readonly tenant: string;
  readonly id: string;
  /** The playbook's `modified`: its version. */
  readonly version: string;
  readonly name: string;
  /** SHA-256 of its canonical JSON without signatures. */
  readonly digest: string;
  /** `local`, or `peer:<node id>` for playbooks received through federation. */
  readonly source: string;
  readonly tlp?: string;
  /** Key ids whose signatures verified when it was added. */
  readonly signedBy: readonly string[];
  readonly addedBy: string;
  readonly addedAt: number;
  readonly playbook: Playbook;
}

/** A playbook in a listing: its latest version and how many versions there are. */
export interface PlaybookBrief {
  readonly id: string;
  readonly version: string;
  readonly name: string;
  readonly versions: number;
  readonly source: string;
  readonly tlp?: string;
  readonly signedBy: readonly string[];
  readonly addedAt: number;
  readonly description?: string;
}

/** An open wait: one entry of the approval inbox. */
export interface OpenWait {
  readonly tenant: string;
  readonly run: string;
  readonly branch: string;
  readonly step: string;
  readonly stepName?: string;
  readonly playbookName: string;
  readonly requestedBy: string;
  readonly since: number;
  readonly wait: Wait;
  readonly approvals: readonly { readonly by: string; readonly decision: string; readonly reason?: string }[];
}

/** A recorded action with its revert state. */
export interface StoredAction extends RecordedAction {
  readonly tenant: string;
  readonly run: string;
  readonly time: number;
  readonly state: 'active' | 'reverted' | 'revert-failed';
  readonly error?: string;
}

/** One run's part of a write batch. */
export interface RunWrite {
  readonly tenant: string;
  readonly run: string;
  readonly transitions: readonly Transition[];
  /**
   * The transitions without seq and time, as the engine made them (same order): stored as they
   * are, with no copy of each transition to strip its columns first.
   */
  readonly bodies?: readonly TransitionBody[];
  /** The run row: written with run.created, updated when status or reason changes. */
  readonly row?: {
    readonly playbookId: string;
    readonly playbookVersion: string;
    readonly playbookName: string;
    readonly status: RunStatus;
    readonly dryRun: boolean;
    readonly requestedBy: string;
    readonly trigger: RunTrigger;
    readonly created: number;
    readonly reason?: string;
    readonly parentRun?: string;
  };
  /** Waits opened (replacing any of the same branch) and closed. */
  readonly waits?: readonly { readonly open?: OpenWait; readonly close?: { readonly branch: string } }[];
  /** Actions recorded, or changed (state, expiry). */
  readonly actions?: readonly StoredAction[];
  /** Audit entries that commit with these transitions. */
  readonly audit: readonly AuditInput[];
}

/** A page of runs, newest first. */
export interface RunPage {
  readonly items: readonly RunSummary[];
  readonly nextBefore?: number;
}
