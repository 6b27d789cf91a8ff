/**
 * @module
 * The health view's data: pipeline stages and their state, queue depths, counters, sources,
 * the tenant's storage use and retention policy. Node-wide figures (sources, database files,
 * drops, scale-out role instances) are shown to the default tenant only.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_TENANT, retentionFor, type Config } from '@intersoc/core';
import type { NodeStatus, NodeStatusService } from '@intersoc/api';
import type { RunningSource } from '@intersoc/ingest';
import { EVENTS_DB_FILE, NODE_DB_FILE, type SqliteEventReader } from '@intersoc/storage';
import type { PipelineStats, StageHealth } from '../../pipeline/pipeline.js';
import type { RoleInstances } from '../role-instances.js';

/** What the status reads. */
export interface NodeStatusDeps {
  readonly config: Config;
  readonly reader: SqliteEventReader;
  readonly stats: PipelineStats;
  readonly workers: number;
  readonly maxInflightBytes: number;
  readonly sources: () => readonly RunningSource[];
  /** The stages' own health checks (sources, parse, store, index, journal). */
  readonly health: () => Readonly<Record<string, StageHealth>>;
  readonly started: number;
  /** Scale-out role instances on the monitored bus (`bus.monitorUrl`), shown to the operator only. */
  readonly roleInstances?: () => Promise<RoleInstances>;
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** The node status service. */
export function nodeStatusService(d: NodeStatusDeps): NodeStatusService {
  return {
    async status(ctx) {
      const s = d.stats;
      const store = d.reader.stats(ctx);
      const operator = ctx.tenant === DEFAULT_TENANT;
      const capacity = Math.max(1, d.workers) * d.maxInflightBytes;
      const fill = s.inflightBytes / capacity;
      const sources = d.sources();
      const udpDropped =
        s.udpDropped +
        sources.reduce(
          (a, x) => a + (x.name.startsWith('udp') ? x.counters.dropped + (x.counters.kernelDropped ?? 0) : 0),
          0,
        );
      const h = d.health();
      const ok: StageHealth = { status: 'ok', detail: '' };
      const parse = h['parse'] ?? ok;
      const stages: NodeStatus['stages'] = [
        { name: 'sources', ...(h['sources'] ?? ok) },
        {
          name: 'parse',
          status: parse.status !== 'ok' ? parse.status : fill > 0.9 ? 'degraded' : 'ok',
          detail: `${d.workers === 0 ? 'inline (single core)' : `${d.workers} worker thread${d.workers === 1 ? '' : 's'}`}; queue ${Math.round(fill * 100)}% full${parse.status === 'ok' ? '' : `; ${parse.detail}`}`,
        },
        { name: 'detect', status: 'ok', detail: `${s.parsed.alerts} alerts raised since start` },
        { name: 'store', ...(h['store'] ?? ok) },
        { name: 'index', ...(h['index'] ?? ok) },
        { name: 'journal', ...(h['journal'] ?? ok) },
      ];
      const database = path.join(d.config.data, EVENTS_DB_FILE);
      return {
        generated: Date.now(),
        uptimeSeconds: Math.round((Date.now() - d.started) / 1000),
        stages,
        queues: [
          { name: 'parse workers (bytes in flight)', depth: s.inflightBytes, capacity, unit: 'bytes' },
          { name: 'term index (blocks pending)', depth: s.pendingIndexBlocks, unit: 'blocks' },
        ],
        counters: {
          parsedEvents: s.parsed.events,
          storedEvents: s.stored.events,
          duplicates: s.stored.duplicates,
          deadLetters: s.parsed.deadLetters,
          alerts: s.stored.alerts,
          bytes: s.parsed.bytes,
          ...(operator ? { udpDropped } : {}),
        },
        sources: operator
          ? sources.map((x) => ({
              name: x.name,
              address: x.address,
              received: x.counters.received,
              dropped: x.counters.dropped + (x.counters.kernelDropped ?? 0),
            }))
          : [],
        storage: {
          events: store.events,
          blocks: store.blocks,
          storedBytes: store.storedBytes,
          rawBytes: store.rawBytes,
          days: store.days,
          alerts: store.alerts,
          deadLetters: store.deadLetters,
          unindexedBlocks: store.unindexedBlocks,
          ...(store.tMin === undefined ? {} : { oldest: store.tMin }),
          ...(store.tMax === undefined ? {} : { newest: store.tMax }),
          ...(operator
            ? {
                files: {
                  [EVENTS_DB_FILE]: fileSize(database) + fileSize(`${database}-wal`),
                  [NODE_DB_FILE]:
                    fileSize(path.join(d.config.data, NODE_DB_FILE)) +
                    fileSize(path.join(d.config.data, `${NODE_DB_FILE}-wal`)),
                },
              }
            : {}),
        },
        retention: retentionFor(d.config, ctx.tenant),
        // Node-wide, like the sources: another tenant does not learn which machines run roles.
        ...(operator && d.roleInstances ? { roles: await d.roleInstances() } : {}),
      };
    },
  };
}
