/**
 * Test-only: runs the `intersoc` CLI as child processes for the cross-process tests (the
 * scale-out and correlate takeover tests start `serve --role ...` workers and `ingest --bus`
 * the same way), capturing their output and recording each child so the test can kill it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'bin/intersoc');

/** How a CLI process ended, with everything it printed. */
export interface CliResult {
  code: number | null;
  out: string;
  err: string;
}

/** Starts the CLI with `args`; `done` settles when it exits. */
export type CliRun = (args: string[]) => { child: ChildProcess; done: Promise<CliResult> };

/** A `CliRun` with environment `env` that pushes every child it starts onto `children`. */
export function cliRunner(env: NodeJS.ProcessEnv, children: ChildProcess[]): CliRun {
  return (args) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
    const done = new Promise<CliResult>((resolve) => child.once('exit', (code) => resolve({ code, out, err })));
    return { child, done };
  };
}

const logs = new WeakMap<ChildProcess, () => string>();

/** What a role started by `startRole` printed on stderr so far. */
export function roleLog(child: ChildProcess): string {
  return logs.get(child)?.() ?? '';
}

/** The `/metrics` address a role started with `--metrics-port` printed, or undefined. */
export function roleMetricsUrl(child: ChildProcess): string | undefined {
  return /metrics: (http:\S+)/.exec(roleLog(child))?.[1];
}

/**
 * Starts `serve --role name` and resolves once it logged its start line (`name: ...` on
 * stderr), and its metrics address when `args` asks for `--metrics-port`, within two minutes.
 * `args` are appended to the command line; `what` names the role in the errors.
 */
export async function startRole(
  run: CliRun,
  name: 'detect' | 'correlate',
  opts: { bus: string; store: string; data: string; what?: string; args?: readonly string[] },
): Promise<ChildProcess> {
  const what = opts.what ?? name;
  const extra = opts.args ?? [];
  const { child, done } = run([
    'serve',
    '--role',
    name,
    '--bus',
    opts.bus,
    '--store',
    opts.store,
    '--data',
    opts.data,
    ...extra,
  ]);
  let err = '';
  child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
  logs.set(child, () => err);
  const end = Date.now() + 120_000;
  const started = (): boolean =>
    err.includes(`${name}: `) && (!extra.includes('--metrics-port') || err.includes('metrics: '));
  while (!started()) {
    if (child.exitCode !== null) throw new Error(`${what} exited: ${(await done).err}`);
    if (Date.now() > end) throw new Error(`${what} did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return child;
}
