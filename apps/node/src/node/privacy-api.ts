/**
 * @module
 * Privacy inside a serving node: the response view the API applies to every answer (pseudonyms for
 * the roles and tenants configured, restricted subjects hidden) and the privacy routes' service
 * (re-identification with a reason, four eyes by policy, the DPO's log, restrictions, subject
 * access, the Art. 30 record). Keys are per tenant, `<data>/privacy/keys/<tenant>.key`, created on
 * first use, owner-only.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppError, requireRole, type AuthContext, type Config, type Role } from '@intersoc/core';
import type { ErasureView, PrivacyApiService, ReidentificationView, ResponseView } from '@intersoc/api';
import {
  exportSubject,
  Inventory,
  mentions,
  parseSubject,
  PseudonymView,
  renderRecord,
  renderReport,
  sharingValues,
  SqlitePrivacyStore,
  subjectValues,
  TenantPseudonyms,
  valuesPattern,
  type PersonalValue,
  type PrivacyStore,
  type Reidentification,
  type SharingValues,
  type Subject,
  type SubjectExport,
} from '@intersoc/privacy';
import { NODE_DB_FILE, openDatabase, type EventReader, type SqliteDb } from '@intersoc/storage';
import { recordOfProcessing } from './privacy.js';

/** Erases a subject from one tenant where the node's writer lives (the server wires it to its pipeline). */
export type TenantEraser = (
  tenant: string,
  subject: Subject,
  o: { actor: string; reason?: string },
) => Promise<Omit<ErasureView, 'subject'>>;

/** The key of a tenant's pseudonyms (created once). */
export function tenantPseudonymKey(dataDir: string, tenant: string): Buffer {
  const file = path.join(dataDir, 'privacy', 'keys', `${tenant}.key`);
  if (existsSync(file)) return readFileSync(file);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(file, key, { mode: 0o600, flag: 'wx' });
  return key;
}

/**
 * Where a node's privacy state and the values it protects are read from: the node database
 * (`sqlitePrivacySources`), or the shared PostgreSQL store of the api role (`api-privacy.ts`).
 */
export interface PrivacySources {
  readonly store: PrivacyStore;
  /**
   * What the known values of `tenant` are read from, as a text that changes when they may have
   * (a new or updated asset, a new pseudonym): the cache of `known` is keyed by it.
   */
  version(tenant: string): string;
  /** The values of `tenant` known to be personal (asset inventory, pseudonyms shown, restrictions). */
  known(tenant: string, inventory: Inventory): SharingValues;
  /** True when `tenant` has the case (by id or number): a re-identification needs one. */
  hasCase(tenant: string, caseId: string): boolean;
  /** Everything held about a subject in `tenant`; absent where the node cannot read it all (UNSUPPORTED). */
  exportSubject?(tenant: string, subject: Subject): SubjectExport;
}

/** The privacy sources of a node: its main database, and its event store for subject access. */
export function sqlitePrivacySources(db: SqliteDb, reader?: EventReader): PrivacySources {
  const store = new SqlitePrivacyStore(db);
  return {
    store,
    version: (tenant) => {
      let assets: string;
      try {
        assets = JSON.stringify(
          db.prepare('SELECT count(*) AS n, max(updated) AS u FROM assets WHERE tenant = ?').get(tenant),
        );
      } catch {
        assets = '-'; // the table does not exist yet
      }
      return `${assets}/${store.shown(tenant).length}`;
    },
    known: (tenant, inventory) => sharingValues(db, inventory, tenant),
    hasCase: (tenant, caseId) => {
      const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'cases'").get();
      return (
        has !== undefined &&
        db
          .prepare('SELECT 1 FROM cases WHERE tenant = ? AND (id = ? OR CAST(number AS TEXT) = ?)')
          .get(tenant, caseId, caseId) !== undefined
      );
    },
    exportSubject: (tenant, subject) =>
      exportSubject(
        { nodeDb: db, tenants: [tenant], maxEvents: 10_000, ...(reader ? { events: reader } : {}) },
        subject,
      ),
  };
}

const isSqlite = (x: SqliteDb | PrivacySources): x is SqliteDb => typeof (x as SqliteDb).prepare === 'function';

/** Privacy of one node. */
export class NodePrivacy {
  readonly store: PrivacyStore;
  private readonly sources: PrivacySources;
  private readonly views = new Map<string, PseudonymView>();
  private readonly knownCache = new Map<string, { at: number; sources: string; values: PersonalValue[] }>();

  /** On the node database (`db`, with its event reader for subject access), or on other `PrivacySources`. */
  constructor(
    private readonly config: Config,
    source: SqliteDb | PrivacySources,
    reader?: EventReader,
  ) {
    this.sources = isSqlite(source) ? sqlitePrivacySources(source, reader) : source;
    this.store = this.sources.store;
  }

  /** True when the caller sees pseudonyms. */
  pseudonymises(ctx: AuthContext): boolean {
    const p = this.config.privacy;
    return p.tenants[ctx.tenant]?.pseudonymiseAll === true || ctx.roles.some((r) => p.pseudonymiseRoles.includes(r));
  }

  /** The pseudonym view of a tenant. */
  view(tenant: string): PseudonymView {
    let v = this.views.get(tenant);
    if (!v) {
      v = new PseudonymView(
        Inventory.of(this.config, tenant),
        new TenantPseudonyms(tenantPseudonymKey(this.config.data, tenant), tenant),
      );
      this.views.set(tenant, v);
    }
    return v;
  }

  /**
   * Values the node knows to be personal in `tenant` (asset inventory, pseudonyms shown before,
   * personal names), replaced in every answer to a pseudonymised caller wherever they occur: the
   * safeguard for answers whose shape the view does not know. Read again when their sources
   * change, and after 10 s at the latest.
   */
  known(tenant: string): PersonalValue[] {
    const hit = this.knownCache.get(tenant);
    // (A time-only cache let answers in the seconds after an asset was added show its name to
    // pseudonymised callers: the sources' version is checked on every call.)
    const sources = this.sources.version(tenant);
    if (hit && hit.sources === sources && Date.now() - hit.at < 10_000) return hit.values;
    const KIND = { username: 'user', hostname: 'host', email: 'email', 'internal-ip': 'ip' } as const;
    const values = this.sources.known(tenant, Inventory.of(this.config, tenant)).known.map((k): PersonalValue => ({
      field: 'known',
      kind: KIND[k.kind],
      value: k.value,
    }));
    this.knownCache.set(tenant, { at: Date.now(), sources, values });
    return values;
  }

  /** An answer as `ctx` may see it: restricted subjects dropped from lists, then pseudonyms. */
  shape<T>(ctx: AuthContext, payload: T): T {
    let out = payload;
    const restricted = this.store.restrictions(ctx.tenant);
    if (restricted.length > 0) {
      const re = valuesPattern(restricted.flatMap((r) => subjectValues(parseSubject(r.subject)))) as RegExp;
      out = dropMentions(out, re);
    }
    if (!this.pseudonymises(ctx)) return out;
    const { value, used } = this.view(ctx.tenant).apply(out, this.known(ctx.tenant));
    this.store.remember(ctx.tenant, used);
    return value;
  }

  /** The hook the API applies to every answer. */
  responseView(): ResponseView {
    return {
      // Privacy answers carry what re-identification discloses on purpose; `/api/auth/` answers
      // hold the caller's own identity, which the caller knows.
      apply: (ctx, route, payload) =>
        route.startsWith('/api/privacy/') || route.startsWith('/api/auth/') ? payload : this.shape(ctx, payload),
      query: (ctx, q) => this.query(ctx, q),
    };
  }

  /** A query with the pseudonyms a pseudonymised caller typed replaced by the values they stand for. */
  query(ctx: AuthContext, q: string): string {
    if (!this.pseudonymises(ctx) || !/(user|host|email|ip)-[0-9a-f]{8}/.test(q)) return q;
    return q.replace(/\b(?:user|host|email|ip)-[0-9a-f]{8}\b/g, (p) => {
      const v = this.store.resolve(ctx.tenant, p);
      return v ? `"${v.value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"` : p;
    });
  }

  /** The `dpo` role, admins, and the users `privacy.dpoUsers` names (kept for nodes configured before the role). */
  private isDpo(ctx: AuthContext): boolean {
    const users = this.config.privacy.dpoUsers;
    return (
      ctx.roles.includes('admin') ||
      ctx.roles.includes('dpo') ||
      users.includes(ctx.user) ||
      users.includes(`${ctx.tenant}/${ctx.user}`)
    );
  }

  private disclose(ctx: AuthContext, r: Reidentification): ReidentificationView {
    if (r.status !== 'approved' || r.requestedBy !== ctx.user) return r;
    const v = this.store.resolve(ctx.tenant, r.pseudonym);
    return v ? { ...r, value: v.value, kind: v.kind } : r;
  }

  private requireCase(ctx: AuthContext, caseId: string): void {
    if (!this.sources.hasCase(ctx.tenant, caseId))
      throw new AppError('NOT_FOUND', `no case ${caseId} in tenant ${ctx.tenant}: re-identification needs a case`);
  }

  /** The privacy routes' service; `eraser` given, admins erase through the API too. */
  service(eraser?: TenantEraser): PrivacyApiService {
    const WRITERS = ['admin', 'analyst'] as const;
    return {
      reidentify: (ctx, r) => {
        requireRole(ctx, WRITERS);
        this.requireCase(ctx, r.caseId);
        const q = this.store.request(ctx.tenant, { ...r, user: ctx.user, fourEyes: this.config.privacy.fourEyes });
        return this.disclose(ctx, q);
      },
      decide: (ctx, id, approve) => {
        requireRole(ctx, WRITERS);
        return this.store.decide(ctx.tenant, id, ctx.user, approve);
      },
      get: (ctx, id) => {
        requireRole(ctx, [...WRITERS, 'dpo']);
        const r = this.store.require(ctx.tenant, id);
        if (r.requestedBy !== ctx.user && !this.isDpo(ctx) && r.status !== 'pending')
          throw new AppError('FORBIDDEN', 'only the requester, a second person deciding, or the DPO reads a request');
        return this.disclose(ctx, r);
      },
      requests: (ctx) => {
        requireRole(ctx, WRITERS);
        const all = this.store.list(ctx.tenant);
        if (ctx.roles.includes('admin')) return all;
        return all.filter((r) => r.requestedBy === ctx.user || r.decidedBy === ctx.user || r.status === 'pending');
      },
      list: (ctx) => {
        if (!this.isDpo(ctx))
          throw new AppError('FORBIDDEN', 'the data protection officer (or an admin) reads re-identifications');
        return this.store.list(ctx.tenant);
      },
      restrictions: (ctx) => {
        requireRole(ctx, [...WRITERS, 'dpo']);
        return this.store.restrictions(ctx.tenant);
      },
      restrict: (ctx, subject, reason) => {
        requireRole(ctx, ['admin']);
        parseSubject(subject);
        return this.store.restrict({ tenant: ctx.tenant, subject, reason, createdBy: ctx.user });
      },
      lift: (ctx, subject) => {
        requireRole(ctx, ['admin']);
        return this.store.lift(ctx.tenant, subject);
      },
      export: (ctx, subject) => {
        requireRole(ctx, ['admin', 'dpo']);
        if (!this.sources.exportSubject)
          throw new AppError(
            'UNSUPPORTED',
            'subject access export is not served by this process (it reads a node database): run `intersoc privacy export` on a node',
          );
        const x = this.sources.exportSubject(ctx.tenant, parseSubject(subject));
        return { subject: x.subject, counts: x.counts, items: [...x.items], report: renderReport(x) };
      },
      ...(eraser
        ? {
            erase: async (ctx: AuthContext, subject: string, reason?: string) => {
              requireRole(ctx, ['admin']);
              const r = await eraser(ctx.tenant, parseSubject(subject), {
                actor: ctx.user,
                ...(reason === undefined ? {} : { reason }),
              });
              this.knownCache.delete(ctx.tenant);
              return { ...r, subject };
            },
          }
        : {}),
      record: (ctx) => {
        requireRole(ctx, ['admin', 'dpo']);
        return recordOfProcessing(this.config, ctx.tenant);
      },
      recordText: (ctx) => {
        requireRole(ctx, ['admin', 'dpo']);
        return renderRecord(recordOfProcessing(this.config, ctx.tenant));
      },
      inventory: (ctx) => Inventory.of(this.config, ctx.tenant).fields.map((f) => ({ ...f })),
    };
  }
}

/** Lists without the elements that mention a restricted subject (`items` of a page, or an array). */
function dropMentions<T>(payload: T, re: RegExp): T {
  const keep = (x: unknown): boolean => !mentions(re, JSON.stringify(x) ?? '');
  if (Array.isArray(payload)) return payload.filter(keep) as T;
  if (payload && typeof payload === 'object') {
    const o = payload as Record<string, unknown>;
    const items = o['items'];
    if (Array.isArray(items)) return { ...o, items: items.filter(keep) } as T;
  }
  return payload;
}

/** The privacy view for a CLI command, on the node database of the data folder. */
export interface CliPrivacy {
  readonly node: NodePrivacy;
  /** The context of a user of the tenant (their role), for `--as`. */
  contextOf(tenant: string, user: string): AuthContext;
  close(): void;
}

/** Opens the privacy view of `config.data` for a CLI command. */
export function openCliPrivacy(config: Config): CliPrivacy {
  const db = openDatabase(path.join(config.data, NODE_DB_FILE));
  return {
    node: new NodePrivacy(config, db),
    contextOf: (tenant, user) => {
      const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'users'").get();
      const row = has
        ? (db.prepare('SELECT role FROM users WHERE tenant = ? AND name = ?').get(tenant, user) as
            { role: Role } | undefined)
        : undefined;
      if (!row) throw new AppError('NOT_FOUND', `no user ${user} in tenant ${tenant}`);
      return { tenant, user, roles: [row.role], via: 'system' };
    },
    close: () => db.close(),
  };
}
