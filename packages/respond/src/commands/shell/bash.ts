/**
 * @module
 * `bash` commands run on an agent registered on purpose as a local shell (optionally inside a
 * network namespace): never on the node by default. The script's stdout (up to 64 KiB) goes to
 * the step's first out_arg; a non-zero exit fails the step.
 */
import { spawn } from 'node:child_process';
import { z } from 'zod';
import type { ApprovalPolicy } from '../../engine/types.js';
import { CommandError, type CommandContext, type CommandExecutor } from '../types.js';
import { scriptOf } from './quote.js';

/** A local shell registration. */
export const LocalShellSchema = z.object({
  match: z.string().min(1),
  kind: z.literal('local-shell'),
  netns: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/)
    .optional(),
  cwd: z.string().optional(),
});

const MAX = 64 * 1024;

function shellOf(x: CommandContext): z.infer<typeof LocalShellSchema> {
  const r = LocalShellSchema.safeParse(x.registration);
  if (!r.success) {
    throw new CommandError(
      `agent ${x.agentId ?? '(none)'} is not registered on this node as a local shell: bash never runs on the node by default`,
    );
  }
  return r.data;
}

/** Runs a program, collecting bounded output; rejects on a non-zero exit. */
export function runProgram(
  file: string,
  args: readonly string[],
  opts: { cwd?: string; signal: AbortSignal },
): Promise<{ stdout: string; code: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, [...args], { cwd: opts.cwd, signal: opts.signal, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      if (out.length < MAX) out += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      if (err.length < 4096) err += d.toString('utf8');
    });
    child.on('error', (e) =>
      reject(
        new CommandError(`${file}: ${e.message}`, { safeToRetry: (e as NodeJS.ErrnoException).code === 'ENOENT' }),
      ),
    );
    child.on('close', (code) => {
      if (code === 0) resolve({ stdout: out.slice(0, MAX), code: 0 });
      else reject(new CommandError(`exit ${code ?? 'signal'}: ${err.trim().slice(0, 500)}`));
    });
  });
}

/** The bash executor. */
export const bashExecutor: CommandExecutor & { approval(): ApprovalPolicy } = {
  type: 'bash',
  idempotent: () => false,
  approval: () => 'one',
  describe: (c, x) => `bash on ${x.agentId ?? '?'}: ${scriptOf(c, x).slice(0, 200)}`,
  async execute(c, x) {
    const shell = shellOf(x);
    const script = scriptOf(c, x);
    const [file, args] = shell.netns
      ? ['ip', ['netns', 'exec', shell.netns, 'bash', '-c', script]]
      : ['bash', ['-c', script]];
    const r = await runProgram(file, args, { ...(shell.cwd ? { cwd: shell.cwd } : {}), signal: x.signal });
    return { output: { exit: r.code, bytes: r.stdout.length }, text: r.stdout };
  },
};
