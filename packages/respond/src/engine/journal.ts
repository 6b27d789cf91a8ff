/**
 * @module
 * Group commit of transitions. Runs hand their transitions here and wait; everything handed in
 * during one turn of the event loop is written in a single SQLite transaction, in order, and
 * then every caller's promise resolves. Nothing takes effect before its
 * transition is committed, and many concurrent runs share the cost of one commit, as the ingest
 * writer does for events.
 */
import type { RunWrite } from '../store/types.js';

/** Writes batches (the store's `writeBatch`). */
export type BatchWriter = (writes: readonly RunWrite[]) => void;

/**
 * Who handed a write in, told synchronously when its batch committed or failed (before the
 * write's promise settles): cheaper than a promise chained on every write.
 */
export interface JournalOwner {
  /** `write` (one the owner handed in) is committed. */
  committed(write: RunWrite): void;
  failed(err: unknown): void;
}

interface Pending {
  readonly write: RunWrite;
  readonly owner: JournalOwner | undefined;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/** Statistics of the journal. */
export interface JournalStats {
  readonly commits: number;
  readonly transitions: number;
}

/** The group-commit journal. */
export class Journal {
  readonly #write: BatchWriter;
  #queue: Pending[] = [];
  #scheduled = false;
  #commits = 0;
  #transitions = 0;

  constructor(write: BatchWriter) {
    this.#write = write;
  }

  /** Commits `write` with whatever else arrives in this turn; a failed commit rejects every waiter of the batch. */
  commit(write: RunWrite, owner?: JournalOwner): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ write, owner, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  /** Writes waiting for the next commit. */
  get pending(): number {
    return this.#queue.length;
  }

  get stats(): JournalStats {
    return { commits: this.#commits, transitions: this.#transitions };
  }

  #flush(): void {
    this.#scheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return;
    const writes: RunWrite[] = new Array<RunWrite>(batch.length);
    for (let i = 0; i < batch.length; i++) writes[i] = (batch[i] as Pending).write;
    try {
      this.#write(writes);
    } catch (err) {
      for (const p of batch) {
        p.owner?.failed(err);
        p.reject(err);
      }
      return;
    }
    this.#commits += 1;
    for (const p of batch) {
      this.#transitions += p.write.transitions.length;
      try {
        p.owner?.committed(p.write);
      } catch {
        // A listener's failure is its own: the batch is committed and every writer goes on.
      }
      p.resolve();
    }
  }
}
