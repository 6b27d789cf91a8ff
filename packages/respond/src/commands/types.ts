/**
 * @module
 * The seams of execution. A `CommandExecutor` runs one CACAO command type (`manual` is handled by
 * the engine itself: it waits for a person). A `Connector` is a system the node acts on for
 * containment; every action it takes comes back with the parameters of its inverse, which the
 * engine records before it moves on, so a rollback or an expired time box can undo it later.
 * Agents that act on systems (HTTP APIs, shells, SSH hosts, firewalls) must be registered on
 * the node on purpose: a playbook names an agent, the registry says what it is here.
 */
import type { AuthContext } from '@intersoc/core';
import type { AgentTarget, AuthenticationInfo, CommandData } from '../cacao/types.js';

/** An agent registered on this node (from `<data>/respond/<tenant>/agents.json`). */
export interface RegisteredAgent {
  /** The CACAO agent id or name this registration answers for. */
  readonly match: string;
  readonly kind: string;
  readonly [setting: string]: unknown;
}

/** Looks up registrations and secrets; never logs what it returns. */
export interface AgentDirectory {
  /** The registration for an agent of a playbook, by id then by name. */
  agent(tenant: string, id: string, def: AgentTarget | undefined): RegisteredAgent | undefined;
  /** A secret by reference (`kms_key_identifier`, or a registration's `secret`). */
  secret(tenant: string, ref: string): string | undefined;
}

/** What an executor gets for one command. */
export interface CommandContext {
  readonly ctx: AuthContext;
  readonly run: string;
  readonly step: string;
  readonly attempt: number;
  /** The step's agent: its id, its CACAO definition and its registration on this node. */
  readonly agentId?: string;
  readonly agent?: AgentTarget;
  readonly registration?: RegisteredAgent;
  readonly targets: readonly { readonly id: string; readonly def: AgentTarget }[];
  /** The agent's authentication information (its id and definition, secrets removed). */
  readonly auth?: { readonly id: string; readonly def: AuthenticationInfo };
  /** Variable substitution (`__name__:value`) in the step's scope. */
  readonly substitute: (text: string) => string;
  /**
   * A secret by reference, never logged: an authentication_info id (its `kms_key_identifier`
   * names the node secret) or a registration's secret name.
   */
  readonly secret: (ref: string) => string | undefined;
  readonly signal: AbortSignal;
  /** Step timeout, ms. */
  readonly timeoutMs: number;
}

/** What changed outside and how to undo it. */
export interface ActionRecord {
  readonly connector: string;
  readonly summary: string;
  readonly inverse: Readonly<Record<string, unknown>>;
}

/** The result of one command. */
export interface CommandResult {
  /** Facts safe to log and audit (status codes, counts, ids; never secrets or full bodies). */
  readonly output: Readonly<Record<string, unknown>>;
  /** Text for the step's first out_arg (a body, stdout, an answer); or values keyed by variable. */
  readonly text?: string;
  readonly values?: Readonly<Record<string, string>>;
  readonly actions?: readonly ActionRecord[];
}

/** A failure with whether retrying is safe even for a command that is not idempotent. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  /** True when the command certainly did not take effect (for example: connection refused). */
  readonly safeToRetry: boolean;

  constructor(message: string, options: { safeToRetry?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.safeToRetry = options.safeToRetry === true;
  }
}

/** Runs one command type. */
export interface CommandExecutor {
  readonly type: string;
  /** True when running the command twice has the effect of running it once. */
  idempotent(command: CommandData, c: CommandContext): boolean;
  /** What it would do, in one line: the dry run shows this, the audit records it. */
  describe(command: CommandData, c: CommandContext): string;
  execute(command: CommandData, c: CommandContext): Promise<CommandResult>;
}

/** A system the node acts on, with the inverse of each action. */
export interface Connector {
  readonly name: string;
  /** Undoes one recorded action. */
  revert(
    inverse: Readonly<Record<string, unknown>>,
    c: { readonly ctx: AuthContext; readonly signal: AbortSignal },
  ): Promise<void>;
}
