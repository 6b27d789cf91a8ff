/**
 * @module
 * The respond API service: playbooks through the playbook service, runs through the engine that
 * drives them (in this process, or through the store's request queue to the process that holds
 * the engine: a CLI beside the node, or the `respond` role behind the `api` role), run updates
 * from whoever can tell them (the node's bus, or a poller over the shared store).
 */
import { requireRole } from '@intersoc/core';
import type { RespondApiService, RunSummaryView } from '@intersoc/api';
import type { CtiStore } from '@intersoc/cti';
import type { Federation } from '@intersoc/federation';
import {
  RESPOND_READERS,
  runView,
  workflowEdges,
  type PlaybookService,
  type RespondStore,
  type RunOps,
  type RunSummary,
} from '@intersoc/respond';
import { sharePlaybook } from './shared.js';

type Json = Record<string, unknown>;
const json = (v: unknown): Json => JSON.parse(JSON.stringify(v)) as Json;

/** Builds the service. */
export function respondApiService(d: {
  rt: { readonly store: RespondStore; readonly playbooks: PlaybookService };
  ops: RunOps;
  cti: CtiStore;
  /** A tenant's run changes: `subscribe` answers with the unsubscribe function. */
  live: (tenant: string, fn: (run: RunSummary) => void) => () => void;
  federation?: Federation;
}): RespondApiService {
  const { rt, ops } = d;
  const summary = (v: unknown): RunSummaryView => v as RunSummary;
  return {
    listPlaybooks: async (ctx) => rt.playbooks.list(ctx).map(json),
    validate: async (ctx, doc) => {
      requireRole(ctx, RESPOND_READERS);
      const v = rt.playbooks.validate(JSON.stringify(doc));
      return { valid: v.valid, errors: v.errors, warnings: v.warnings };
    },
    addPlaybook: async (ctx, doc, o) => {
      const r = rt.playbooks.add(ctx, doc, {
        ...(o.extractSecrets === undefined ? {} : { extractSecrets: o.extractSecrets }),
      });
      return json({
        id: r.stored.id,
        version: r.stored.version,
        added: r.added,
        warnings: r.warnings,
        extracted: r.extracted,
      });
    },
    playbook: async (ctx, id, version) => {
      const s = rt.playbooks.show(ctx, id, version);
      const p = s.stored.playbook;
      const nodes = Object.entries(p.workflow).map(([sid, step]) => ({
        id: sid,
        type: step.type,
        ...(step.name ? { name: step.name } : {}),
      }));
      return json({ ...s, graph: { start: p.workflow_start, nodes, edges: workflowEdges(p.workflow) } });
    },
    sign: async (ctx, id, version) => json(rt.playbooks.sign(ctx, id, version)),
    verify: async (ctx, id, version) => json(rt.playbooks.verify(ctx, { id, ...(version ? { version } : {}) })),
    share: async (ctx, id, tlp) => json(sharePlaybook(rt, d.cti, d.federation, ctx, id, tlp)),
    startRun: async (ctx, req) => {
      const trigger = req.incident
        ? { kind: 'incident' as const, ref: req.incident }
        : req.case
          ? { kind: 'case' as const, ref: req.case }
          : { kind: 'manual' as const };
      return summary(
        await ops.startRun(ctx, {
          playbook: req.playbook,
          ...(req.version ? { version: req.version } : {}),
          ...(req.variables ? { variables: req.variables } : {}),
          dryRun: req.dryRun === true,
          trigger,
        }),
      );
    },
    listRuns: async (ctx, q) => {
      requireRole(ctx, RESPOND_READERS);
      return rt.store.listRuns(ctx, q);
    },
    run: async (ctx, id) => {
      requireRole(ctx, RESPOND_READERS);
      return json(runView(rt.store, ctx, id));
    },
    inbox: async (ctx) => {
      requireRole(ctx, RESPOND_READERS);
      return rt.store.openWaits(ctx).map(json);
    },
    approve: async (ctx, run, step, reason) => summary(await ops.approve(ctx, run, step, reason)),
    deny: async (ctx, run, step, reason) => summary(await ops.deny(ctx, run, step, reason)),
    answer: async (ctx, run, step, values) => summary(await ops.answer(ctx, run, step, values)),
    resolve: async (ctx, run, step, resolution) => summary(await ops.resolve(ctx, run, step, resolution)),
    cancel: async (ctx, run, reason) => summary(await ops.cancel(ctx, run, reason)),
    rollback: async (ctx, run) => json(await ops.rollback(ctx, run)),
    extend: async (ctx, run, action, ms) => summary(await ops.extend(ctx, run, action, ms)),
    subscribe: (ctx, fn) => {
      requireRole(ctx, RESPOND_READERS);
      return d.live(ctx.tenant, (run) => fn(summary(run)));
    },
  };
}
