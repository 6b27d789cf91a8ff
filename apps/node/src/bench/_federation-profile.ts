/**
 * @module
 * Where the time of `bench federation` goes: one more signed and one more plain run, each under
 * the CPU profiler (not counted in the rates), with their sampled time split by part of the
 * system. Plus a probe that reads the CPU time of the timed runs: on a shared machine the
 * wall-clock rate moves with everyone else's load, the CPU time much less.
 */
import path from 'node:path';
import { breakdown, CpuProfiler, type Category } from './_cpu-profile.js';
import { plainRun, signedRun, type Probe } from './_federation-runs.js';

const PROFILER = 'profiler';

/** Parts of the system, recognised by the script of the function running (or its caller's). */
const CATEGORIES: readonly Category[] = [
  // Starting and stopping the profiler itself: left out of the fractions.
  { name: PROFILER, url: /^node:inspector/ },
  { name: 'garbage collection', fn: /^\(garbage collector\)$/ },
  { name: 'waiting (idle)', fn: /^\((idle|program)\)$/ },
  // The transaction wrapper: what runs in it is named by its own script; the commit is this.
  { name: 'SQLite commits', url: /better-sqlite3\/lib\// },
  { name: 'CTI store (SQLite, validation on put)', url: /cti\/dist\/store\// },
  { name: 'TAXII collections: outbox or collection rows (SQLite)', url: /cti\/dist\/taxii\/backend/ },
  { name: 'federation tables: journal, ledger, chains, batches, reports', url: /federation\/dist\/store\// },
  { name: 'STIX validation and patterns', url: /cti\/dist\/(stix|pattern|indicators)\// },
  { name: 'minimisation and pseudonyms', url: /federation\/dist\/privacy\// },
  { name: 'policy decisions', url: /federation\/dist\/policy\// },
  { name: 'signing and verification (digests, Merkle, Ed25519)', url: /federation\/dist\/(signing|internal)\// },
  { name: 'request and answer signatures', url: /federation\/dist\/transport\// },
  { name: 'share and receive logic', url: /federation\/dist\/sync\// },
  { name: 'TAXII server and client (JSON text in and out)', url: /cti\/dist\/taxii\/(server|client)/ },
  {
    name: 'HTTP (Fastify, undici, sockets)',
    url: /node_modules\/(fastify|@fastify|find-my-way|avvio|light-my-request|undici)|node:internal\/deps\/undici|node:(internal\/)?(_?http|net|stream)/,
  },
  { name: 'benchmark harness', url: /apps\/node\/dist\/bench\// },
];

/** Fractions of sampled time per part, largest first. */
export type Profile = Readonly<Record<string, number>>;

function fractions(all: { name: string; ms: number }[]): Profile {
  const parts = all.filter((p) => p.name !== PROFILER);
  const total = parts.reduce((a, p) => a + p.ms, 0) || 1;
  return Object.fromEntries(parts.map((p) => [p.name, Math.round((p.ms / total) * 1000) / 1000]));
}

/** Profiles one signed and one plain run over `objects`. */
export async function profileRuns(
  dir: string,
  objects: readonly Record<string, unknown>[],
  log: (l: string) => void,
): Promise<{ signed: Profile; plain: Profile }> {
  const out: Partial<Record<'signed' | 'plain', Profile>> = {};
  for (const which of ['signed', 'plain'] as const) {
    const profiler = new CpuProfiler();
    const run = which === 'signed' ? signedRun : plainRun;
    await run(path.join(dir, `profile-${which}`), objects, log, profiler);
    if (!profiler.profile) throw new Error('no profile');
    out[which] = fractions(breakdown(profiler.profile, CATEGORIES));
  }
  return { signed: out.signed as Profile, plain: out.plain as Profile };
}

/** A probe that measures the CPU seconds of the process between `start` and `stop`. */
export function cpuProbe(): Probe & { seconds: number } {
  let from: NodeJS.CpuUsage | undefined;
  return {
    seconds: 0,
    async start() {
      from = process.cpuUsage();
    },
    async stop() {
      const d = process.cpuUsage(from);
      this.seconds = (d.user + d.system) / 1e6;
    },
  };
}
