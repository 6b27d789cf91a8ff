/**
 * @module
 * Everything respond needs, assembled over the node's database: the store, the playbook service,
 * the engine with every executor and connector, and the agent registry of the data folder. The
 * node (server and CLI alike) builds it here and adds only its own services (`NodePorts`).
 */
import type { SqliteDb } from '@intersoc/storage';
import { FileAgentDirectory } from './agents/directory.js';
import { httpApiExecutor } from './commands/http-api/index.js';
import { intersocExecutor } from './commands/intersoc/index.js';
import type { NodePorts } from './commands/intersoc/ports.js';
import { openc2Connector, openc2Executor } from './commands/openc2-http/index.js';
import { bashExecutor } from './commands/shell/bash.js';
import { sshExecutor } from './commands/shell/ssh.js';
import { sigmaExecutor } from './commands/sigma/index.js';
import { isolationConnector } from './connectors/isolation/index.js';
import { nftablesConnector } from './connectors/nftables/index.js';
import { detectorsConnector, federationConnector } from './connectors/node/index.js';
import { SmtpAgentSchema, smtpConnector } from './connectors/smtp/index.js';
import { webhookConnector } from './connectors/webhook/index.js';
import { Engine, type EngineOptions } from './engine/engine.js';
import { PlaybookService } from './playbooks/service.js';
import type { PlaybookSigner, TrustedKey } from './sign/playbook-signature.js';
import type { RespondStore } from './store/respond-store.js';
import { SqliteRespondStore, type SyncAuditLog } from './store/sqlite-respond-store.js';
import type { CacaoSchemaValidator } from './validate/schemas.js';

/** What the node provides. */
export interface RuntimeOptions {
  readonly db: SqliteDb;
  /** The node's audit log on the same database (`SqliteAuditStore`). */
  readonly audit: SyncAuditLog;
  readonly dataDir: string;
  readonly ports?: NodePorts;
  readonly schemas?: CacaoSchemaValidator | undefined;
  readonly signer?: () => PlaybookSigner;
  readonly trusted: (tenant: string) => (keyId: string) => TrustedKey | undefined;
  readonly engine?: Partial<Omit<EngineOptions, 'store' | 'executors' | 'connectors' | 'directory'>>;
}

/** The assembled parts. */
export interface RespondRuntime {
  readonly store: SqliteRespondStore;
  readonly playbooks: PlaybookService;
  readonly engine: Engine;
  readonly directory: FileAgentDirectory;
}

/**
 * The engine over `store` with every executor and connector; agents and secrets from `directory`.
 * The node builds it over its SQLite store (`respondRuntime`), the `respond` role over PostgreSQL.
 */
export function respondEngine(
  store: RespondStore,
  directory: FileAgentDirectory,
  ports: NodePorts = {},
  engine: RuntimeOptions['engine'] = {},
): Engine {
  const secret = (tenant: string, ref: string) => directory.secret(tenant, ref);
  return new Engine({
    ...engine,
    store,
    directory,
    executors: [
      httpApiExecutor,
      openc2Executor,
      bashExecutor,
      sshExecutor,
      sigmaExecutor(ports),
      intersocExecutor(ports),
    ],
    connectors: [
      nftablesConnector,
      webhookConnector(secret),
      smtpConnector((tenant, match) => {
        const r = SmtpAgentSchema.safeParse(directory.agent(tenant, match, undefined));
        return r.success ? r.data : undefined;
      }, secret),
      isolationConnector(secret),
      openc2Connector(directory),
      federationConnector(ports),
      detectorsConnector(ports),
    ],
  });
}

/** Builds respond over the node's database and data folder. */
export function respondRuntime(o: RuntimeOptions): RespondRuntime {
  const store = new SqliteRespondStore(o.db, o.audit);
  const directory = new FileAgentDirectory(o.dataDir);
  const engine = respondEngine(store, directory, o.ports ?? {}, o.engine ?? {});
  const playbooks = new PlaybookService({
    store,
    schemas: o.schemas,
    ...(o.signer ? { signer: o.signer } : {}),
    trusted: o.trusted,
    putSecrets: (tenant, values) => directory.putSecrets(tenant, values),
    audit: o.audit,
  });
  return { store, playbooks, engine, directory };
}
