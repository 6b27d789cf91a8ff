/**
 * @module
 * Test support for the API's own tests: an in-memory event service that really stores what it
 * is given (NDJSON, JSON arrays or text lines; malformed records dead-lettered; a bounded
 * capacity that raises BACKPRESSURE), and a harness that builds the API on an in-memory SQLite
 * node database with two tenants, users and tokens. Not exported from the package.
 */
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import {
  AppError,
  eventId,
  fieldText,
  flattenInto,
  getField,
  parseTime,
  randomId,
  SEVERITIES,
  systemContext,
} from '@intersoc/core';
import type { Alert, AlertDraft, AuthContext, EcsFields, FlatFields, Role, SocEvent } from '@intersoc/core';
import { openDatabase, openSqliteAuthStores } from '@intersoc/storage';
import type { AuthStores, SqliteDb } from '@intersoc/storage';
import { LoginThrottle } from '../auth/login-throttle.js';
import { buildApi } from '../build-api.js';
import type { ApiOptions, BuiltApi } from '../build-api.js';
import { createLogger } from '../logging/logger.js';
import type {
  AlertSearch,
  DeadLetter,
  DeadLetterSearch,
  EventSearch,
  IngestOptions,
  IngestResult,
  IngestService,
  Page,
  SearchService,
} from '../services.js';

const ECS_FROM: Readonly<Record<string, readonly string[]>> = {
  'host.name': ['host.name', 'host', 'Computer', 'hostname'],
  'user.name': ['user.name', 'user', 'TargetUserName', 'SubjectUserName'],
  'source.ip': ['source.ip', 'src_ip', 'IpAddress'],
  'event.code': ['event.code', 'EventID'],
  message: ['message', 'msg'],
};

function paginate<T>(all: readonly T[], limit: number, cursor: string | undefined): Page<T> {
  const start = cursor === undefined ? 0 : Number(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!Number.isSafeInteger(start) || start < 0)
    throw new AppError('VALIDATION', 'cursor: not a cursor of this search');
  const items = all.slice(start, start + limit);
  const next = start + items.length;
  return next < all.length ? { items, nextCursor: Buffer.from(String(next)).toString('base64url') } : { items };
}

/** `*` wildcard match, case-insensitive. */
function wildcard(pattern: string, text: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    'i',
  );
  return re.test(text);
}

/** Memory-backed ingest and search: small, real, and scoped by `ctx.tenant` like the real store. */
export class MemoryEventService implements IngestService, SearchService {
  readonly events = new Map<string, SocEvent>();
  readonly alerts: Alert[] = [];
  readonly deadLetters: (DeadLetter & { tenant: string })[] = [];
  /** Events the service holds before it refuses more with BACKPRESSURE. */
  capacity: number;

  constructor(capacity = 10_000) {
    this.capacity = capacity;
  }

  async ingest(ctx: AuthContext, body: Buffer, opts: IngestOptions): Promise<IngestResult> {
    const format = opts.format ?? 'auto';
    if (!['auto', 'json', 'ndjson', 'text'].includes(format)) {
      throw new AppError('UNSUPPORTED', `no parser named ${format}`);
    }
    const text = body.toString('utf8');
    let records: string[];
    if (format !== 'text' && text.trimStart().startsWith('[')) {
      try {
        records = (JSON.parse(text) as unknown[]).map((r) => JSON.stringify(r));
      } catch {
        records = [text];
      }
    } else {
      records = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
    }
    if (this.events.size + records.length > this.capacity) {
      throw new AppError('BACKPRESSURE', 'ingest queue is full', { details: { retryAfterSeconds: 2 } });
    }
    const now = Date.now();
    let accepted = 0;
    let rejected = 0;
    for (const [i, record] of records.entries()) {
      let fields: FlatFields = {};
      if (format === 'text') {
        fields = { message: record };
      } else {
        let parsed: unknown;
        try {
          parsed = JSON.parse(record);
        } catch (err) {
          rejected += 1;
          this.deadLetters.push({
            id: randomId(),
            tenant: ctx.tenant,
            time: now,
            source: {
              kind: 'http',
              name: 'api',
              format: 'json',
              ...(opts.peer === undefined ? {} : { peer: opts.peer }),
            },
            reason: `invalid JSON: ${(err as Error).message}`,
            raw: Buffer.from(record),
            offset: i,
          });
          continue;
        }
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
          rejected += 1;
          this.deadLetters.push({
            id: randomId(),
            tenant: ctx.tenant,
            time: now,
            source: { kind: 'http', name: 'api', format: 'json' },
            reason: 'record is not a JSON object',
            raw: Buffer.from(record),
          });
          continue;
        }
        flattenInto(fields, parsed);
      }
      const ecs: EcsFields = {};
      for (const [name, from] of Object.entries(ECS_FROM)) {
        for (const f of from) {
          const v = fieldText(fields[f]);
          if (v !== undefined) {
            (ecs as Record<string, string>)[name] = v;
            break;
          }
        }
      }
      const event: SocEvent = {
        id: eventId(ctx.tenant, `http:${opts.peer ?? ''}`, record),
        time: parseTime(fields['@timestamp'] ?? fields['time']) ?? now,
        ingested: now,
        tenant: ctx.tenant,
        source: {
          format: format === 'text' ? 'text' : 'json',
          kind: 'http',
          name: 'api',
          ...(opts.peer === undefined ? {} : { peer: opts.peer }),
        },
        raw: record,
        fields,
        ecs,
      };
      this.events.set(`${ctx.tenant}\0${event.id}`, event);
      accepted += 1;
    }
    return { accepted, rejected, deadLettered: rejected };
  }

  /** Stores an alert for `ctx.tenant`, as a detector stage would. */
  raise(ctx: AuthContext, draft: AlertDraft): Alert {
    const alert: Alert = { ...draft, id: randomId(), tenant: ctx.tenant, created: Date.now() };
    this.alerts.push(alert);
    return alert;
  }

  #matches(event: SocEvent, q: string): boolean {
    for (const term of q.split(/\s+/).filter((t) => t.length > 0 && t !== 'AND')) {
      const colon = term.indexOf(':');
      if (colon > 0) {
        const v = fieldText(getField(event, term.slice(0, colon)));
        if (v === undefined || !wildcard(term.slice(colon + 1), v)) return false;
      } else if (!event.raw.toLowerCase().includes(term.toLowerCase())) {
        return false;
      }
    }
    return true;
  }

  async searchEvents(ctx: AuthContext, query: EventSearch): Promise<Page<SocEvent>> {
    const hits = [...this.events.values()]
      .filter((e) => e.tenant === ctx.tenant)
      .filter(
        (e) => (query.from === undefined || e.time >= query.from) && (query.to === undefined || e.time <= query.to),
      )
      .filter((e) => this.#matches(e, query.q))
      .sort((a, b) => b.time - a.time || a.id.localeCompare(b.id));
    return paginate(hits, query.limit, query.cursor);
  }

  async getEvent(ctx: AuthContext, id: string): Promise<SocEvent | undefined> {
    return this.events.get(`${ctx.tenant}\0${id}`);
  }

  async searchAlerts(ctx: AuthContext, query: AlertSearch): Promise<Page<Alert>> {
    const min = query.minSeverity === undefined ? 0 : SEVERITIES.indexOf(query.minSeverity);
    const hits = this.alerts
      .filter((a) => a.tenant === ctx.tenant && SEVERITIES.indexOf(a.severity) >= min)
      .filter(
        (a) => (query.from === undefined || a.time >= query.from) && (query.to === undefined || a.time <= query.to),
      )
      .filter((a) => query.q === '' || a.summary.toLowerCase().includes(query.q.toLowerCase()))
      .sort((a, b) => b.time - a.time);
    return paginate(hits, query.limit, query.cursor);
  }

  async listDeadLetters(ctx: AuthContext, query: DeadLetterSearch): Promise<Page<DeadLetter>> {
    const hits = this.deadLetters
      .filter((d) => d.tenant === ctx.tenant)
      .filter(
        (d) => (query.from === undefined || d.time >= query.from) && (query.to === undefined || d.time <= query.to),
      )
      .map(({ tenant: _tenant, ...d }) => d);
    return paginate(hits, query.limit, query.cursor);
  }
}

/** The password every harness user has. */
export const TEST_PASSWORD = 'correct horse battery staple';

/** Log lines captured from the API's logger. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.lines.push(chunk.toString('utf8'));
    done();
  }
  get text(): string {
    return this.lines.join('');
  }
}

/** A built API over a fresh in-memory node database, with tenants `default`, `acme` and `globex`. */
export interface Harness extends BuiltApi {
  readonly db: SqliteDb;
  readonly stores: AuthStores;
  readonly events: MemoryEventService;
  readonly registry: Registry;
  readonly logs: LogCapture;
  /** Bearer tokens by `tenant/user`. */
  readonly tokens: Readonly<Record<string, string>>;
  /** Authorization header for `tenant/user`. */
  bearer(account: string): { authorization: string };
  close(): Promise<void>;
}

const USERS: readonly [string, string, Role][] = [
  ['default', 'root', 'admin'],
  ['default', 'prom', 'viewer'],
  ['acme', 'alice', 'admin'],
  ['acme', 'annie', 'analyst'],
  ['acme', 'victor', 'viewer'],
  ['acme', 'paul', 'partner'],
  ['globex', 'gina', 'admin'],
  ['globex', 'gus', 'analyst'],
];

/** Builds the harness. Every user has the password `TEST_PASSWORD` and one API token. */
export async function createHarness(
  options: { apiOptions?: ApiOptions; throttle?: LoginThrottle; capacity?: number } = {},
): Promise<Harness> {
  const db = openDatabase(':memory:');
  const stores = openSqliteAuthStores(db);
  const operator = systemContext('default');
  await stores.tenants.create(operator, { name: 'acme', displayName: 'ACME Corp' });
  await stores.tenants.create(operator, { name: 'globex' });
  const tokens: Record<string, string> = {};
  for (const [tenant, name, role] of USERS) {
    await stores.users.create(systemContext(tenant), { name, role });
    tokens[`${tenant}/${name}`] = (
      await stores.tokens.create(systemContext(tenant), { user: name, name: 'test' })
    ).secret;
  }
  // One scrypt hash shared by every harness user: hashing costs tens of milliseconds each, and
  // per-user salts are tested in the store's own tests.
  await stores.users.update(operator, 'root', { password: TEST_PASSWORD });
  db.prepare(
    "UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE tenant = 'default' AND name = 'root')",
  ).run();
  const events = new MemoryEventService(options.capacity);
  const registry = new Registry();
  const logs = new LogCapture();
  const built = await buildApi({
    stores,
    services: { ingest: events, search: events },
    registry,
    logger: createLogger({ level: 'trace', destination: logs }),
    ...(options.apiOptions === undefined ? {} : { options: options.apiOptions }),
    throttle: options.throttle ?? new LoginThrottle(),
  });
  return {
    ...built,
    db,
    stores,
    events,
    registry,
    logs,
    tokens,
    bearer(account) {
      const t = tokens[account];
      if (t === undefined) throw new Error(`no token for ${account}`);
      return { authorization: `Bearer ${t}` };
    },
    async close() {
      await built.app.close();
      db.close();
    },
  };
}
