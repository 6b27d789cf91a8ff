/**
 * @module
 * `ssh` commands run on a host registered on purpose, with its host key pinned (SHA-256
 * fingerprint, as `ssh-keygen -lf` prints it): an unknown or changed host key refuses the
 * connection. The password or private key comes from the node's secrets by reference.
 */
import { createHash } from 'node:crypto';
import { Client } from 'ssh2';
import { z } from 'zod';
import type { ApprovalPolicy } from '../../engine/types.js';
import { CommandError, type CommandContext, type CommandExecutor } from '../types.js';
import { scriptOf } from './quote.js';

/** An SSH host registration. */
export const SshAgentSchema = z.object({
  match: z.string().min(1),
  kind: z.literal('ssh'),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(22),
  username: z.string().min(1),
  /** Secret reference of a password. */
  password: z.string().optional(),
  /** Secret reference of a private key (OpenSSH or PEM). */
  privateKey: z.string().optional(),
  /** `SHA256:<base64>` of the host key. */
  hostKey: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}=?$/),
});
/** An SSH host registration. */
export type SshAgent = z.infer<typeof SshAgentSchema>;

const MAX = 64 * 1024;

/** The OpenSSH fingerprint of a raw host key. */
export function sshFingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

function run(
  agent: SshAgent,
  secret: (ref: string) => string | undefined,
  script: string,
  signal: AbortSignal,
): Promise<{ stdout: string; code: number }> {
  const password = agent.password ? secret(agent.password) : undefined;
  const privateKey = agent.privateKey ? secret(agent.privateKey) : undefined;
  if (agent.password && password === undefined) throw new CommandError(`secret ${agent.password} is not on this node`);
  if (agent.privateKey && privateKey === undefined)
    throw new CommandError(`secret ${agent.privateKey} is not on this node`);
  return new Promise((resolve, reject) => {
    const conn = new Client();
    let settled = false;
    const done = (f: () => void): void => {
      if (settled) return;
      settled = true;
      conn.end();
      f();
    };
    signal.addEventListener(
      'abort',
      () => done(() => reject(signal.reason instanceof Error ? signal.reason : new CommandError('aborted'))),
      { once: true },
    );
    conn.on('error', (e: Error & { level?: string }) =>
      done(() =>
        reject(
          new CommandError(`ssh ${agent.host}:${agent.port}: ${e.message}`, {
            safeToRetry: e.level === 'client-socket' || e.level === 'client-timeout',
          }),
        ),
      ),
    );
    conn.on('ready', () => {
      conn.exec(script, (err, stream) => {
        if (err) return done(() => reject(new CommandError(`ssh exec: ${err.message}`)));
        let out = '';
        let errText = '';
        stream.on('data', (d: Buffer) => {
          if (out.length < MAX) out += d.toString('utf8');
        });
        stream.stderr.on('data', (d: Buffer) => {
          if (errText.length < 4096) errText += d.toString('utf8');
        });
        stream.on('close', (code: number | null) =>
          done(() =>
            code === 0
              ? resolve({ stdout: out.slice(0, MAX), code })
              : reject(new CommandError(`exit ${code ?? 'signal'}: ${errText.trim().slice(0, 500)}`)),
          ),
        );
        return undefined;
      });
    });
    conn.connect({
      host: agent.host,
      port: agent.port,
      username: agent.username,
      ...(password === undefined ? {} : { password }),
      ...(privateKey === undefined ? {} : { privateKey }),
      readyTimeout: 15_000,
      hostVerifier: (key: Buffer) => sshFingerprint(key) === agent.hostKey,
    });
  });
}

function agentOf(x: CommandContext): SshAgent {
  const r = SshAgentSchema.safeParse(x.registration);
  if (!r.success)
    throw new CommandError(
      `agent ${x.agentId ?? '(none)'} is not registered on this node as an SSH host (with its host key)`,
    );
  return r.data;
}

/** The ssh executor. */
export const sshExecutor: CommandExecutor & { approval(): ApprovalPolicy } = {
  type: 'ssh',
  idempotent: () => false,
  approval: () => 'one',
  describe: (c, x) =>
    `ssh ${x.registration ? `${String(x.registration['username'])}@${String(x.registration['host'])}` : (x.agentId ?? '?')}: ${scriptOf(c, x).slice(0, 200)}`,
  async execute(c, x) {
    const r = await run(agentOf(x), x.secret, scriptOf(c, x), x.signal);
    return { output: { exit: r.code, bytes: r.stdout.length }, text: r.stdout };
  },
};
