/**
 * @module
 * Makes sure the stream exists with the wanted settings: created when missing, updated when its
 * subjects or limits differ. Several roles start at once, so a "stream already exists" race on
 * create is settled by reading what the winner made and updating it.
 */
import {
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { StreamOptions } from './options.js';

/** The stream configuration for `opts`, with `extraSubjects` (the dead letters) added. */
export function streamConfig(
  opts: StreamOptions,
  extraSubjects: readonly string[],
): Partial<StreamConfig> & { name: string } {
  const retention = {
    limits: RetentionPolicy.Limits,
    workqueue: RetentionPolicy.Workqueue,
    interest: RetentionPolicy.Interest,
  }[opts.retention ?? 'limits'];
  return {
    name: opts.name ?? 'INTERSOC',
    subjects: [...new Set([...opts.subjects, ...extraSubjects])],
    storage: opts.storage === 'memory' ? StorageType.Memory : StorageType.File,
    retention,
    // When full, refuse new messages rather than silently drop old ones nobody has read yet.
    discard: DiscardPolicy.New,
    max_bytes: opts.maxBytes ?? -1,
    max_msgs: opts.maxMessages ?? -1,
    max_age: opts.maxAgeMs === undefined ? 0 : nanos(opts.maxAgeMs),
    duplicate_window: nanos(opts.duplicateWindowMs ?? 120_000),
  };
}

/** Creates or updates the stream; returns its name. */
export async function ensureStream(
  jsm: JetStreamManager,
  cfg: Partial<StreamConfig> & { name: string },
): Promise<string> {
  try {
    await jsm.streams.add(cfg);
  } catch (err) {
    // Exists with other settings (or a concurrent create won): converge on ours.
    const info = await jsm.streams.info(cfg.name).catch(() => undefined);
    if (info === undefined) throw err;
    const { name, storage: _storage, retention: _retention, ...mutable } = cfg;
    await jsm.streams.update(name, { ...info.config, ...mutable });
  }
  return cfg.name;
}
