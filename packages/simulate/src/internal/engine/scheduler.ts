/**
 * @module
 * The discrete-event core. Actors are generator functions that emit records at (or after) the
 * current simulated time and yield how long to sleep. One heap holds both pending records and
 * sleeping actors, ordered by time then insertion, so records come out sorted by time while
 * only a short look-ahead is ever held in memory.
 */
import type { LinuxHost, WinHost } from '../world/world.js';
import { TimeHeap } from './heap.js';
import type { Rng } from './prng.js';

/** Windows log channel a record goes to. */
export type WinChannel = 'security' | 'sysmon' | 'system';

/** A Windows event before rendering: channel, id and its EventData in schema order. */
export interface WinPending {
  readonly kind: 'win';
  readonly host: WinHost;
  readonly channel: WinChannel;
  readonly id: number;
  readonly data: Readonly<Record<string, string | number>>;
  /** Audit failure (4625): changes keywords and severity. */
  readonly failure?: boolean;
}

/** A syslog message before rendering. */
export interface SyslogPending {
  readonly kind: 'syslog';
  readonly host: LinuxHost;
  /** facility * 8 + severity. */
  readonly pri: number;
  readonly app: string;
  readonly pid: number | undefined;
  readonly msg: string;
}

/** One auditd event: several records sharing a serial number. */
export interface AuditPending {
  readonly kind: 'audit';
  readonly host: LinuxHost;
  readonly lines: readonly (readonly [type: string, body: string])[];
}

/** A Zeek log entry before rendering. */
export interface ZeekPending {
  readonly kind: 'zeek';
  readonly log: 'conn' | 'dns' | 'http';
  /** Microseconds below the millisecond, < 500 so that rounding `ts` gives back the ms. */
  readonly us: number;
  /** The entry's JSON members after `ts`, already serialised (without braces). */
  readonly body: string;
}

/** Anything an actor can emit. */
export type Pending = WinPending | SyslogPending | AuditPending | ZeekPending;

/** An actor script: emits through its context and yields sleep durations in ms. */
export type Script = Generator<number, void, void>;

interface Entry {
  readonly t: number;
  readonly seq: number;
  readonly pending?: Pending;
  readonly label?: string;
  readonly scenario?: string | undefined;
  readonly actor?: Actor;
}

interface Actor {
  readonly it: Script;
  readonly scale: number;
}

/** An emitted record with its ground truth, ready to render. */
export interface Emitted {
  readonly t: number;
  readonly pending: Pending;
  readonly label: string;
  readonly scenario: string | undefined;
}

/** What an actor sees: the clock, its random stream, its current label, and emit/spawn. */
export class Ctx {
  /** Label of what the actor emits next: `benign` or a technique id. */
  label = 'benign';

  constructor(
    readonly sim: Scheduler,
    readonly rng: Rng,
    readonly scenario: string | undefined,
    readonly scale: number,
  ) {}

  /** Current simulated time, epoch ms. */
  get now(): number {
    return this.sim.now;
  }

  /** Emits a record `offset` ms from now (offset >= 0). */
  emit(offset: number, pending: Pending): void {
    this.sim.record(this.sim.now + Math.max(0, Math.round(offset)), pending, this.label, this.scenario);
  }

  /** Records that the story this actor belongs to uses `account` (ground truth; no effect on output). */
  involve(account: string): void {
    if (this.scenario === undefined) return;
    let set = this.sim.involved.get(this.scenario);
    if (!set) {
      set = new Set();
      this.sim.involved.set(this.scenario, set);
    }
    set.add(account);
  }

  /** Starts a child actor after `delay` ms; it inherits scenario, label and time scale. */
  spawn(name: string, script: (ctx: Ctx) => Script, delay = 0): void {
    const child = new Ctx(this.sim, this.rng.fork(name), this.scenario, this.scale);
    child.label = this.label;
    this.sim.start(child, script(child), this.sim.now + Math.max(0, Math.round(delay * this.scale)));
  }
}

/** Runs actors in time order and yields emitted records sorted by time within [start, end). */
export class Scheduler {
  now: number;
  /** Accounts each story instance uses, by instance (`rdp-intrusion#1`). */
  readonly involved = new Map<string, Set<string>>();
  private seq = 0;
  private readonly heap = new TimeHeap<Entry>();

  constructor(
    readonly startTime: number,
    readonly endTime: number,
  ) {
    this.now = startTime;
  }

  /** Queues a record; records at or past the end of the window are dropped. */
  record(t: number, pending: Pending, label: string, scenario: string | undefined): void {
    if (t >= this.endTime || t < this.startTime) return;
    this.heap.push({ t, seq: this.seq++, pending, label, scenario });
  }

  /** Starts an actor at time `at`. */
  start(ctx: Ctx, it: Script, at: number): void {
    if (at >= this.endTime) return;
    this.heap.push({ t: Math.max(at, this.startTime), seq: this.seq++, actor: { it, scale: ctx.scale } });
  }

  /** Drives the simulation. */
  *run(): Generator<Emitted, void, void> {
    for (;;) {
      const e = this.heap.pop();
      if (e === undefined) return;
      this.now = e.t;
      if (e.pending !== undefined) {
        yield { t: e.t, pending: e.pending, label: e.label ?? 'benign', scenario: e.scenario };
        continue;
      }
      const actor = e.actor;
      if (actor === undefined) continue;
      const step = actor.it.next();
      if (step.done === true) continue;
      const at = e.t + Math.max(1, Math.round(step.value * actor.scale));
      if (at < this.endTime) this.heap.push({ t: at, seq: this.seq++, actor });
    }
  }
}
