/**
 * @module
 * What the respond routes call. The node implements it over `@intersoc/respond` (the API does not
 * depend on the domain package); every method takes the caller's context and stays in its tenant.
 */
import type { AuthContext } from '@intersoc/core';

/** A JSON object as the routes pass it through. */
export type Json = Readonly<Record<string, unknown>>;

/** A run as listed. */
export interface RunSummaryView {
  readonly id: string;
  readonly playbookId: string;
  readonly playbookVersion: string;
  readonly playbookName: string;
  readonly status: string;
  readonly dryRun: boolean;
  readonly requestedBy: string;
  readonly trigger: { readonly kind: string; readonly ref?: string; readonly reason?: string };
  readonly created: number;
  readonly updated: number;
  readonly reason?: string;
  readonly parentRun?: string;
}

/** Starting a run. */
export interface RunRequest {
  readonly playbook: string;
  readonly version?: string | undefined;
  readonly variables?: Readonly<Record<string, string>> | undefined;
  readonly dryRun?: boolean | undefined;
  readonly incident?: string | undefined;
  readonly case?: string | undefined;
}

/** The respond service behind `/api/respond/*`. */
export interface RespondApiService {
  listPlaybooks(ctx: AuthContext): Promise<readonly Json[]>;
  validate(
    ctx: AuthContext,
    doc: unknown,
  ): Promise<{ valid: boolean; errors: readonly string[]; warnings: readonly string[] }>;
  addPlaybook(ctx: AuthContext, doc: unknown, o: { readonly extractSecrets?: boolean }): Promise<Json>;
  /** A playbook version with its versions, signature verdicts and its workflow graph. */
  playbook(ctx: AuthContext, id: string, version?: string): Promise<Json>;
  sign(ctx: AuthContext, id: string, version?: string): Promise<Json>;
  verify(ctx: AuthContext, id: string, version?: string): Promise<Json>;
  /** Shares a playbook with peers through federation under its TLP (or a stricter one). */
  share(ctx: AuthContext, id: string, tlp?: string): Promise<Json>;
  startRun(ctx: AuthContext, req: RunRequest): Promise<RunSummaryView>;
  listRuns(
    ctx: AuthContext,
    q: {
      readonly status?: readonly string[];
      readonly playbook?: string;
      readonly trigger?: string;
      readonly limit?: number;
      readonly before?: number;
    },
  ): Promise<{ items: readonly RunSummaryView[]; nextBefore?: number }>;
  /** A run step by step, with its waits, actions and transitions. */
  run(ctx: AuthContext, id: string): Promise<Json>;
  inbox(ctx: AuthContext): Promise<readonly Json[]>;
  approve(ctx: AuthContext, run: string, step: string, reason?: string): Promise<RunSummaryView>;
  deny(ctx: AuthContext, run: string, step: string, reason: string): Promise<RunSummaryView>;
  answer(
    ctx: AuthContext,
    run: string,
    step: string,
    values: Readonly<Record<string, string>>,
  ): Promise<RunSummaryView>;
  resolve(ctx: AuthContext, run: string, step: string, resolution: 'retry' | 'done' | 'fail'): Promise<RunSummaryView>;
  cancel(ctx: AuthContext, run: string, reason?: string): Promise<RunSummaryView>;
  rollback(ctx: AuthContext, run: string): Promise<Json>;
  extend(ctx: AuthContext, run: string, action: number, ms: number): Promise<RunSummaryView>;
  /** Runs of the caller's tenant as they change; returns an unsubscribe function. */
  subscribe(ctx: AuthContext, fn: (run: RunSummaryView) => void): () => void;
}
