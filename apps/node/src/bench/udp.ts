/**
 * @module
 * `bench udp`: the syslog UDP rate a node holds without losing a datagram. A sender process
 * paces realistic syslog datagrams at rising rates (3 s per step) at a node's UDP source (the
 * journal, parse worker, default detectors and writer, as `serve` runs them); a step passes when
 * every datagram is stored. Losses are split into the kernel's (socket buffer full, read from
 * /proc/net/udp) and ours (pipeline full). Baseline, same run: the highest rate a bare Node UDP
 * socket that only counts datagrams receives without loss, so the ratio says what share of the
 * runtime's own receive capacity the node keeps.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigSchema } from '@intersoc/core';
import { kernelUdpDrops, startUdpSource } from '@intersoc/ingest';
import { DurableIngest } from '../node/durable-ingest.js';
import { workerCount } from '../node/options.js';
import { startPipeline } from '../node/start-pipeline.js';
import { benchResult, type BenchModule, type BenchOptions } from './types.js';

const STEP_SECONDS = 3;

/** The pacing sender, run as its own process: args port rate count. Prints the seconds taken. */
const SENDER = `
const { createSocket } = require('node:dgram');
const [port, rate, count] = process.argv.slice(1).map(Number);
const s = createSocket('udp4');
const host = 'fw' + process.pid;
let sent = 0, done = 0, errors = 0;
const t0 = process.hrtime.bigint();
const tick = () => {
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  const due = Math.min(count, Math.floor(elapsed * rate) + 1);
  while (sent < due && sent - done < 4096) {
    const i = sent++;
    const msg = '<38>Jan  7 10:00:00 ' + host + ' sshd[' + (1000 + (i % 5000)) + ']: Failed password for invalid user u' + (i % 97) + ' from 198.51.100.' + (i % 250) + ' port ' + (1024 + (i % 60000)) + ' ssh2 seq=' + i;
    s.send(msg, port, '127.0.0.1', (err) => { if (err) errors++; done++; if (done === count) { s.close(); process.stdout.write(JSON.stringify({ seconds: Number(process.hrtime.bigint() - t0) / 1e9, errors })); } });
  }
  if (sent < count) setImmediate(tick);
};
tick();
`;

function send(port: number, rate: number, count: number): Promise<{ seconds: number; errors: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', SENDER, String(port), String(rate), String(count)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as { seconds: number; errors: number })
        : reject(new Error(`sender exited ${code}`)),
    );
  });
}

/** Waits until `read()` stops growing (or reaches `target`). */
async function settle(read: () => number, target: number): Promise<number> {
  let last = -1;
  let quiet = 0;
  // Quiet for 3 s: a busy machine can stall the receiving loop for a second.
  while (quiet < 30) {
    const now = read();
    if (now >= target) return now;
    quiet = now === last ? quiet + 1 : 0;
    last = now;
    await new Promise((r) => setTimeout(r, 100));
  }
  return last;
}

interface Step {
  readonly rate: number;
  readonly sent: number;
  readonly got: number;
  readonly kernelDropped: number;
  readonly pipelineDropped: number;
  readonly sendSeconds: number;
  /** Sends the sender's own socket refused (not the receiver's loss). */
  readonly sendErrors: number;
}

/** Bare socket: counts datagrams and nothing else. */
async function bareStep(rate: number): Promise<Step> {
  const sock = createSocket('udp4');
  let got = 0;
  sock.on('message', () => got++);
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  sock.setRecvBufferSize(32 * 1024 * 1024);
  const port = sock.address().port;
  const k0 = kernelUdpDrops(port) ?? 0;
  const count = rate * STEP_SECONDS;
  const sent = await send(port, rate, count);
  await settle(() => got + ((kernelUdpDrops(port) ?? 0) - k0), count - sent.errors);
  const kernelDropped = (kernelUdpDrops(port) ?? 0) - k0;
  sock.close();
  return {
    rate,
    sent: count - sent.errors,
    got,
    kernelDropped,
    pipelineDropped: 0,
    sendSeconds: sent.seconds,
    sendErrors: sent.errors,
  };
}

/** A node's UDP ingest: journal, parse worker(s), detectors, writer. */
async function nodeStep(o: BenchOptions, rate: number): Promise<Step> {
  const data = mkdtempSync(path.join(tmpdir(), 'intersoc-bench-udp-'));
  try {
    const config = ConfigSchema.parse({ data });
    const pipeline = await startPipeline(config, { workers: workerCount(config), lockedBy: 'bench' });
    const durable = await DurableIngest.start(pipeline, data, { checkpointMs: 2_000, onError: () => undefined });
    const src = await startUdpSource({ host: '127.0.0.1', port: 0, tenant: 'bench' }, durable.sink());
    const count = rate * STEP_SECONDS;
    const sent = await send(src.port, rate, count);
    await settle(() => src.counters.received + (src.counters.kernelDropped ?? 0), count - sent.errors);
    await src.close();
    await durable.close();
    await pipeline.flush();
    const got = pipeline.stats.stored.events;
    o.log(
      `  received ${src.counters.received}, parsed ${pipeline.stats.parsed.events}, dead letters ${pipeline.stats.parsed.deadLetters}, duplicates ${pipeline.stats.stored.duplicates}`,
    );
    const step = {
      rate,
      sent: count - sent.errors,
      got,
      kernelDropped: src.counters.kernelDropped ?? 0,
      pipelineDropped: src.counters.dropped + pipeline.stats.udpDropped,
      sendSeconds: sent.seconds,
      sendErrors: sent.errors,
    };
    await pipeline.close();
    return step;
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
}

/** Highest rate of `rates` (ascending) held without loss, refined by bisection below the first loss. */
async function heldRate(
  o: BenchOptions,
  label: string,
  step: (rate: number) => Promise<Step>,
  rates: readonly number[],
  refine: number,
): Promise<{ held: number; steps: Step[] }> {
  const steps: Step[] = [];
  const run = async (rate: number): Promise<boolean> => {
    const s = await step(rate);
    steps.push(s);
    // The sender itself may fall behind its pace on a busy machine: then the step says nothing.
    const paced = s.sendSeconds <= STEP_SECONDS * 1.25;
    o.log(
      `${label} ${rate}/s: stored ${s.got}/${s.sent}, kernel dropped ${s.kernelDropped}, pipeline dropped ${s.pipelineDropped}, sent in ${s.sendSeconds.toFixed(2)} s (${s.sendErrors} send errors)${paced ? '' : ' (sender behind pace)'}`,
    );
    return s.got === s.sent && s.sendErrors === 0 && paced;
  };
  let good = 0;
  let bad = 0;
  for (const r of rates) {
    if (await run(r)) good = r;
    else {
      bad = r;
      break;
    }
  }
  for (let i = 0; i < refine && bad > 0; i++) {
    const mid = Math.round((good + bad) / 2 / 1000) * 1000;
    if (mid <= good || mid >= bad) break;
    if (await run(mid)) good = mid;
    else bad = mid;
  }
  return { held: good, steps };
}

export const bench: BenchModule = {
  description: 'syslog UDP: highest rate stored without loss, vs a bare socket in the same run',
  async run(o) {
    const rates = o.quick ? [5_000, 20_000] : [10_000, 20_000, 40_000, 60_000, 90_000, 130_000, 180_000];
    const refine = o.quick ? 0 : 2;
    const bare = await heldRate(o, 'bare socket', bareStep, rates, refine);
    const node = await heldRate(o, 'node', (r) => nodeStep(o, r), rates, refine);
    return benchResult({
      name: 'udp',
      unit: 'datagrams/s held without loss',
      value: node.held,
      baseline_value: bare.held,
      extra: {
        step_seconds: STEP_SECONDS,
        node_steps: node.steps,
        bare_steps: bare.steps,
        note: 'rates stop at the first loss; the kernel buffer granted is capped by net.core.rmem_max',
      },
    });
  },
};
