/**
 * @module
 * The node's agent registry and secrets, per tenant, in the data folder:
 * `<data>/respond/<tenant>/agents.json` (what each playbook agent is on this node: an HTTP or
 * OpenC2 endpoint, a local shell, an SSH host, an nftables firewall, a webhook, an SMTP relay, a
 * host-isolation agent) and `<data>/respond/<tenant>/secrets.json` (mode 0600: passwords, keys
 * and tokens by name, which playbooks reference through `kms_key_identifier` and registrations
 * through `secret`/`password`/`authorization`). Nothing acts on a system that is not listed here.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AppError, TENANT_PATTERN } from '@intersoc/core';
import type { AgentTarget } from '../cacao/types.js';
import { HttpAgentSchema } from '../commands/endpoint.js';
import { LocalShellSchema } from '../commands/shell/bash.js';
import { SshAgentSchema } from '../commands/shell/ssh.js';
import type { AgentDirectory, RegisteredAgent } from '../commands/types.js';
import { IsolationAgentSchema } from '../connectors/isolation/index.js';
import { NftAgentSchema } from '../connectors/nftables/index.js';
import { SmtpAgentSchema } from '../connectors/smtp/index.js';
import { WebhookAgentSchema } from '../connectors/webhook/index.js';

/** One registration, of any kind. */
export const RegistrationSchema = z.discriminatedUnion('kind', [
  HttpAgentSchema.extend({ kind: z.literal('http') }),
  HttpAgentSchema.extend({ kind: z.literal('openc2') }),
  LocalShellSchema,
  SshAgentSchema,
  NftAgentSchema,
  WebhookAgentSchema,
  SmtpAgentSchema,
  IsolationAgentSchema,
]);

const FileSchema = z.object({ agents: z.array(RegistrationSchema).max(1000) });
const SecretsSchema = z.record(z.string().max(256), z.string().max(65_536));

/** The folder of a tenant's respond files. */
export function respondDir(dataDir: string, tenant: string): string {
  if (!TENANT_PATTERN.test(tenant)) throw new AppError('VALIDATION', `invalid tenant ${tenant}`);
  return path.join(dataDir, 'respond', tenant);
}

interface Cached<T> {
  readonly mtime: number;
  readonly value: T;
}

/** The registry over the data folder (files are re-read when they change). */
export class FileAgentDirectory implements AgentDirectory {
  readonly #data: string;
  readonly #agents = new Map<string, Cached<RegisteredAgent[]>>();
  readonly #secrets = new Map<string, Cached<Record<string, string>>>();

  constructor(dataDir: string) {
    this.#data = dataDir;
  }

  /** Registrations of a tenant; CONFIG when the file is invalid. */
  agents(tenant: string): RegisteredAgent[] {
    const file = path.join(respondDir(this.#data, tenant), 'agents.json');
    return this.#read(this.#agents, file, [], (text) => {
      const r = FileSchema.safeParse(JSON.parse(text));
      if (!r.success) {
        throw new AppError(
          'CONFIG',
          `${file}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        );
      }
      return r.data.agents as RegisteredAgent[];
    });
  }

  agent(tenant: string, id: string, def: AgentTarget | undefined): RegisteredAgent | undefined {
    const all = this.agents(tenant);
    return all.find((a) => a.match === id) ?? (def?.name ? all.find((a) => a.match === def.name) : undefined);
  }

  secret(tenant: string, ref: string): string | undefined {
    const file = path.join(respondDir(this.#data, tenant), 'secrets.json');
    const all = this.#read(this.#secrets, file, {}, (text) => {
      const r = SecretsSchema.safeParse(JSON.parse(text));
      if (!r.success) throw new AppError('CONFIG', `${file}: not an object of secret names to values`);
      return r.data;
    });
    return Object.hasOwn(all, ref) ? all[ref] : undefined;
  }

  /** Stores secrets (merged), owner-readable only. */
  putSecrets(tenant: string, values: Readonly<Record<string, string>>): void {
    const dir = respondDir(this.#data, tenant);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = path.join(dir, 'secrets.json');
    const current = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
    writeFileSync(file, `${JSON.stringify({ ...current, ...values }, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    this.#secrets.delete(file);
  }

  /** Replaces a tenant's registrations (validated first). */
  putAgents(tenant: string, agents: readonly unknown[]): void {
    const r = FileSchema.safeParse({ agents });
    if (!r.success)
      throw new AppError('VALIDATION', r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const dir = respondDir(this.#data, tenant);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = path.join(dir, 'agents.json');
    writeFileSync(file, `${JSON.stringify({ agents }, null, 2)}\n`, { mode: 0o600 });
    this.#agents.delete(file);
  }

  #read<T>(cache: Map<string, Cached<T>>, file: string, empty: T, parse: (text: string) => T): T {
    let mtime: number;
    try {
      mtime = statSync(file).mtimeMs;
    } catch {
      return empty;
    }
    const hit = cache.get(file);
    if (hit && hit.mtime === mtime) return hit.value;
    let value: T;
    try {
      value = parse(readFileSync(file, 'utf8'));
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new AppError('CONFIG', `${file}: ${(err as Error).message}`);
    }
    cache.set(file, { mtime, value });
    return value;
  }
}
