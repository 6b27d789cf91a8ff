/**
 * @module
 * Starting the correlate role in the form the store allows: with PostgreSQL, partitioned with a
 * lease per partition and the windows in the store (several instances share the work and take
 * over from each other); with a SQLite folder, the single owner with its windows under `--data`.
 * Also builds the partitioner the detect workers publish with, from the same rules and count.
 */
import path from 'node:path';
import type { Config } from '@intersoc/core';
import { FeedPartitioner } from '@intersoc/detect';
import type { JetStreamBus } from '@intersoc/bus/nats';
import { SIGMA_STATE_FILE } from '../pipeline/detectors.js';
import { loadNodeRuleSets } from '../node/rules.js';
import { CORRELATE_GROUP, CorrelateRole } from './correlate-role.js';
import type { EventSink } from './event-sink.js';
import { partitionConsumer, PartitionedCorrelate } from './partitioned-correlate.js';

/** A running correlate role. */
export interface RunningCorrelate {
  readonly stats: () => { messages: number; matches: number; alerts: number };
  /** Partitions this instance holds now (the single owner holds every one). */
  readonly held: () => number;
  /** The partitioned role, when the store is PostgreSQL. */
  readonly partitioned?: PartitionedCorrelate;
  close(): Promise<void>;
}

/** The partitioner of this node's rules and `bus.correlatePartitions`. */
export function feedPartitioner(config: Config): FeedPartitioner {
  return new FeedPartitioner(loadNodeRuleSets(config.data), config.bus.correlatePartitions);
}

function isPg(config: Config): boolean {
  return /^postgres(ql)?:\/\//.test(config.store.url ?? '');
}

/** The consumer groups the correlate role reads (for `/metrics`). */
export function correlateGroups(config: Config): string[] {
  if (!isPg(config)) return [CORRELATE_GROUP];
  return Array.from({ length: config.bus.correlatePartitions }, (_, p) => partitionConsumer(p));
}

/** Starts the correlate role on `bus`, writing alerts through `sink` (SQLite) or the state store (PostgreSQL). */
export async function startCorrelate(
  config: Config,
  bus: JetStreamBus,
  sink: EventSink,
  log: (m: string) => void,
  partitioner = feedPartitioner(config),
): Promise<RunningCorrelate> {
  if (isPg(config)) {
    const { PgCorrelationState } = await import('@intersoc/storage/postgres');
    const state = await PgCorrelationState.open(config.store.url ?? '', config.bus.correlatePartitions);
    const role = new PartitionedCorrelate({ bus, state, partitioner, leaseMs: config.bus.correlateLeaseMs, log });
    try {
      await role.start();
    } catch (err) {
      await state.close();
      throw err;
    }
    log(
      `correlate: ${role.holder} holds partitions [${role.partitions.join(',')}] of ${config.bus.correlatePartitions} ` +
        `(lease ${config.bus.correlateLeaseMs} ms) on ${config.bus.url ?? ''}`,
    );
    return {
      stats: () => role.stats,
      held: () => role.partitions.length,
      partitioned: role,
      close: async () => {
        await role.close();
        await state.close();
      },
    };
  }
  const { SqliteStateStore } = await import('@intersoc/detect');
  const role = new CorrelateRole(
    bus,
    partitioner,
    new SqliteStateStore(path.join(config.data, SIGMA_STATE_FILE)),
    sink,
  );
  await role.start();
  log(`correlate: owner of the Sigma correlations on ${config.bus.url ?? ''}, state in ${config.data}`);
  return { stats: () => role.stats, held: () => config.bus.correlatePartitions, close: () => role.close() };
}
