/**
 * @module
 * The dashboard's client for response: playbooks, runs, the approval inbox and the run stream.
 * Same session cookie, tenant switch and error handling as the rest of the client.
 */
import { apiUrl, request as call } from './client';

/** A stored playbook in the list. */
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

/** An edge of a workflow. */
export interface StepEdge {
  readonly from: string;
  readonly to: string;
  readonly via: string;
}

/** One playbook with its graph and signatures. */
export interface PlaybookDetail {
  readonly stored: {
    readonly id: string;
    readonly version: string;
    readonly name: string;
    readonly digest: string;
    readonly source: string;
    readonly tlp?: string;
    readonly playbook: {
      readonly description?: string;
      readonly playbook_variables?: Readonly<
        Record<string, { type: string; value?: string | null; external?: boolean; description?: string }>
      >;
    } & Readonly<Record<string, unknown>>;
  };
  readonly versions: readonly {
    readonly version: string;
    readonly digest: string;
    readonly addedAt: number;
    readonly source: string;
  }[];
  readonly verification: {
    readonly ok: boolean;
    readonly signatures: readonly { id: string; signee: string; valid: boolean; holder?: string; reason?: string }[];
  };
  readonly graph: {
    readonly start: string;
    readonly nodes: readonly { id: string; type: string; name?: string }[];
    readonly edges: readonly StepEdge[];
  };
}

/** A run in lists. */
export interface RunSummary {
  readonly id: string;
  readonly playbookId: string;
  readonly playbookVersion: string;
  readonly playbookName: string;
  readonly status: 'running' | 'waiting' | 'succeeded' | 'failed' | 'cancelled';
  readonly dryRun: boolean;
  readonly requestedBy: string;
  readonly trigger: { readonly kind: string; readonly ref?: string; readonly reason?: string };
  readonly created: number;
  readonly updated: number;
  readonly reason?: string;
  readonly parentRun?: string;
}

/** A step of a run. */
export interface StepView {
  readonly step: string;
  readonly name?: string;
  readonly type: string;
  readonly status: 'pending' | 'running' | 'waiting' | 'retrying' | 'succeeded' | 'failed';
  readonly attempts: number;
  readonly runs: number;
  readonly started?: number;
  readonly ended?: number;
  readonly error?: string;
  readonly output?: Readonly<Record<string, unknown>>;
}

/** A wait for a person. */
export interface OpenWait {
  readonly run: string;
  readonly branch: string;
  readonly step: string;
  readonly stepName?: string;
  readonly playbookName: string;
  readonly requestedBy: string;
  readonly since: number;
  readonly wait: {
    readonly kind: 'approval' | 'manual' | 'in-doubt';
    readonly reason: string;
    readonly expires?: number;
    readonly policy?: string;
    readonly task?: string;
    readonly outArgs?: readonly string[];
  };
  readonly approvals: readonly { readonly by: string; readonly decision: string; readonly reason?: string }[];
}

/** An action with its inverse. */
export interface RunAction {
  readonly seq: number;
  readonly step: string;
  readonly connector: string;
  readonly summary: string;
  readonly state: 'active' | 'reverted' | 'revert-failed';
  readonly expires?: number;
  readonly error?: string;
  readonly time: number;
}

/** A run step by step. */
export interface RunView {
  readonly run: RunSummary;
  readonly steps: readonly StepView[];
  readonly waits: readonly OpenWait[];
  readonly actions: readonly RunAction[];
  readonly children: readonly string[];
}

const enc = encodeURIComponent;

/** The respond API. */
export const respond = {
  playbooks: (signal?: AbortSignal) =>
    call<{ items: PlaybookBrief[] }>('GET', '/api/respond/playbooks', signal ? { signal } : {}),
  playbook: (id: string, signal?: AbortSignal) =>
    call<PlaybookDetail>('GET', `/api/respond/playbooks/${enc(id)}`, signal ? { signal } : {}),
  validate: (doc: unknown) =>
    call<{ valid: boolean; errors: string[]; warnings: string[] }>('POST', '/api/respond/playbooks/validate', {
      body: doc,
    }),
  add: (doc: unknown) =>
    call<{ id: string; version: string; added: boolean; warnings: string[] }>('POST', '/api/respond/playbooks', {
      body: { playbook: doc },
    }),
  sign: (id: string) => call<unknown>('POST', `/api/respond/playbooks/${enc(id)}/sign`),
  share: (id: string, tlp?: string) =>
    call<unknown>('POST', `/api/respond/playbooks/${enc(id)}/share`, { body: tlp ? { tlp } : {} }),
  run: (b: { playbook: string; variables?: Record<string, string>; dryRun?: boolean; incident?: string }) =>
    call<RunSummary>('POST', '/api/respond/runs', { body: b }),
  runs: (q: { status?: readonly string[]; playbook?: string; trigger?: string } = {}, signal?: AbortSignal) =>
    call<{ items: RunSummary[] }>('GET', '/api/respond/runs', {
      query: { ...q, limit: 200 },
      ...(signal ? { signal } : {}),
    }),
  runView: (id: string, signal?: AbortSignal) =>
    call<RunView>('GET', `/api/respond/runs/${enc(id)}`, signal ? { signal } : {}),
  inbox: (signal?: AbortSignal) => call<{ items: OpenWait[] }>('GET', '/api/respond/inbox', signal ? { signal } : {}),
  approve: (run: string, step: string, reason?: string) =>
    call<RunSummary>('POST', `/api/respond/runs/${enc(run)}/steps/${enc(step)}/approve`, {
      body: reason ? { reason } : {},
    }),
  deny: (run: string, step: string, reason: string) =>
    call<RunSummary>('POST', `/api/respond/runs/${enc(run)}/steps/${enc(step)}/deny`, { body: { reason } }),
  answer: (run: string, step: string, values: Record<string, string>) =>
    call<RunSummary>('POST', `/api/respond/runs/${enc(run)}/steps/${enc(step)}/answer`, { body: { values } }),
  resolve: (run: string, step: string, resolution: 'retry' | 'done' | 'fail') =>
    call<RunSummary>('POST', `/api/respond/runs/${enc(run)}/steps/${enc(step)}/resolve`, { body: { resolution } }),
  cancel: (run: string) => call<RunSummary>('POST', `/api/respond/runs/${enc(run)}/cancel`, { body: {} }),
  rollback: (run: string) =>
    call<{ reverted: { summary: string; ok: boolean; error?: string }[] }>(
      'POST',
      `/api/respond/runs/${enc(run)}/rollback`,
    ),
  extend: (run: string, action: number, ms: number) =>
    call<RunSummary>('POST', `/api/respond/runs/${enc(run)}/actions/${action}/extend`, { body: { ms } }),
  streamUrl: () => apiUrl('/api/respond/stream'),
};
