/**
 * @module
 * The demo's ground truth with event ids: for each simulated attack chain, the ids of the events
 * it left in the store, so anyone can check incidents against the chains (`demo --truth`). The
 * ids are read back from what the pipeline stored (matched by stream and record text), never
 * recomputed here, so they stay right whatever the pipeline's id scheme.
 */
import { systemContext } from '@intersoc/core';
import type { SimChain, SimRecord, SimTruth } from '@intersoc/simulate';
import type { EventReader } from '@intersoc/storage';

/** One chain with the ids of its stored events. */
export interface DemoChain extends SimChain {
  /** Ids of the chain's events as the event store keeps them, sorted. */
  readonly events: readonly string[];
}

/** The ground truth `demo --truth` writes. */
export interface DemoTruth {
  readonly chains: readonly DemoChain[];
  /** Attack records with no stored event of their own (ingest dropped them, or the store merged identical ones). */
  readonly unmatched: number;
}

function keyOf(source: string, record: string): string {
  return `${source}\0${record}`;
}

/** The attack records of a run as the demo submits them: source and raw text → chain. */
export class ChainRecords {
  private readonly chains = new Map<string, string[]>();
  private count = 0;

  /** Takes one simulated record into account (benign ones are ignored). */
  see(r: SimRecord): void {
    if (r.scenario === undefined) return;
    const k = keyOf(r.source, r.record);
    const list = this.chains.get(k);
    // The same bytes twice on one stream: each stored copy takes the next chain in turn.
    if (list) list.push(r.scenario);
    else this.chains.set(k, [r.scenario]);
    this.count++;
  }

  /** Number of attack records seen. */
  get size(): number {
    return this.count;
  }

  /** The chain of a stored record, consumed so a repeat goes to the next one. */
  take(source: string, raw: string): string | undefined {
    return this.chains.get(keyOf(source, raw))?.shift();
  }
}

/**
 * Adds to each chain of `truth` the ids of its events, found in the store of `tenant` between
 * `from` and `to` (epoch ms, the demo's window).
 */
export function demoTruth(
  truth: SimTruth,
  records: ChainRecords,
  reader: EventReader,
  tenant: string,
  from: number,
  to: number,
): DemoTruth {
  const ctx = systemContext(tenant);
  const ids = new Map<string, string[]>();
  let found = 0;
  let cursor: string | undefined;
  do {
    // Every event, not only attack labels: a chain also causes a few records labelled benign.
    const page = reader.searchEvents(ctx, {
      q: '',
      from,
      to,
      limit: 10_000,
      ...(cursor === undefined ? {} : { cursor }),
    });
    for (const e of page.items) {
      const chain = records.take(e.source.name, e.raw);
      if (chain === undefined) continue;
      found++;
      const list = ids.get(chain);
      if (list) list.push(e.id);
      else ids.set(chain, [e.id]);
    }
    cursor = page.next;
  } while (cursor !== undefined);
  return {
    chains: truth.chains.map((c) => ({ ...c, events: [...new Set(ids.get(c.id) ?? [])].sort() })),
    unmatched: records.size - found,
  };
}
