/**
 * @module
 * `GET /api/events/:id/process-tree`: the process an event names, with its parents (nearest
 * first), children and siblings on the same host, built from process-start events (Sysmon 1 and
 * Security 4688) by process GUID (`process.entity_id`) where the events carry one, else by
 * process id, nearest in time. A Sysmon 1 and a 4688 that describe the same start (same host,
 * pid and program within two seconds) are one node with both events. Each node lists the alerts
 * raised on its events.
 */
import { z } from 'zod';
import { AppError, type AuthContext, type SocEvent } from '@intersoc/core';
import { authOf } from '../access/request-state.js';
import { ERROR_RESPONSES } from '../internal/app-types.js';
import type { ApiApp } from '../internal/app-types.js';
import { SocEventSchema } from '../services.js';
import type { SearchService } from '../services.js';

const HOUR = 3_600_000;
/** Ancestors followed at most. */
const MAX_DEPTH = 8;
/** Process starts read per lookup. */
const PAGE = 500;
/**
 * Process starts of the host in the window read in one search. Up to this many, the tree is
 * built in memory from them (one search instead of one per ancestor, children and siblings,
 * ~10 in all); a host busier than that falls back to a search per lookup.
 */
const PREFETCH = 5_000;
/** A Sysmon 1 and a 4688 this close (ms) with the same pid and program are one start. */
const SAME_START_MS = 2_000;

const NodeSchema = z.object({
  key: z.string().describe('process GUID, else `pid:<n>`'),
  time: z.number().describe('when the process started, epoch ms (the event time when its start was not seen)'),
  observed: z.boolean().describe('false for a parent known only from its child'),
  pid: z.number().optional(),
  entityId: z.string().optional(),
  executable: z.string().optional(),
  name: z.string().optional(),
  commandLine: z.string().optional(),
  user: z.string().optional(),
  eventIds: z.array(z.string()).readonly().describe('the start events (Sysmon 1 and Security 4688 of one start)'),
  alerts: z
    .array(z.object({ id: z.string(), rule: z.string(), severity: z.string() }))
    .readonly()
    .describe('alerts raised on these events'),
});

/** A node of the process tree. */
export type ProcessNode = z.infer<typeof NodeSchema>;

const TreeSchema = z
  .object({
    event: SocEventSchema,
    host: z.string(),
    from: z.number(),
    to: z.number(),
    process: NodeSchema,
    parents: z.array(NodeSchema).readonly().describe('nearest first'),
    children: z.array(NodeSchema).readonly(),
    siblings: z.array(NodeSchema).readonly(),
  })
  .meta({ id: 'ProcessTree' });

function quote(v: string | number): string {
  return typeof v === 'number' ? String(v) : `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

function str(e: SocEvent, f: string): string | undefined {
  const v = (e.ecs as Record<string, string | number | undefined>)[f];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function num(e: SocEvent, f: string): number | undefined {
  const v = (e.ecs as Record<string, string | number | undefined>)[f];
  return typeof v === 'number' ? v : undefined;
}

/** Who a process is and who its parent is, as an event names them. */
interface Ident {
  readonly entityId?: string;
  readonly pid?: number;
}

function selfOf(e: SocEvent): Ident {
  const entityId = str(e, 'process.entity_id');
  const pid = num(e, 'process.pid');
  return { ...(entityId === undefined ? {} : { entityId }), ...(pid === undefined ? {} : { pid }) };
}

function parentOf(e: SocEvent): Ident {
  const entityId = str(e, 'process.parent.entity_id');
  const pid = num(e, 'process.parent.pid');
  return { ...(entityId === undefined ? {} : { entityId }), ...(pid === undefined ? {} : { pid }) };
}

function nodeOf(starts: readonly SocEvent[], fallback?: SocEvent): ProcessNode {
  const e = starts[0] ?? fallback;
  if (e === undefined) throw new AppError('INTERNAL', 'process node without events');
  // Sysmon names the GUID and hashes; prefer whichever event carries the most.
  const get = (f: string): string | undefined => {
    for (const s of starts) {
      const v = str(s, f);
      if (v !== undefined) return v;
    }
    return fallback ? str(fallback, f) : undefined;
  };
  const id = selfOf(e);
  const entityId = get('process.entity_id');
  const user = get('user.name');
  const domain = get('user.domain');
  const node: ProcessNode = {
    key: entityId ?? `pid:${id.pid ?? '?'}`,
    time: e.time,
    observed: starts.length > 0,
    ...(id.pid === undefined ? {} : { pid: id.pid }),
    ...(entityId === undefined ? {} : { entityId }),
    eventIds: starts.map((s) => s.id),
    alerts: [],
  };
  const extra: Record<string, string | undefined> = {
    executable: get('process.executable'),
    name: get('process.name'),
    commandLine: get('process.command_line'),
    user: user === undefined ? undefined : domain === undefined ? user : `${domain}\\${user}`,
  };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) (node as Record<string, unknown>)[k] = v;
  return node;
}

/** Groups process starts into nodes: one per GUID, or per Sysmon 1 / 4688 pair of one start. */
function groupStarts(starts: readonly SocEvent[]): SocEvent[][] {
  // Two starts can only be one node when they share a GUID or a pid, so each start is compared
  // with the groups holding its GUID or pid, not with every group: a busy parent's children
  // number in the thousands over a day.
  interface Start {
    readonly e: SocEvent;
    readonly entityId?: string;
    readonly pid?: number;
    readonly exe?: string;
  }
  const groups: Start[][] = [];
  const byEntity = new Map<string, number[]>();
  const byPid = new Map<number, number[]>();
  const note = <K>(index: Map<K, number[]>, key: K, g: number): void => {
    const list = index.get(key);
    if (list === undefined) index.set(key, [g]);
    else if (list[list.length - 1] !== g) list.push(g);
  };
  const sorted = [...starts].sort((a, b) => a.time - b.time);
  for (const e of sorted) {
    const exe = str(e, 'process.executable')?.toLowerCase();
    const me: Start = { e, ...selfOf(e), ...(exe === undefined ? {} : { exe }) };
    const candidates = new Set<number>([
      ...(me.entityId === undefined ? [] : (byEntity.get(me.entityId) ?? [])),
      ...(me.pid === undefined ? [] : (byPid.get(me.pid) ?? [])),
    ]);
    let into: number | undefined;
    for (const g of [...candidates].sort((x, y) => x - y)) {
      const same = (groups[g] as Start[]).some((o) => {
        if (me.entityId !== undefined && o.entityId !== undefined) return me.entityId === o.entityId;
        return (
          me.pid !== undefined &&
          me.pid === o.pid &&
          Math.abs(o.e.time - e.time) <= SAME_START_MS &&
          (me.exe === undefined || o.exe === me.exe)
        );
      });
      if (same) {
        into = g;
        break;
      }
    }
    if (into === undefined) {
      into = groups.length;
      groups.push([]);
    }
    (groups[into] as Start[]).push(me);
    if (me.entityId !== undefined) note(byEntity, me.entityId, into);
    if (me.pid !== undefined) note(byPid, me.pid, into);
  }
  return groups.map((g) => g.map((s) => s.e));
}

/** Builds the tree around `id`; undefined when the tenant has no such event. */
export async function processTree(
  search: SearchService,
  ctx: AuthContext,
  id: string,
  window: { readonly beforeMs: number; readonly afterMs: number },
): Promise<z.infer<typeof TreeSchema> | undefined> {
  const event = await search.getEvent(ctx, id);
  if (!event) return undefined;
  const host = str(event, 'host.name');
  const self = selfOf(event);
  const from = event.time - window.beforeMs;
  const to = event.time + window.afterMs;
  if (host === undefined || (self.entityId === undefined && self.pid === undefined)) {
    // The event names no process on a host: a tree of its own event alone.
    return { event, host: host ?? '', from, to, process: nodeOf([], event), parents: [], children: [], siblings: [] };
  }
  const hostStarts = `host.name:${quote(host)} AND event.action:process-created`;
  const pool = await prefetch(search, ctx, hostStarts, from, to);
  const starts = async (cond: string, match: (e: SocEvent) => boolean): Promise<SocEvent[]> => {
    if (pool) return pool.filter(match);
    const out: SocEvent[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 4; page++) {
      const r = await search.searchEvents(ctx, {
        q: `${hostStarts} AND (${cond})`,
        from,
        to,
        limit: PAGE,
        ...(cursor === undefined ? {} : { cursor }),
      });
      out.push(...r.items);
      cursor = r.nextCursor;
      if (cursor === undefined || out.length >= PAGE) break;
    }
    return out;
  };
  // By GUID and by pid together: the 4688 twin of a Sysmon 1 carries no GUID, and grouping
  // (GUID, else pid, program and time) keeps a reused pid apart.
  const byIdent = (who: Ident, as: 'process' | 'process.parent'): string => {
    const terms: string[] = [];
    if (who.entityId !== undefined) terms.push(`${as}.entity_id:${quote(who.entityId)}`);
    if (who.pid !== undefined) terms.push(`${as}.pid:${quote(who.pid)}`);
    return terms.join(' OR ');
  };
  /** The same condition as `byIdent`, for the prefetched starts (the query matches ids case-blind). */
  const matchIdent =
    (who: Ident, as: 'process' | 'process.parent') =>
    (e: SocEvent): boolean =>
      (who.entityId !== undefined && str(e, `${as}.entity_id`)?.toLowerCase() === who.entityId.toLowerCase()) ||
      (who.pid !== undefined && num(e, `${as}.pid`) === who.pid);
  /** The start of `who`: the group with its GUID, else the latest at or before `t` (pids are reused). */
  const startOf = async (who: Ident, t: number): Promise<SocEvent[]> => {
    const groups = groupStarts(await starts(byIdent(who, 'process'), matchIdent(who, 'process')));
    if (who.entityId !== undefined) {
      const mine = groups.find((g) => g.some((e) => str(e, 'process.entity_id') === who.entityId));
      if (mine) return mine;
    }
    const before = groups.filter((g) => (g[0]?.time ?? 0) <= t + SAME_START_MS);
    return before[before.length - 1] ?? [];
  };
  /** Starts whose parent is `who`, after `since`, without those a GUID says belong to another parent. */
  const childrenOf = async (who: Ident, since: number): Promise<ProcessNode[]> =>
    groupStarts(await starts(byIdent(who, 'process.parent'), matchIdent(who, 'process.parent')))
      .filter((g) => (g[0]?.time ?? 0) >= since - SAME_START_MS)
      .filter((g) =>
        g.every((e) => {
          const p = str(e, 'process.parent.entity_id');
          return p === undefined || who.entityId === undefined || p === who.entityId;
        }),
      )
      .map((g) => nodeOf(g));

  const selfStart = await startOf(self, event.time);
  const process = nodeOf(selfStart, event);
  const parents: ProcessNode[] = [];
  let child: SocEvent = selfStart[0] ?? event;
  const seen = new Set([process.key]);
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const p = parentOf(child);
    if (p.entityId === undefined && p.pid === undefined) break;
    const found = await startOf(p, child.time);
    if (found.length === 0) {
      // Known only from the child: its program and pid.
      const executable = str(child, 'process.parent.executable');
      const name = str(child, 'process.parent.name');
      parents.push({
        key: p.entityId ?? `pid:${p.pid ?? '?'}`,
        time: child.time,
        observed: false,
        ...(p.pid === undefined ? {} : { pid: p.pid }),
        ...(p.entityId === undefined ? {} : { entityId: p.entityId }),
        ...(executable === undefined ? {} : { executable }),
        ...(name === undefined ? {} : { name }),
        eventIds: [],
        alerts: [],
      });
      break;
    }
    const node = nodeOf(found);
    if (seen.has(node.key)) break;
    seen.add(node.key);
    parents.push(node);
    child = found[0] as SocEvent;
  }
  const children = (await childrenOf(selfOf(selfStart[0] ?? event), process.time)).filter((n) => n.key !== process.key);
  const parentIdent = parentOf(selfStart[0] ?? event);
  const parentStart = parents[0];
  const siblings =
    parentIdent.entityId === undefined && parentIdent.pid === undefined
      ? []
      : (await childrenOf(parentIdent, parentStart?.time ?? from)).filter((n) => n.key !== process.key);
  await attachAlerts(search, ctx, [process, ...parents, ...children, ...siblings], from, to);
  return { event, host, from, to, process, parents, children, siblings };
}

/** The host's process starts in the window, newest first; undefined when there are more than `PREFETCH`. */
async function prefetch(
  search: SearchService,
  ctx: AuthContext,
  q: string,
  from: number,
  to: number,
): Promise<SocEvent[] | undefined> {
  const page = await search.searchEvents(ctx, { q, from, to, limit: PREFETCH });
  return page.nextCursor === undefined ? [...page.items] : undefined;
}

/** Fills each node's alerts from the alerts raised on its events. */
async function attachAlerts(
  search: SearchService,
  ctx: AuthContext,
  nodes: readonly ProcessNode[],
  from: number,
  to: number,
): Promise<void> {
  const owner = new Map<string, ProcessNode>();
  for (const n of nodes) for (const id of n.eventIds) owner.set(id, n);
  const ids = [...owner.keys()];
  for (let i = 0; i < ids.length; i += 100) {
    const chunk = ids.slice(i, i + 100);
    const page = await search.searchAlerts(ctx, {
      q: chunk.map((id) => `eventIds:${id}`).join(' OR '),
      from,
      to,
      limit: 1000,
    });
    for (const a of page.items) {
      const hit = new Set<ProcessNode>();
      for (const id of a.eventIds) {
        const n = owner.get(id);
        if (n) hit.add(n);
      }
      for (const n of hit)
        (n.alerts as { id: string; rule: string; severity: string }[]).push({
          id: a.id,
          rule: a.detector.ruleTitle,
          severity: a.severity,
        });
    }
  }
}

/** Registers the process-tree route. */
export function registerProcessTreeRoute(app: ApiApp, deps: { readonly search: SearchService }): void {
  app.get(
    '/api/events/:id/process-tree',
    {
      config: { access: ['admin', 'analyst', 'viewer'] },
      schema: {
        tags: ['events'],
        summary: 'The process tree around a process event',
        description:
          'Parents (nearest first), children and siblings on the same host, from Sysmon 1 and Security 4688 starts, by process GUID else pid; each node with the alerts on its events.',
        params: z.object({ id: z.string().regex(/^[0-9a-f]{16,64}$/, 'not an event id') }),
        querystring: z.object({
          before: z.coerce.number().int().min(1).max(10_080).default(1_440).describe('minutes before the event'),
          after: z.coerce.number().int().min(1).max(10_080).default(60).describe('minutes after the event'),
        }),
        response: { 200: TreeSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const tree = await processTree(deps.search, authOf(request), request.params.id, {
        beforeMs: (request.query.before * HOUR) / 60,
        afterMs: (request.query.after * HOUR) / 60,
      });
      if (!tree) throw new AppError('NOT_FOUND', `no event ${request.params.id}`);
      return tree;
    },
  );
}
