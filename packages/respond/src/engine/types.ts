/**
 * @module
 * The run model. A run is an append-only list of transitions; its state is their fold
 * (`state.ts`). The engine writes a transition to the store and only then lets it take effect,
 * so after a crash the fold of what was written is exactly where the run stood.
 */

/** Where a run stands. */
export const RUN_STATUSES = ['running', 'waiting', 'succeeded', 'failed', 'cancelled'] as const;
/** A run status: `waiting` means a person must act (approval, manual task, in-doubt step). */
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Terminal statuses. */
export const FINISHED: ReadonlySet<RunStatus> = new Set(['succeeded', 'failed', 'cancelled']);

/** What started a run. */
export interface RunTrigger {
  readonly kind: 'manual' | 'incident' | 'case' | 'playbook';
  /** Incident id, case id, or parent run id. */
  readonly ref?: string;
  /** Why it matched (RSIT class, technique, severity). */
  readonly reason?: string;
}

/** Why a branch waits for a person. */
export type WaitKind = 'approval' | 'manual' | 'in-doubt';

/** Approval policies (per action). */
export const APPROVAL_POLICIES = ['auto', 'one', 'four-eyes', 'never'] as const;
/** An approval policy. */
export type ApprovalPolicy = (typeof APPROVAL_POLICIES)[number];

/** A wait for a person. */
export interface Wait {
  readonly kind: WaitKind;
  readonly reason: string;
  /** Epoch ms after which the wait fails closed (approvals). */
  readonly expires?: number;
  readonly policy?: ApprovalPolicy;
  /** For manual tasks: the text shown and the variables the answer sets. */
  readonly task?: string;
  readonly outArgs?: readonly string[];
}

/** An action that changed something outside, with what undoes it. */
export interface RecordedAction {
  /** Transition sequence number that completed it (its order for rollback). */
  readonly seq: number;
  readonly step: string;
  readonly connector: string;
  /** Human summary: what was done to what. */
  readonly summary: string;
  /** Parameters of the inverse (connector-specific, never secrets). */
  readonly inverse: Readonly<Record<string, unknown>>;
  /** Time-boxed containment: reverted automatically at this time unless extended. */
  readonly expires?: number;
}

/** Transitions: every change of a run's state, in order. */
export type TransitionBody =
  | {
      readonly kind: 'run.created';
      readonly playbook: string;
      readonly version: string;
      /** The playbook's workflow_start (the root branch begins there). */
      readonly start: string;
      readonly digest: string;
      readonly vars: Readonly<Record<string, string>>;
      readonly dryRun: boolean;
      readonly trigger: RunTrigger;
      readonly requestedBy: string;
      readonly parent?: { readonly run: string; readonly branch: string; readonly step: string };
    }
  | { readonly kind: 'step.started'; readonly branch: string; readonly step: string; readonly attempt: number }
  | {
      readonly kind: 'step.finished';
      readonly branch: string;
      readonly step: string;
      readonly outcome: 'success' | 'failure';
      /** The next step of the branch; absent when the branch ends here. */
      readonly next?: string;
      readonly vars?: Readonly<Record<string, string>>;
      readonly error?: string;
      readonly output?: Readonly<Record<string, unknown>>;
      readonly actions?: readonly Omit<RecordedAction, 'seq' | 'step'>[];
    }
  | {
      readonly kind: 'step.retry';
      readonly branch: string;
      readonly step: string;
      readonly attempt: number;
      readonly error: string;
      readonly at: number;
    }
  | { readonly kind: 'step.waiting'; readonly branch: string; readonly step: string; readonly wait: Wait }
  | {
      readonly kind: 'approval';
      readonly branch: string;
      readonly step: string;
      readonly by: string;
      readonly decision: 'approve' | 'deny';
      readonly reason?: string;
    }
  | {
      readonly kind: 'step.answered';
      readonly branch: string;
      readonly step: string;
      readonly by: string;
      readonly vars: Readonly<Record<string, string>>;
    }
  | {
      readonly kind: 'step.resolved';
      readonly branch: string;
      readonly step: string;
      readonly by: string;
      /** In-doubt step: run it again, count it as done, or fail it. */
      readonly resolution: 'retry' | 'done' | 'fail';
    }
  | {
      readonly kind: 'branch.forked';
      readonly branch: string;
      readonly step: string;
      readonly children: readonly { readonly id: string; readonly start: string }[];
      /** What decided the fork (a condition and its result, a switch value). */
      readonly output?: Readonly<Record<string, unknown>>;
    }
  | {
      readonly kind: 'branch.ended';
      readonly branch: string;
      readonly outcome: 'success' | 'failure';
      readonly error?: string;
    }
  | { readonly kind: 'child.started'; readonly branch: string; readonly step: string; readonly run: string }
  | {
      readonly kind: 'run.finished';
      readonly status: 'succeeded' | 'failed' | 'cancelled';
      readonly reason?: string;
      readonly by?: string;
    }
  | {
      readonly kind: 'action.reverted';
      readonly action: number;
      readonly ok: boolean;
      readonly by: string;
      readonly why: 'rollback' | 'timebox';
      readonly error?: string;
    }
  | { readonly kind: 'action.extended'; readonly action: number; readonly expires: number; readonly by: string }
  | { readonly kind: 'rollback.requested'; readonly by: string };

/** A stored transition. */
export type Transition = TransitionBody & { readonly seq: number; readonly time: number };

/** A run as listed. */
export interface RunSummary {
  readonly tenant: string;
  readonly id: string;
  readonly playbookId: string;
  readonly playbookVersion: string;
  readonly playbookName: string;
  readonly status: RunStatus;
  readonly dryRun: boolean;
  readonly requestedBy: string;
  readonly trigger: RunTrigger;
  readonly created: number;
  readonly updated: number;
  readonly reason?: string;
  readonly parentRun?: string;
}
