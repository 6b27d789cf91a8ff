/**
 * @module
 * The playbook routes of the `api` role (`/api/respond/…`, the dashboard's playbook views) over
 * the PostgreSQL respond store. Playbooks are added, validated, signed and verified here; runs are
 * read here, while every operation on a run (start, approve, deny, answer, resolve, cancel,
 * rollback, extend) is queued in the store for the engine of the `respond` role, which holds the
 * engine lock and answers within `queuedOps`' timeout (no respond role running: the request
 * times out with that reason). Run updates for the live view are polled from the store
 * (`runWatcher`), since this role has no engine to hear them from.
 *
 * Inline secrets are refused here: they are kept in the agent directory of the host that runs the
 * commands (`<data>/respond/<tenant>/` of the respond role), which this process cannot write.
 */
import type { FastifyInstance } from 'fastify';
import { registerRespondRoutes } from '@intersoc/api';
import type { CtiStore } from '@intersoc/cti';
import { PgPeerStore } from '@intersoc/federation';
import { PgRespondStore, PlaybookService, queuedOps, runWatcher, type SyncAuditLog } from '@intersoc/respond';
import type { SyncPg } from '@intersoc/storage/postgres';
import { cacaoSchemas, nodeSigner, trustedKeysOf } from '../node/respond/open.js';
import { respondApiService } from '../node/respond/service.js';

/** What the routes are built from. */
export interface ApiRespondWiring {
  /** The identity stores' bridge: run reads and playbook audit entries share its connection. */
  readonly pg: SyncPg;
  readonly audit: SyncAuditLog;
  /** This host's data folder: the node identity that signs playbooks. */
  readonly data: string;
  readonly cti: CtiStore;
  readonly onError: (err: unknown) => void;
}

/** Registers the respond routes on the api role's server. */
export function registerApiRespond(app: FastifyInstance, w: ApiRespondWiring): void {
  const store = new PgRespondStore(w.pg, w.audit);
  const signer = nodeSigner(w.data);
  const playbooks = new PlaybookService({
    store,
    schemas: cacaoSchemas(),
    ...(signer ? { signer } : {}),
    trusted: trustedKeysOf(new PgPeerStore(w.pg), w.data),
    audit: w.audit,
  });
  registerRespondRoutes(app, {
    respond: respondApiService({
      rt: { store, playbooks },
      ops: queuedOps(store),
      cti: w.cti,
      live: runWatcher(store, { onError: w.onError }),
    }),
  });
}
