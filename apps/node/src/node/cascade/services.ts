/**
 * @module
 * The node's implementation of the API's cascade service over `CascadeService`, with the
 * federation hook that shares a graph's cross-organisation dependencies.
 */
import { AppError, type AuthContext } from '@intersoc/core';
import type { CascadeApiService } from '@intersoc/api';
import {
  DEFAULT_RECOVERY_HOURS,
  DEFAULT_SECTOR_MATRIX,
  dynamicIim,
  iim,
  SECTORS,
  type CascadeService,
} from '@intersoc/cascade';

/** Where the default sector matrix comes from (shown by the API and the dashboard). */
export const SECTOR_MATRIX_SOURCE =
  'Expert-judgement estimate by the INTERSOC project (not measured input-output data): each entry rates how much a ' +
  "sector's operability depends on another (0 none, 0.02 marginal, 0.05 low, 0.1 medium, 0.2 high, 0.3-0.4 critical), " +
  'after the elicitation approach of Setola, De Porcellinis and Sforna (2009). For decisions, derive A* from a national ' +
  'input-output table (A*_ij = z_ij / x_i, interdependencyFromIo) and pass it as the matrix.';

/** Shares the cross-organisation dependencies of a graph; returns objects queued per peer. */
export type EdgeSharer = (ctx: AuthContext, perPeer: Map<string, Record<string, unknown>[]>) => Record<string, number>;

/** The cascade service of a node. */
export function cascadeApiService(cascade: CascadeService, share: EdgeSharer | undefined): CascadeApiService {
  return {
    graphs: async (ctx) => cascade.list(ctx),
    graph: async (ctx, name, limit) => {
      const v = cascade.view(ctx, name, limit);
      return { info: v.info, entities: v.data.entities, dependencies: v.data.dependencies, truncated: v.truncated };
    },
    importGraph: async (ctx, name, req) => {
      const text = typeof req.content === 'string' ? req.content : JSON.stringify(req.content);
      return cascade.importText(ctx, name, text, {
        ...(req.format ? { format: req.format } : {}),
        merge: req.merge,
        source: 'api',
      });
    },
    deleteGraph: async (ctx, name) => cascade.deleteGraph(ctx, name),
    exportGraph: async (ctx, name, format) => cascade.exportGraph(ctx, name, format),
    whatIf: async (ctx, name, req) =>
      cascade.whatIf(ctx, name, {
        fail: req.fail,
        runs: req.runs,
        ...(req.seed !== undefined ? { seed: req.seed } : {}),
        ...(req.at ? { at: req.at } : {}),
      }),
    criticality: async (ctx, name, top) => cascade.criticality(ctx, name, top),
    iim: async (ctx, req) => {
      cascade.list(ctx); // role check: readers
      const matrix = req.matrix ?? DEFAULT_SECTOR_MATRIX.map((r) => [...r]);
      const sectors = req.matrix ? undefined : [...SECTORS];
      if (req.dynamic) {
        const recovery = req.dynamic.recovery ?? (req.matrix ? matrix.map(() => 24) : [...DEFAULT_RECOVERY_HOURS]);
        const series = dynamicIim(matrix, req.perturbation, {
          recovery,
          steps: req.dynamic.steps,
          perturbationSteps: req.dynamic.lasting,
        });
        return { q: series[series.length - 1] ?? [], series, warnings: [], ...(sectors ? { sectors } : {}) };
      }
      const r = iim(matrix, req.perturbation);
      return { q: r.q, warnings: r.warnings, ...(sectors ? { sectors } : {}) };
    },
    sectors: async (ctx) => {
      cascade.list(ctx);
      return {
        sectors: [...SECTORS],
        matrix: DEFAULT_SECTOR_MATRIX.map((r) => [...r]),
        recoveryHours: [...DEFAULT_RECOVERY_HOURS],
        source: SECTOR_MATRIX_SOURCE,
      };
    },
    incidentImpact: async (ctx, id) => cascade.incidentImpact(ctx, id),
    warnings: async (ctx) => cascade.warnings(ctx),
    shareEdges: async (ctx, name) => {
      if (!share) throw new AppError('UNAVAILABLE', 'federation is not set up on this node (intersoc node init)');
      return { peers: share(ctx, cascade.crossOrgEdges(ctx, name)) };
    },
  };
}
