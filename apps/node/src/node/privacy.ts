/**
 * @module
 * Data-subject requests against a node's data folder, for the CLI: export (read-only, beside a
 * running node), erasure (the writer lock is needed: refused while a node serves the folder) and
 * the Art. 30 record.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppError, type Config } from '@intersoc/core';
import { loadFederationConfig, PeerStore } from '@intersoc/federation';
import { BASELINES_DB_FILE } from '@intersoc/learn';
import {
  eraseBaselinesIn,
  eraseEventsIn,
  eraseSubject,
  exportSubject,
  mentions,
  processingRecord,
  redactText,
  renderReport,
  subjectValues,
  tenantsOf,
  valuesPattern,
  type ErasureOutcome,
  type ErasureTargets,
  type EventErasureSpec,
  type ProcessingRecord,
  type Subject,
  type SubjectExport,
} from '@intersoc/privacy';
import {
  acquireWriterLock,
  EVENTS_DB_FILE,
  NODE_DB_FILE,
  openDatabase,
  openEventReader,
  readWriterInfo,
  type SqliteDb,
} from '@intersoc/storage';
import { SIGMA_STATE_FILE } from '../pipeline/detectors.js';
import { createHydrator } from '../pipeline/hydrator.js';
import { JOURNAL_DIR } from '../pipeline/journal.js';
import { openNodeAuthStores } from './audit-keys.js';
import { callControl } from './control.js';

/** Where subject access reports go by default. */
function exportDir(config: Config): string {
  return path.join(config.data, 'privacy', 'exports');
}

/** Files of a folder whose bytes mention one of the values (none when the folder is missing). */
function filesMentioning(dir: string, re: RegExp): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).isFile() && mentions(re, readFileSync(f).toString('latin1')));
}

/** Tenants a request covers: the named one, else every tenant holding data. */
function tenantsFor(nodeDb: SqliteDb, eventsDb: SqliteDb | undefined, tenant: string | undefined): string[] {
  return tenant === undefined ? tenantsOf(nodeDb, eventsDb) : [tenant];
}

/** A subject access export; writes `<out>/<name>.json` and `<out>/<name>.md`. */
export function exportForSubject(
  config: Config,
  subject: Subject,
  o: { tenant?: string; out?: string } = {},
): SubjectExport & { files: string[] } {
  const eventsFile = path.join(config.data, EVENTS_DB_FILE);
  const nodeDb = openDatabase(path.join(config.data, NODE_DB_FILE));
  const reader = existsSync(eventsFile) ? openEventReader(eventsFile, createHydrator()) : undefined;
  try {
    const tenants = tenantsFor(nodeDb, reader?.db, o.tenant);
    const x = exportSubject({ nodeDb, tenants, ...(reader ? { events: reader } : {}) }, subject);
    const dir = o.out ?? exportDir(config);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const base = path.join(dir, `subject-${subject.kind}-${new Date(x.generated).toISOString().replace(/[:.]/g, '-')}`);
    writeFileSync(`${base}.json`, `${JSON.stringify(x, null, 1)}\n`, { mode: 0o600 });
    writeFileSync(`${base}.md`, renderReport(x), { mode: 0o600 });
    return { ...x, files: [`${base}.json`, `${base}.md`] };
  } finally {
    reader?.close();
    nodeDb.close();
  }
}

/** What an erasure answers. */
export type ErasureAnswer = Omit<ErasureOutcome, 'erased'> & {
  erased: ErasureOutcome['erased'] & { reports: number };
  requestId: string;
};

/** Who asks for an erasure, and of what. */
export interface ErasureRequest {
  readonly tenant?: string;
  readonly reason?: string;
  readonly actor: string;
}

/** An erasure request as the control socket carries it. */
export function privacyEraseArgs(args: Readonly<Record<string, unknown>>): ErasureRequest {
  const str = (k: string): string | undefined => (typeof args[k] === 'string' ? (args[k] as string) : undefined);
  const tenant = str('tenant');
  const reason = str('reason');
  return {
    actor: str('actor') ?? 'cli',
    ...(tenant === undefined ? {} : { tenant }),
    ...(reason === undefined ? {} : { reason }),
  };
}

/** True when the report (`.json`, or the `.md` beside its `.json`) covers one of `tenants`. */
function reportWithin(file: string, tenants: readonly string[]): boolean {
  const json = file.replace(/\.md$/, '.json');
  try {
    const covered = (JSON.parse(readFileSync(json, 'utf8')) as { tenants?: unknown }).tenants;
    return Array.isArray(covered) && covered.some((t) => tenants.includes(String(t)));
  } catch {
    // A report without its machine-readable half cannot say whose it is: an erasure removes it.
    return true;
  }
}

/** Refuses while the ingest journal holds records naming the subject (a replay would restore them). */
function checkJournal(config: Config, re: RegExp): void {
  const pending = filesMentioning(path.join(config.data, JOURNAL_DIR), re);
  if (pending.length > 0)
    throw new AppError(
      'CONFLICT',
      `the ingest journal holds ${pending.length} file(s) of records not yet stored that name the subject: ` +
        'let the node store them (start it, or wait a few seconds while it runs), then erase again',
    );
}

/**
 * Erases a subject from the node database, the event store (through `events`, which the caller
 * runs where the writer lives) and the node's own reports, and audits it without the value.
 */
export async function eraseWith(
  config: Config,
  nodeDb: SqliteDb,
  subject: Subject,
  o: ErasureRequest,
  targets: Pick<ErasureTargets, 'events' | 'correlationStateDb' | 'baselines'>,
): Promise<ErasureAnswer> {
  const re = valuesPattern(subjectValues(subject)) as RegExp;
  checkJournal(config, re);
  const eventsFile = path.join(config.data, EVENTS_DB_FILE);
  const tenants =
    o.tenant !== undefined
      ? [o.tenant]
      : (() => {
          const ev = existsSync(eventsFile) ? openDatabase(eventsFile, { readonly: true }) : undefined;
          try {
            return tenantsOf(nodeDb, ev);
          } finally {
            ev?.close();
          }
        })();
  const r = await eraseSubject({ nodeDb, tenants, ...targets }, subject);
  // Subject access reports this node wrote earlier hold the values too: those that cover a tenant
  // erased here (an erasure for one tenant leaves reports about other tenants only alone).
  const reports = filesMentioning(exportDir(config), re).filter((f) => reportWithin(f, tenants));
  for (const f of reports) rmSync(f, { force: true });
  for (const f of reports) if (f.endsWith('.json')) rmSync(f.replace(/\.json$/, '.md'), { force: true });
  const requestId = randomUUID();
  // The audit entry records that an erasure happened, of which kind of subject, why and what it
  // changed: never the erased value (a reason naming it is redacted too).
  const { audit } = openNodeAuthStores(nodeDb, config.data);
  for (const tenant of tenants)
    await audit.append({
      tenant,
      actor: o.actor,
      actorTenant: tenant,
      action: 'privacy.erase',
      target: `${subject.kind}:[erased]`,
      outcome: 'success',
      requestId,
      details: {
        reason: o.reason === undefined ? null : redactText(re, o.reason),
        erased: { ...r.erased, reports: reports.length },
        held: r.held.filter((h) => h.tenant === tenant).length,
      },
    });
  return { ...r, erased: { ...r.erased, reports: reports.length }, requestId };
}

/**
 * Erases a subject. When a node serves the data folder (it holds the writer lock), the erasure is
 * handed to it over the control socket, and its writer thread rewrites the event store.
 */
export async function eraseForSubject(
  config: Config,
  subject: Subject,
  o: ErasureRequest,
): Promise<ErasureAnswer & { handedTo?: string }> {
  let lock;
  try {
    lock = acquireWriterLock(config.data, 'privacy erase');
  } catch (err) {
    const holder = err instanceof AppError && err.code === 'CONFLICT' ? readWriterInfo(config.data) : undefined;
    if (!holder?.control) {
      if (err instanceof AppError && err.code === 'CONFLICT')
        throw new AppError(
          'CONFLICT',
          `${holder ? `${holder.command} (pid ${holder.pid}) is writing to ${config.data}` : 'another process holds the writer lock'}: ` +
            'erasure rewrites the event store, which only its single writer may do; run it again when that ends',
        );
      throw err;
    }
    const r = (await callControl(holder.control, {
      cmd: 'privacy-erase',
      args: { subject: `${subject.kind}:${subject.value}`, ...o },
    })) as ErasureAnswer;
    return { ...r, handedTo: `the running node (pid ${holder.pid}${holder.url ? `, ${holder.url}` : ''})` };
  }
  const nodeDb = openDatabase(path.join(config.data, NODE_DB_FILE));
  const eventsFile = path.join(config.data, EVENTS_DB_FILE);
  const eventsDb = existsSync(eventsFile) ? openDatabase(eventsFile) : undefined;
  const stateFile = path.join(config.data, SIGMA_STATE_FILE);
  const correlationStateDb = existsSync(stateFile) ? openDatabase(stateFile) : undefined;
  const baselinesFile = path.join(config.data, BASELINES_DB_FILE);
  const baselinesDb = existsSync(baselinesFile) ? openDatabase(baselinesFile) : undefined;
  try {
    const hydrator = createHydrator();
    return await eraseWith(config, nodeDb, subject, o, {
      ...(eventsDb ? { events: (spec: EventErasureSpec) => eraseEventsIn(eventsDb, hydrator, spec) } : {}),
      ...(correlationStateDb ? { correlationStateDb } : {}),
      ...(baselinesDb ? { baselines: (spec: EventErasureSpec) => eraseBaselinesIn(baselinesDb, spec) } : {}),
    });
  } finally {
    baselinesDb?.close();
    correlationStateDb?.close();
    eventsDb?.close();
    nodeDb.close();
    lock.release();
  }
}

/**
 * The Art. 30 record from configuration, peers and tenants; for one tenant (`only`), its own
 * retention and extensions, and the peers only when the federation acts for it.
 */
export function recordOfProcessing(config: Config, only?: string): ProcessingRecord {
  const nodeDb = openDatabase(path.join(config.data, NODE_DB_FILE));
  try {
    const fed = loadFederationConfig(config.data);
    const hasPeers =
      nodeDb.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'peers'").get() !== undefined;
    const peers =
      hasPeers && (only === undefined || only === fed.tenant)
        ? new PeerStore(nodeDb).list().map((p) => ({
            name: p.name,
            organisation: `${p.sector}, ${p.country}`,
            status: p.status,
            policy:
              `objects an analyst shares, under TLP and MISP distribution (unmarked = TLP:${fed.unmarkedTlp.toUpperCase()}, default distribution ${fed.defaultDistribution})` +
              `; communities ${p.communities.join(', ') || '(none)'}; personal data: ${Object.entries(fed.privacy.kinds)
                .map(([k, a]) => `${k} ${a}`)
                .join(', ')}, free text ${fed.privacy.freeText}`,
          }))
        : [];
    return processingRecord(config, peers, only === undefined ? tenantsOf(nodeDb, undefined) : [only]);
  } finally {
    nodeDb.close();
  }
}
