/**
 * @module
 * Cascades on a running node: the cascade service and its API routes; the impact of every
 * incident that names a modelled asset, computed when the incident stage publishes it
 * (`incidents.<tenant>`); cascade warnings to the SOCs of threatened organisations, shared
 * through the federation (signed, TLP:AMBER to the named recipient); and a poller that takes
 * what peers delivered into the CTI store: warnings (whose local cascade may relay further
 * warnings) and shared cross-organisation dependencies (merged into the shared graph).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError, systemContext, TENANT_PATTERN, type AuthContext, type Config } from '@intersoc/core';
import { registerCascadeRoutes } from '@intersoc/api';
import type { Bus, Subscription } from '@intersoc/bus';
import {
  CascadeService,
  CascadeSettingsSchema,
  WARNING_TYPE,
  warningToStix,
  type CascadeSettings,
  type CascadeWarning,
  type IncidentImpact,
} from '@intersoc/cascade';
import type { Federation } from '@intersoc/federation';
import type { SqliteDb } from '@intersoc/storage';
import { cascadeApiService } from './services.js';

/** Settings file in the data folder. */
export const CASCADE_CONFIG_FILE = 'cascade.json';
/** How often delivered warnings and shared dependencies are looked for. */
const POLL_MS = 1000;
/** An incident is assessed at most this often while its alerts keep arriving. */
const DEBOUNCE_MS = 500;

const TLP_MARKING: Readonly<Record<'amber' | 'amber+strict', string>> = {
  amber: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'amber+strict': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
};

const IncidentMessage = z.object({
  id: z.string().min(1).max(128),
  hosts: z.array(z.string().max(256)).max(10_000),
  firstSeen: z.number(),
  title: z.string().max(1024).optional(),
});

/** What the cascade is built from. */
export interface CascadeWiring {
  readonly config: Config;
  readonly db: SqliteDb;
  readonly bus: Bus;
  readonly federation?: Federation;
  readonly log: (level: 'info' | 'warn' | 'error', message: string, details?: Record<string, unknown>) => void;
}

/** The cascade of a running node. */
export interface AttachedCascade {
  readonly service: CascadeService;
  /** Runs one poll of delivered objects now (tests). */
  poll(): void;
  close(): void;
}

function loadSettings(data: string): unknown {
  const file = path.join(data, CASCADE_CONFIG_FILE);
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (err) {
    throw new AppError('CONFIG', `${file}: ${(err as Error).message}`);
  }
}

/** The cascade settings of the data folder `data` (`cascade.json`, defaults when missing). */
export function loadCascadeSettings(data: string): CascadeSettings {
  const parsed = CascadeSettingsSchema.safeParse(loadSettings(data));
  if (!parsed.success)
    throw new AppError('CONFIG', `${CASCADE_CONFIG_FILE}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

/** Builds the cascade service, registers its routes and starts its hooks. */
export function attachCascade(app: FastifyInstance, w: CascadeWiring): AttachedCascade {
  const settings = loadCascadeSettings(w.config.data);
  const fed = w.federation;
  const service = new CascadeService({ db: w.db, settings, ...(fed ? { nodeId: fed.me } : {}) });
  const fedTenant = fed?.fx.config.tenant;

  /** Puts objects in the CTI store and shares them with named peers under the cascade's TLP. */
  const shareWith = (ctx: AuthContext, peer: string, objects: Record<string, unknown>[]): number => {
    if (!fed) return 0;
    const marked = objects.map((o) => ({ ...o, object_marking_refs: [TLP_MARKING[service.settings.tlp]] }));
    const put = fed.fx.cti.put(ctx, marked, { source: 'local', via: 'cascade' });
    const bad = put.filter((p) => p.status === 'rejected');
    if (bad.length > 0)
      w.log('warn', 'cascade objects refused by the CTI store', { reasons: bad.map((b) => b.reason ?? '') });
    const ids = put.filter((p) => p.status !== 'rejected').map((p) => p.id);
    if (ids.length === 0) return 0;
    const r = fed.share(ctx, { ids, tlp: service.settings.tlp, recipients: [peer], distribution: 'community' });
    return r.queued[peer] ?? 0;
  };

  const sendWarnings = (ctx: AuthContext, warnings: readonly CascadeWarning[]): void => {
    if (!fed || ctx.tenant !== fedTenant) return;
    for (const warning of warnings) {
      if (service.warnings(ctx, 1000).some((r) => r.direction === 'sent' && r.warning.id === warning.id)) continue;
      const time = new Date().toISOString();
      const queued = shareWith(ctx, warning.toPeer, [warningToStix(warning, { time })]);
      service.recordSent(ctx, warning);
      w.log('info', `cascade warning to ${warning.toOrg} (${warning.toPeer})`, {
        id: warning.id,
        queued,
        confidence: warning.confidence,
      });
    }
  };

  registerCascadeRoutes(app, {
    cascade: cascadeApiService(
      service,
      fed
        ? (ctx, perPeer) => {
            const out: Record<string, number> = {};
            for (const [peer, objects] of perPeer) out[peer] = shareWith(ctx, peer, objects);
            return out;
          }
        : undefined,
    ),
  });

  // Incidents: assessed shortly after they change, once per burst.
  const pending = new Map<string, NodeJS.Timeout>();
  const assess = (tenant: string, m: z.infer<typeof IncidentMessage>): void => {
    const ctx = systemContext(tenant);
    try {
      const impact: IncidentImpact | undefined = service.assessIncident(ctx, {
        id: m.id,
        hosts: m.hosts,
        firstSeen: m.firstSeen,
      });
      if (!impact) return;
      w.log('info', `cascade impact of incident ${m.id}`, {
        graphs: impact.graphs.map((g) => `${g.graph}:${g.failed}`),
      });
      sendWarnings(ctx, service.warningsOf(ctx, impact, { key: `${tenant}:${m.id}` }));
    } catch (err) {
      w.log('warn', 'cascade impact failed', { incident: m.id, error: (err as Error).message });
    }
  };
  const subs: Subscription[] = [
    w.bus.subscribe('incidents.*', (message, subject) => {
      const tenant = subject.split('.')[1] ?? '';
      const m = IncidentMessage.safeParse(message);
      if (!TENANT_PATTERN.test(tenant) || !m.success || m.data.hosts.length === 0) return;
      const key = `${tenant}\u0000${m.data.id}`;
      const before = pending.get(key);
      if (before) clearTimeout(before);
      const t = setTimeout(() => {
        pending.delete(key);
        assess(tenant, m.data);
      }, DEBOUNCE_MS);
      t.unref();
      pending.set(key, t);
    }),
  ];

  // What peers delivered: warnings and shared dependencies, read from the CTI store in the order it stored them.
  // Objects stored in the cursor's own millisecond are read again (one may land after the read),
  // and skipped when already seen.
  let atCursor = new Set<string>();
  const poll = (): void => {
    if (!fed || fedTenant === undefined) return;
    const ctx = systemContext(fedTenant);
    let cursor = service.cursor(fedTenant, 'delivered');
    const since = cursor - 1;
    let after: string | undefined;
    for (;;) {
      const page = fed.fx.cti.query(ctx, {
        types: [WARNING_TYPE, 'infrastructure', 'relationship'],
        addedAfter: since,
        includeRevoked: false,
        limit: 1000,
        ...(after === undefined ? {} : { after }),
      });
      const fresh = page.objects.filter((o) => !(o.added === cursor && atCursor.has(`${o.id}@${o.version}`)));
      const fromPeers = fresh.filter((o) => o.provenance.source.startsWith('peer:'));
      const shared = fromPeers.filter((o) => o.type !== WARNING_TYPE).map((o) => o.object);
      if (shared.length > 0) {
        try {
          const info = service.mergeShared(ctx, shared);
          if (info) w.log('info', `shared dependencies merged into ${info.name}`, { dependencies: info.dependencies });
        } catch (err) {
          w.log('warn', 'shared dependencies refused', { error: (err as Error).message });
        }
      }
      for (const o of fromPeers.filter((x) => x.type === WARNING_TYPE)) {
        const from = o.provenance.source.slice('peer:'.length);
        const r = service.receiveWarning(ctx, o.object, from);
        if (r.record)
          w.log('warn', `cascade warning received from ${r.record.warning.fromOrg}`, {
            id: o.id,
            confidence: r.record.warning.confidence,
          });
        if (r.record) void w.bus.publish(`cascade.warnings.${fedTenant}`, r.record);
        sendWarnings(ctx, r.relay);
      }
      for (const o of fresh) {
        if (o.added > cursor) {
          cursor = o.added;
          atCursor = new Set();
        }
        if (o.added === cursor) atCursor.add(`${o.id}@${o.version}`);
      }
      service.setCursor(fedTenant, 'delivered', cursor);
      if (!page.next || page.objects.length === 0) break;
      after = page.next;
    }
  };
  const timer = setInterval(() => {
    try {
      poll();
    } catch (err) {
      w.log('warn', 'cascade poll failed', { error: (err as Error).message });
    }
  }, POLL_MS);
  timer.unref();

  return {
    service,
    poll,
    close: () => {
      clearInterval(timer);
      for (const t of pending.values()) clearTimeout(t);
      for (const s of subs) s.unsubscribe();
    },
  };
}
