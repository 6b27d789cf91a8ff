/**
 * @module
 * Where correlation state lives between batches and across restarts. The engine keeps its
 * windows in memory and writes changed groups through this small interface after each batch;
 * the SQLite store implements it now, a PostgreSQL one can follow.
 */

/** One correlation group's window, serialised. */
export interface StoredGroup {
  /** Correlation rule key. */
  readonly correlation: string;
  /** Group-by values, serialised. */
  readonly group: string;
  /** Engine-defined JSON of the window. */
  readonly state: string;
  /** Epoch ms after which the window holds nothing useful. */
  readonly expires: number;
}

/** Persists correlation windows per scope (tenant). */
export interface CorrelationStateStore {
  load(scope: string): Iterable<StoredGroup>;
  /** Upserts changed groups and deletes emptied ones, atomically. */
  save(
    scope: string,
    upserts: readonly StoredGroup[],
    deletes: readonly { correlation: string; group: string }[],
  ): void;
  close?(): void;
}

/** A store that keeps everything in memory (hunts, tests). */
export class MemoryStateStore implements CorrelationStateStore {
  private readonly data = new Map<string, Map<string, StoredGroup>>();

  load(scope: string): Iterable<StoredGroup> {
    return [...(this.data.get(scope)?.values() ?? [])];
  }

  save(
    scope: string,
    upserts: readonly StoredGroup[],
    deletes: readonly { correlation: string; group: string }[],
  ): void {
    let m = this.data.get(scope);
    if (!m) this.data.set(scope, (m = new Map()));
    for (const u of upserts) m.set(`${u.correlation}\u0000${u.group}`, u);
    for (const d of deletes) m.delete(`${d.correlation}\u0000${d.group}`);
  }
}
