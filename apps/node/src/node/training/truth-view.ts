/**
 * @module
 * The trainee's view of a training tenant, applied at the API's serialisation edge after the
 * privacy view: the replayed scenario's ground truth (each event's `label`, the `_label` field of
 * the field catalogue) is dropped from every answer to a trainee's account there, and a search
 * that names `_label` is refused, so the answers of "find it" and hands-on levels cannot be read
 * off the events. Instructors and admins (the node operator acting in the tenant) still see it.
 */
import type { ResponseView } from '@intersoc/api';
import { AppError, type AuthContext } from '@intersoc/core';
import type { SqliteDb } from '@intersoc/storage';
import { hidesTruth, hideTruth, queriesTruth, SqliteTrainStore, type TrainStore } from '@intersoc/train';

/** `view` (the privacy view), then the ground truth hidden from trainees in training tenants (node database). */
export function withTruthHidden(view: ResponseView, db: SqliteDb): ResponseView {
  return truthHiddenBy(view, new SqliteTrainStore(db));
}

/**
 * `view`, then the ground truth hidden from trainees in the training tenants `store` knows: the
 * node's SQLite store, or `PgTrainStore` in the api role, where every instance reads the same runs.
 */
export function truthHiddenBy(view: ResponseView, store: TrainStore): ResponseView {
  // Training tenants are named `train-…` when their run starts; only those are looked up.
  const isTraining = (tenant: string): boolean => tenant.startsWith('train-') && store.runsIn(tenant).length > 0;
  const hides = (ctx: AuthContext): boolean => hidesTruth(ctx, isTraining);
  return {
    apply: (ctx, route, payload) => {
      const shown = view.apply(ctx, route, payload);
      return hides(ctx) ? hideTruth(shown) : shown;
    },
    query: (ctx, q) => {
      if (hides(ctx) && queriesTruth(q))
        throw new AppError(
          'FORBIDDEN',
          'the ground-truth label of a training scenario cannot be searched by its trainee',
        );
      return view.query ? view.query(ctx, q) : q;
    },
  };
}
