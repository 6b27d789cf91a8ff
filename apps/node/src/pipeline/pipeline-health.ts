/**
 * @module
 * The health of the pipeline's stages (parse, store, index), judged from what the threads last
 * reported: worker deaths and lanes being replaced, commits that stopped while work waits, and
 * blocks that wait for the term index. A pure function of a snapshot, so the thresholds can be
 * read in one place.
 */
import type { PipelineHealth, PipelineStats, StageHealth } from './pipeline-types.js';

/** Writes outstanding longer than this without any commit mean a stuck writer. */
const STUCK_WRITER_MS = 30_000;
/** A worker death stays visible in health this long. */
const DEATH_VISIBLE_MS = 10 * 60_000;
/**
 * Blocks waiting for the term index longer than this degrade health. Blocks are indexed as they
 * are written, so any wait beyond the background catch-up of an older database is a fault.
 */
const INDEX_LAG_MS = 60_000;

/** What health is judged from: the coordinator's state at one moment. */
export interface HealthSnapshot {
  readonly deaths: readonly { readonly lane: number; readonly at: number; readonly reason: string }[];
  readonly lanes: readonly { readonly alive: boolean; readonly files: number }[];
  readonly inline: boolean;
  readonly stats: PipelineStats;
  /** Flushes waiting for the writer. */
  readonly flushesWaiting: number;
  /** Why the pipeline stopped accepting work, if it did. */
  readonly failure: string | undefined;
  readonly lastCommit: number;
  /** Since when blocks have been waiting for the index (undefined: none waiting). */
  readonly indexPendingSince: number | undefined;
}

/** Health of parse, store and index stages at `now`. */
export function pipelineHealth(s: HealthSnapshot, now: number): PipelineHealth {
  const recentDeaths = s.deaths.filter((d) => now - d.at < DEATH_VISIBLE_MS);
  const dead = s.lanes.filter((l) => !l.alive).length;
  const parse: StageHealth =
    dead > 0
      ? {
          status: dead === s.lanes.length ? 'down' : 'degraded',
          detail: `${dead} parse worker(s) died (last: ${recentDeaths.at(-1)?.reason ?? 'unknown'}); restarting`,
        }
      : recentDeaths.length > 0
        ? {
            status: 'degraded',
            detail: `${recentDeaths.length} parse worker(s) died in the last ${DEATH_VISIBLE_MS / 60_000} min (last: ${recentDeaths.at(-1)?.reason}); replaced`,
          }
        : { status: 'ok', detail: `${s.inline ? 'inline' : `${s.lanes.length} worker(s)`}` };
  const busy = s.stats.inflightBytes > 0 || s.flushesWaiting > 0 || s.lanes.some((l) => l.files > 0);
  const store: StageHealth =
    s.failure !== undefined
      ? { status: 'down', detail: s.failure }
      : busy && now - s.lastCommit > STUCK_WRITER_MS
        ? {
            status: 'degraded',
            detail: `no commit for ${Math.round((now - s.lastCommit) / 1000)} s with work waiting`,
          }
        : { status: 'ok', detail: `${s.stats.stored.events} events committed since start` };
  const x = s.stats.index;
  const covered = `${x.indexedBlocks} blocks (${x.indexedEvents} events) in the term index`;
  const lag = s.indexPendingSince === undefined ? 0 : now - s.indexPendingSince;
  const columns =
    x.columnPendingBlocks === 0
      ? ''
      : `; ${x.columnPendingBlocks} of them waiting for their field columns (field queries and histograms re-parse them)`;
  const index: StageHealth =
    x.pendingBlocks === 0
      ? { status: 'ok', detail: `${covered}, none pending${columns}` }
      : {
          status: lag > INDEX_LAG_MS ? 'degraded' : 'ok',
          detail: `${covered}${columns}; ${x.pendingBlocks} blocks (${x.pendingEvents} events) pending for ${Math.round(lag / 1000)} s (searches scan them)`,
        };
  return { parse, store, index };
}
