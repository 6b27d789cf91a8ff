/**
 * @module
 * The case store interface: plain persistence of cases and their parts per tenant, with no
 * workflow logic (that lives in `CaseService`). SQLite implements it now; PostgreSQL can later.
 * Every method takes the caller's context and acts within `ctx.tenant`; the service checks roles.
 */
import type { AuthContext, Severity } from '@intersoc/core';
import type { TaskTemplate } from '../cases/templates.js';
import type {
  Case,
  CaseAttachment,
  CaseComment,
  CaseHistoryEntry,
  CaseNote,
  CaseObservable,
  CaseStatus,
  CaseTask,
  CaseTaskLog,
  Tlp,
} from '../cases/types.js';

/** Parts of a case kept as documents. */
export interface CasePartKinds {
  task: CaseTask;
  observable: CaseObservable;
  comment: CaseComment;
  note: CaseNote;
  tasklog: CaseTaskLog;
}

/** A listing of cases, newest first. */
export interface CaseQuery {
  readonly statuses?: readonly CaseStatus[];
  readonly assignee?: string;
  readonly severities?: readonly Severity[];
  readonly tlps?: readonly Tlp[];
  /** Text in title, description, tags or number. */
  readonly q?: string;
  readonly significant?: boolean;
  readonly limit?: number;
  readonly cursor?: string;
}

/** A page of cases. */
export interface CasePage {
  readonly items: readonly Case[];
  readonly nextCursor?: string;
}

/** The store. */
export interface CaseStore {
  /** The next per-tenant case number. */
  nextNumber(ctx: AuthContext): number;
  put(ctx: AuthContext, c: Case): void;
  get(ctx: AuthContext, id: string): Case | undefined;
  list(ctx: AuthContext, q?: CaseQuery): CasePage;
  /** Every case of the tenant (metrics, deadline checks), oldest first. */
  all(ctx: AuthContext, since?: number): readonly Case[];
  parts<K extends keyof CasePartKinds>(ctx: AuthContext, caseId: string, kind: K): CasePartKinds[K][];
  part<K extends keyof CasePartKinds>(
    ctx: AuthContext,
    caseId: string,
    kind: K,
    id: string,
  ): CasePartKinds[K] | undefined;
  putPart<K extends keyof CasePartKinds>(
    ctx: AuthContext,
    caseId: string,
    kind: K,
    id: string,
    doc: CasePartKinds[K],
  ): void;
  deletePart(ctx: AuthContext, caseId: string, kind: keyof CasePartKinds, id: string): boolean;
  putAttachment(ctx: AuthContext, meta: CaseAttachment, data: Buffer): void;
  attachments(ctx: AuthContext, caseId: string): CaseAttachment[];
  attachment(ctx: AuthContext, caseId: string, id: string): { meta: CaseAttachment; data: Buffer } | undefined;
  appendHistory(ctx: AuthContext, entry: Omit<CaseHistoryEntry, 'seq'>): void;
  history(ctx: AuthContext, caseId: string): CaseHistoryEntry[];
  templates(ctx: AuthContext): TaskTemplate[];
  putTemplate(ctx: AuthContext, t: TaskTemplate): void;
  deleteTemplate(ctx: AuthContext, key: string): boolean;
}
