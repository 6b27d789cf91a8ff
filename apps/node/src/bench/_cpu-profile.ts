/**
 * @module
 * A CPU profile of part of a benchmark, taken in-process with the inspector (as
 * `node --cpu-prof` does, but only between `start` and `stop`), and its sampled time split by
 * where it went.
 */
import { Session } from 'node:inspector/promises';

/** The inspector's CPU profile. */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string };
    readonly children?: readonly number[];
  }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** A category and how to recognise its functions (by script URL, or by name for V8's own). */
export interface Category {
  readonly name: string;
  readonly url?: RegExp;
  readonly fn?: RegExp;
}

/** A profiler that runs between `start` and `stop`. */
export class CpuProfiler {
  private session: Session | undefined;
  profile: CpuProfile | undefined;

  async start(): Promise<void> {
    this.session = new Session();
    this.session.connect();
    await this.session.post('Profiler.enable');
    await this.session.post('Profiler.start');
  }

  async stop(): Promise<void> {
    const s = this.session;
    if (!s) return;
    const r = (await s.post('Profiler.stop')) as { profile: CpuProfile };
    this.profile = r.profile;
    await s.post('Profiler.disable');
    s.disconnect();
    this.session = undefined;
  }
}

/**
 * Sampled milliseconds per category, largest first. A function no rule names (a native call such
 * as SQLite's, a Node builtin, a library) counts for the category of its nearest caller that one
 * names, so time lands where our code asked for it; what nothing names is `other`.
 */
export function breakdown(p: CpuProfile, categories: readonly Category[]): { name: string; ms: number }[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const categoryOf = new Map<number, string>();
  const resolve = (id: number): string => {
    const known = categoryOf.get(id);
    if (known !== undefined) return known;
    const n = byId.get(id);
    const own = n
      ? categories.find(
          (c) => (c.url?.test(n.callFrame.url) ?? false) || (c.fn?.test(n.callFrame.functionName) ?? false),
        )
      : undefined;
    const up = parent.get(id);
    const name = own?.name ?? (up === undefined ? 'other' : resolve(up));
    categoryOf.set(id, name);
    return name;
  };
  const ms = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const name = resolve(id);
    ms.set(name, (ms.get(name) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  });
  return [...ms].map(([name, t]) => ({ name, ms: Math.round(t) })).sort((a, b) => b.ms - a.ms);
}
