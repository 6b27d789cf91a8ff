/**
 * @module
 * How an engine is built and asked to start a run, and who may steer or read runs.
 */
import type { Role } from '@intersoc/core';
import type { AgentDirectory, CommandExecutor, Connector } from '../commands/types.js';
import type { RespondStore } from '../store/respond-store.js';
import type { RunStatus, RunTrigger } from './types.js';

/** Who may start and steer runs, and who may read them. */
export const RESPOND_WRITERS: readonly Role[] = ['admin', 'analyst'];
export const RESPOND_READERS: readonly Role[] = ['admin', 'analyst', 'viewer'];

/** How an engine is built. */
export interface EngineOptions {
  readonly store: RespondStore;
  readonly executors?: readonly CommandExecutor[];
  readonly connectors?: readonly Connector[];
  readonly directory?: AgentDirectory;
  /** Default step timeout (ms) when a step has none: 5 minutes. */
  readonly timeoutMs?: number;
  /** How long an approval may wait before it fails closed: 4 hours. */
  readonly approvalTtlMs?: number;
  /** First retry delay (doubles each attempt): 1 s. */
  readonly backoffMs?: number;
  /** Iteration cap of while loops without their own: 100. */
  readonly maxIterations?: number;
  readonly now?: () => number;
  readonly log?: (level: 'info' | 'warn' | 'error', message: string, details?: Record<string, unknown>) => void;
  /** Called after each committed change of a run (live views), with the run's status. */
  readonly onChange?: (tenant: string, run: string, status: RunStatus) => void;
}

/** A request to run a playbook. */
export interface StartRequest {
  readonly playbook: string;
  /** A version (`modified`); the latest by default. */
  readonly version?: string;
  /** Values of playbook variables (external inputs). */
  readonly variables?: Readonly<Record<string, string>>;
  readonly dryRun?: boolean;
  readonly trigger?: RunTrigger;
}
