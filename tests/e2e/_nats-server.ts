/**
 * Test-only: a real `nats-server -js` owned by one test file, on a free port with its own store
 * directory, that can be killed with SIGKILL and restarted on the same port and store. (The bus
 * package keeps its own copy private; this one serves the cross-process tests.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Path of the nats-server binary, or undefined when it is not installed. */
export function findNatsServer(): string | undefined {
  const candidates = [
    process.env['NATS_SERVER_BIN'],
    ...(process.env['PATH'] ?? '').split(delimiter).map((d) => join(d, 'nats-server')),
    '/usr/sbin/nats-server',
    '/usr/bin/nats-server',
  ];
  return candidates.find((c): c is string => c !== undefined && c !== '' && existsSync(c));
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A test-owned nats-server process. */
export class TestNatsServer {
  private proc: ChildProcess | undefined;

  private constructor(
    private readonly bin: string,
    readonly port: number,
    readonly storeDir: string,
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  static async start(bin: string): Promise<TestNatsServer> {
    const s = new TestNatsServer(bin, await freePort(), mkdtempSync(join(tmpdir(), 'intersoc-nats-')));
    await s.launch();
    return s;
  }

  /** Starts (or restarts) the process and waits for its "ready" line. */
  async launch(): Promise<void> {
    const proc = spawn(this.bin, ['-js', '-a', '127.0.0.1', '-p', String(this.port), '-sd', this.storeDir], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.proc = proc;
    let log = '';
    await new Promise<void>((resolve, reject) => {
      proc.stderr?.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes('Server is ready')) resolve();
      });
      proc.once('exit', (code) => reject(new Error(`nats-server exited (${String(code)}): ${log.slice(-2000)}`)));
    });
  }

  /** SIGKILL: no graceful flush, like a machine losing the process. */
  async kill(): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    if (proc === undefined || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGKILL');
    await exited;
  }

  /** Kills the process and removes the store. */
  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}
