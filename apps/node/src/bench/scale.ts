/**
 * @module
 * `bench scale`: the same events end to end through three set-ups, each as real processes of the
 * CLI: the embedded node (`intersoc ingest`), one ingest role plus one detect worker, and one
 * ingest role plus two detect workers (`intersoc ingest --bus` returns once everything is stored).
 * The bus is a nats-server started for the run (its own port and store); the store a scratch
 * PostgreSQL database (`INTERSOC_TEST_PG`), else a shared SQLite folder. Detect workers are
 * started and joined before the clock starts; the embedded figure is the ingest command's own clock
 * (pipeline and detectors already loaded), with the wall time including start-up beside it.
 * Input: the mordor corpus topped up to the count asked with simulator records (`_scale-input.ts`).
 * Every set-up also reports the CPU seconds of each of its processes (ingest, detect workers,
 * nats-server, the PostgreSQL backends of its database and the server's shared writers), the
 * machine's busy cores and load average, and `_scale-projection.ts` reads them: CPU per event,
 * whether the CPU was the wall, and the events/s more cores should give.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '@intersoc/core';
import { CpuSampler, type CpuReport } from './_proc-cpu.js';
import { writeScaleInput } from './_scale-input.js';
import { projectCores, readScaleRun } from './_scale-projection.js';
import { benchResult, type BenchModule } from './types.js';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../bin/intersoc');

function proc(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  return spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
}

async function waitFor(p: ChildProcess, text: string, what: string): Promise<void> {
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const on = (b: Buffer): void => {
      log += b.toString();
      if (log.includes(text)) resolve();
    };
    p.stderr?.on('data', on);
    p.stdout?.on('data', on);
    p.once('exit', (code) => reject(new AppError('INTERNAL', `${what} exited (${String(code)}): ${log.slice(-1000)}`)));
  });
}

async function exit(p: ChildProcess, what: string): Promise<string> {
  let out = '';
  let err = '';
  p.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  p.stderr?.on('data', (b: Buffer) => (err += b.toString()));
  const code = await new Promise<number | null>((r) => p.once('exit', r));
  if (code !== 0) throw new AppError('INTERNAL', `${what} failed (${String(code)}): ${err.slice(-1000)}`);
  return out;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

export const bench: BenchModule = {
  description: 'events/s end to end: embedded vs 1 ingest + 1 detect vs 1 ingest + 2 detect on NATS JetStream',
  async run(o) {
    const n = o.events ?? (o.quick ? 20_000 : 500_000);
    const work = mkdtempSync(path.join(tmpdir(), 'intersoc-bench-scale-'));
    const children: ChildProcess[] = [];
    try {
      const data = writeScaleInput(o.corpora, n, path.join(work, 'input'));
      const input = data.dir;
      const events = data.events;
      const env = { ...process.env, INTERSOC_SYSLOG_ENABLED: 'false', INTERSOC_LOG_LEVEL: 'silent' };
      o.log(`scale: ${data.events} events (${data.mordor} mordor, ${data.simulated} simulated)`);

      let t = performance.now();
      const embeddedCpu = new CpuSampler();
      embeddedCpu.start();
      const embeddedProc = proc(
        process.execPath,
        [CLI, 'ingest', input, '--data', path.join(work, 'embedded'), '--json'],
        env,
      );
      embeddedCpu.track(embeddedProc.pid, 'ingest');
      const embeddedOut = await exit(embeddedProc, 'embedded ingest');
      const embeddedReport = embeddedCpu.stop();
      const embeddedWall = events / ((performance.now() - t) / 1000);
      // The command's own clock: from its pipeline running (detectors loaded) to the last commit,
      // as the scaled runs' clock starts with their workers already joined.
      const embedded = events / (JSON.parse(embeddedOut) as { seconds: number }).seconds;
      o.log(`scale: embedded ${Math.round(embedded)} events/s (${Math.round(embeddedWall)} with process start-up)`);

      const { createScratchDb, migratePg, openPg, SCRATCH_PG_ADMIN } = await import('@intersoc/storage/postgres');
      let storeKind = 'SQLite (shared folder; PostgreSQL unreachable)';
      const scaled = async (workers: number): Promise<{ eps: number; cpu: CpuReport }> => {
        const port = await freePort();
        const js = path.join(work, `nats-${workers}`);
        const nats = proc('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', js]);
        children.push(nats);
        await waitFor(nats, 'Server is ready', 'nats-server');
        const db = await createScratchDb('intersoc_bench_scale');
        let store = `sqlite:${path.join(work, `store-${workers}`)}`;
        if (!('unavailable' in db)) {
          await migratePg(db.url);
          store = db.url;
          storeKind = 'PostgreSQL (scratch database)';
        }
        // The backends of this run's database, and the server's writers every database shares.
        const admin = 'unavailable' in db ? undefined : openPg(SCRATCH_PG_ADMIN, { max: 1 });
        const dbName = 'unavailable' in db ? '' : new URL(db.url).pathname.slice(1);
        const sampler = new CpuSampler(async () => {
          if (admin === undefined) return [];
          const rows = await admin<{ pid: number; datname: string | null; backend_type: string }[]>`
            SELECT pid, datname, backend_type FROM pg_stat_activity WHERE pid <> pg_backend_pid()`;
          return rows.flatMap((r) =>
            r.datname === dbName
              ? [{ pid: r.pid, group: 'postgres_backends' }]
              : ['checkpointer', 'background writer', 'walwriter'].includes(r.backend_type)
                ? [{ pid: r.pid, group: 'postgres_shared' }]
                : [],
          );
        });
        sampler.track(nats.pid, 'nats');
        try {
          const bus = `nats://127.0.0.1:${port}`;
          const ws: ChildProcess[] = [];
          for (let i = 0; i < workers; i++) {
            const w = proc(
              process.execPath,
              [
                CLI,
                'serve',
                '--role',
                'detect',
                '--bus',
                bus,
                '--store',
                store,
                '--data',
                path.join(work, `d${workers}-${i}`),
              ],
              env,
            );
            children.push(w);
            ws.push(w);
            sampler.track(w.pid, 'detect');
            await waitFor(w, 'detect: worker in group', 'detect worker');
          }
          sampler.start();
          t = performance.now();
          const ingest = proc(
            process.execPath,
            [CLI, 'ingest', input, '--bus', bus, '--data', path.join(work, `i${workers}`), '--json'],
            env,
          );
          sampler.track(ingest.pid, 'ingest');
          await exit(ingest, 'bus ingest');
          const eps = events / ((performance.now() - t) / 1000);
          const cpu = sampler.stop();
          o.log(
            `scale: 1 ingest + ${workers} detect: ${Math.round(eps)} events/s (${store.startsWith('sqlite') ? 'SQLite' : 'PostgreSQL'})`,
          );
          for (const w of ws) w.kill('SIGTERM');
          nats.kill('SIGTERM');
          return { eps, cpu };
        } finally {
          await admin?.end({ timeout: 5 });
          if (!('unavailable' in db)) await db.drop();
        }
      };
      const oneRun = await scaled(1);
      const twoRun = await scaled(2);
      const one = oneRun.eps;
      const two = twoRun.eps;
      const readTwo = readScaleRun(events, two, twoRun.cpu);
      return benchResult({
        name: 'scale',
        unit: 'events/s',
        value: Math.round(two),
        baseline_value: Math.round(embedded),
        extra: {
          events,
          input: { mordor: data.mordor, simulated: data.simulated, simulated_by_format: data.simulatedByFormat },
          embedded_events_per_s: Math.round(embedded),
          embedded_with_startup_events_per_s: Math.round(embeddedWall),
          one_detect_events_per_s: Math.round(one),
          two_detect_events_per_s: Math.round(two),
          ratio_two_vs_one: Math.round((two / one) * 1000) / 1000,
          ratio_one_vs_embedded: Math.round((one / embedded) * 1000) / 1000,
          store: storeKind,
          // Per set-up: CPU seconds per process group over the run, machine busy cores, load.
          cpu: { embedded: embeddedReport, one_detect: oneRun.cpu, two_detect: twoRun.cpu },
          reading: {
            embedded: readScaleRun(events, embedded, embeddedReport),
            one_detect: readScaleRun(events, one, oneRun.cpu),
            two_detect: readTwo,
          },
          // From the two-worker run's CPU per event, on cores given to the pipeline alone.
          projection: projectCores(readTwo.cpu_us_per_event, [2, 4, 8, 16]),
          shared_machine:
            "the machine is shared with other engineers' work: untracked_cpu_s and the load averages say how much",
        },
      });
    } finally {
      for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
      rmSync(work, { recursive: true, force: true });
    }
  },
};
