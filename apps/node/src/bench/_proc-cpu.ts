/**
 * @module
 * CPU accounting for `bench scale`, read from Linux's /proc: per tracked process the user +
 * system time it spent during a run (`/proc/<pid>/stat` utime + stime, all its threads), the
 * machine's busy time (`/proc/stat`), and the load average. Processes are polled, because a
 * process's counters vanish when it exits: the last sample before the exit is its figure, so a
 * process that exits loses at most one poll interval of CPU. On another OS every figure is absent.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';

/** Clock ticks per second of /proc's counters (USER_HZ; 100 on every Linux we build for). */
const HZ = 100;

/** utime + stime of `pid` in ticks and its start (ticks after boot), or undefined once it is gone. */
export function procTicks(pid: number): { cpu: number; start: number } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after its ')' are fixed.
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { cpu: Number(f[11]) + Number(f[12]), start: Number(f[19]) };
  } catch {
    return undefined;
  }
}

/** Busy and total ticks of the whole machine (all cores). */
export function machineTicks(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    // cpu user nice system idle iowait irq softirq steal guest guest_nice (guest is inside user).
    const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = v;
    const busy = user + nice + system + irq + softirq + steal;
    return { busy, total: busy + idle + iowait };
  } catch {
    return undefined;
  }
}

/** Ticks since boot now, from /proc/uptime (to tell processes started during the run). */
function nowTicks(): number {
  try {
    return Math.round(Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * HZ);
  } catch {
    return 0;
  }
}

/** What a run cost, per group of processes and for the machine. */
export interface CpuReport {
  readonly wall_s: number;
  /** CPU seconds per group (e.g. `ingest`, `detect`, `nats`, `postgres_backends`). */
  readonly cpu_s: Readonly<Record<string, number>>;
  /** Processes counted per group. */
  readonly processes: Readonly<Record<string, number>>;
  /** Sum of the groups. */
  readonly tracked_cpu_s: number;
  /** The machine's busy CPU seconds over the run, all processes of every user. */
  readonly machine_busy_cpu_s: number;
  /** Busy cores out of `cores` (machine busy time / wall). */
  readonly machine_busy_cores: number;
  /** Busy time not in any tracked group: other work on the machine and this bench process. */
  readonly untracked_cpu_s: number;
  readonly cores: number;
  /** 1-minute load average at the start and the end of the run. */
  readonly load_avg_start: number;
  readonly load_avg_end: number;
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

/**
 * Polls tracked processes every `intervalMs` from `start()` to `stop()`. `discover` (optional,
 * called every few polls) returns more pids by group, e.g. the PostgreSQL backends of a database.
 */
export class CpuSampler {
  private readonly seen = new Map<number, { group: string; first: number; last: number }>();
  private timer: NodeJS.Timeout | undefined;
  private t0 = 0;
  private bootTicks0 = 0;
  private machine0: { busy: number; total: number } | undefined;
  private load0 = 0;
  private polls = 0;
  private discovering = false;

  constructor(
    private readonly discover?: () => Promise<readonly { pid: number; group: string }[]>,
    private readonly intervalMs = 200,
  ) {}

  /** Starts counting; processes tracked before now count from their value at this moment. */
  start(): void {
    this.t0 = performance.now();
    this.bootTicks0 = nowTicks();
    this.machine0 = machineTicks();
    this.load0 = loadavg()[0] ?? 0;
    for (const [pid, s] of this.seen) s.first = s.last = procTicks(pid)?.cpu ?? s.last;
    this.timer = setInterval(() => this.poll(), this.intervalMs);
    this.timer.unref();
  }

  /** Tracks `pid` under `group`. One that started after `start()` counts from zero. */
  track(pid: number | undefined, group: string): void {
    if (pid === undefined || this.seen.has(pid)) return;
    const t = procTicks(pid);
    if (t === undefined) return;
    const fresh = this.t0 > 0 && t.start >= this.bootTicks0;
    this.seen.set(pid, { group, first: fresh ? 0 : t.cpu, last: t.cpu });
  }

  private poll(): void {
    for (const [pid, s] of this.seen) {
      const t = procTicks(pid);
      if (t !== undefined) s.last = t.cpu;
    }
    if (this.discover !== undefined && this.polls++ % 5 === 0 && !this.discovering) {
      this.discovering = true;
      this.discover()
        .then((found) => found.forEach((p) => this.track(p.pid, p.group)))
        .catch(() => undefined)
        .finally(() => (this.discovering = false));
    }
  }

  /** Stops polling (one last poll first) and returns the figures. */
  stop(): CpuReport {
    this.poll();
    if (this.timer) clearInterval(this.timer);
    const wall = (performance.now() - this.t0) / 1000;
    const cpu: Record<string, number> = {};
    const processes: Record<string, number> = {};
    for (const s of this.seen.values()) {
      cpu[s.group] = (cpu[s.group] ?? 0) + (s.last - s.first) / HZ;
      processes[s.group] = (processes[s.group] ?? 0) + 1;
    }
    for (const g of Object.keys(cpu)) cpu[g] = r3(cpu[g] ?? 0);
    const tracked = Object.values(cpu).reduce((a, b) => a + b, 0);
    const m1 = machineTicks();
    const cores = availableParallelism();
    const busy =
      this.machine0 && m1
        ? ((m1.busy - this.machine0.busy) / Math.max(1, m1.total - this.machine0.total)) * cores * wall
        : 0;
    return {
      wall_s: r3(wall),
      cpu_s: cpu,
      processes,
      tracked_cpu_s: r3(tracked),
      machine_busy_cpu_s: r3(busy),
      machine_busy_cores: r3(busy / Math.max(wall, 1e-9)),
      untracked_cpu_s: r3(Math.max(0, busy - tracked)),
      cores,
      load_avg_start: r3(this.load0),
      load_avg_end: r3(loadavg()[0] ?? 0),
    };
  }
}
