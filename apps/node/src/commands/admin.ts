/**
 * @module
 * `intersoc admin tenant|user|token|audit ...`: manages tenants, users and API tokens in the
 * node database (`<data>/intersoc.db`), or in the PostgreSQL store of a scale-out node
 * (`--store postgres://…`, `store.url`, `INTERSOC_STORE_URL`), and checks the audit chain. Works
 * beside a running server (SQLite WAL). Passwords are read from standard input, never from arguments (which `ps` shows)
 * and never echoed; token secrets are printed once. Every change is written to the audit log.
 */
import { userInfo } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { AppError, DEFAULT_TENANT, isoTime, ROLES, systemContext, TENANT_PATTERN } from '@intersoc/core';
import type { AuthContext, Role } from '@intersoc/core';
import { NODE_DB_FILE, openDatabase } from '@intersoc/storage';
import type { AuthStores, JsonValue } from '@intersoc/storage';
import { openAuditKeyRing, openNodeAuthStores } from '../node/audit-keys.js';
import { configFor, dataOptions as nodeDataOptions } from '../node/options.js';
import type { DataFlags } from '../node/options.js';
import { storeTarget } from '../node/store-url.js';

/** Where the command reads and writes; tests pass their own streams. */
export interface AdminIo {
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

interface AdminFlags extends DataFlags {
  readonly tenant?: string;
  readonly store?: string;
}

/** `--data`, `--config`, `--json`, and `--store` for the identity stores of a scale-out node. */
function dataOptions(cmd: Command): Command {
  return nodeDataOptions(cmd).option('--store <url>', 'postgres://… (default: the node database in --data)');
}

const processIo: AdminIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };

function tenantOf(flags: AdminFlags): string {
  const t = flags.tenant ?? DEFAULT_TENANT;
  if (!TENANT_PATTERN.test(t)) throw new AppError('VALIDATION', `--tenant: invalid tenant name "${t}"`);
  return t;
}

function roleArg(r: string): Role {
  if (!ROLES.includes(r as Role)) throw new AppError('VALIDATION', `role must be one of ${ROLES.join(', ')}`);
  return r as Role;
}

/** `90d`, `12h`, `30m`, `45s`, `2w` or plain seconds, as seconds. */
export function durationSeconds(v: string): number {
  const m = /^(\d+)([smhdw]?)$/.exec(v.trim());
  if (!m) throw new AppError('VALIDATION', `not a duration: ${v} (e.g. 90d, 12h, 3600)`);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }[m[2] as '' | 's' | 'm' | 'h' | 'd' | 'w'];
  const s = Number(m[1]) * unit;
  if (s < 60) throw new AppError('VALIDATION', 'token lifetime must be at least 60 seconds');
  return s;
}

/**
 * Reads a password: from a terminal without echo (asked twice), otherwise the first line of
 * standard input, so `printf '%s\n' "$PW" | intersoc admin user add ...` works in scripts.
 */
export async function readPassword(io: AdminIo, label: string): Promise<string> {
  if (io.stdin.isTTY === true && io.stdin.setRawMode) {
    const first = await promptHidden(io, `Password for ${label}: `);
    const second = await promptHidden(io, 'Repeat: ');
    if (first !== second) throw new AppError('VALIDATION', 'passwords do not match');
    return first;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  const password = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  if (password.length === 0) {
    throw new AppError('VALIDATION', 'no password on standard input (use --no-password for a token-only account)');
  }
  return password;
}

function promptHidden(io: AdminIo, prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = io.stdin;
    let value = '';
    io.stderr.write(prompt);
    stdin.setRawMode?.(true);
    stdin.resume();
    const done = (err?: AppError): void => {
      stdin.removeListener('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      io.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new AppError('BAD_REQUEST', 'cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** Opens the node database (or the PostgreSQL store), runs `fn` with the identity stores, and closes it. */
async function withStores<T>(flags: AdminFlags, fn: (stores: AuthStores) => Promise<T>): Promise<T> {
  const config = configFor(flags);
  const target = storeTarget(config, flags.store);
  if (target.kind === 'postgres') {
    // Loaded only here: the embedded node never loads the PostgreSQL client.
    const { openPgAuthStores } = await import('@intersoc/storage/postgres');
    const stores = openPgAuthStores(target.url, { auditKeys: openAuditKeyRing(config.data) });
    try {
      return await fn(stores);
    } finally {
      await stores.close();
    }
  }
  const db = openDatabase(path.join(config.data, NODE_DB_FILE));
  try {
    return await fn(openNodeAuthStores(db, config.data));
  } finally {
    db.close();
  }
}

/** Runs a change and appends its audit entry, success or failure, to `tenant`'s log. */
async function audited<T>(
  stores: AuthStores,
  tenant: string,
  action: string,
  target: string | ((result: T) => string),
  details: Record<string, JsonValue>,
  fn: () => Promise<T>,
): Promise<T> {
  let osUser = 'unknown';
  try {
    osUser = userInfo().username;
  } catch {
    // Some containers have no passwd entry for the uid; the entry still names the CLI.
  }
  // A change aimed at a tenant that does not exist is logged by the operator's tenant instead,
  // so mistyped names do not start chains of their own.
  const known = (await stores.tenants.get(systemContext(DEFAULT_TENANT), tenant)) !== undefined;
  const entry = { tenant: known ? tenant : DEFAULT_TENANT, actor: 'system', actorTenant: DEFAULT_TENANT, action };
  let result: T;
  try {
    result = await fn();
  } catch (err) {
    const code = err instanceof AppError ? err.code : 'INTERNAL';
    await stores.audit.append({
      ...entry,
      ...(typeof target === 'string' ? { target } : {}),
      outcome: 'failure',
      details: { ...details, via: 'cli', osUser, error: code },
    });
    await stores.audit.checkpoint();
    throw err;
  }
  const name = typeof target === 'string' ? target : target(result);
  await stores.audit.append({
    ...entry,
    target: name,
    outcome: 'success',
    details: { ...details, via: 'cli', osUser },
  });
  // Sign the new head at once: the CLI may run while no server is there to checkpoint it.
  await stores.audit.checkpoint();
  return result;
}

function out(io: AdminIo, flags: DataFlags, value: unknown, text: string): void {
  io.stdout.write(flags.json ? `${JSON.stringify(value)}\n` : `${text}\n`);
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows.reduce<number[]>((w, r) => r.map((c, i) => Math.max(w[i] ?? 0, c.length)), []);
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const when = (t: number | null): string => (t === null ? '-' : isoTime(t));

function tenantCommands(admin: Command, io: AdminIo): void {
  const tenant = admin.command('tenant').description('manage tenants (organisations)');
  dataOptions(tenant.command('add').argument('<name>').option('--display-name <text>', 'human name'))
    .description('create a tenant')
    .action(async (name: string, flags: AdminFlags & { displayName?: string }) => {
      const t = await withStores(flags, (s) =>
        audited(s, DEFAULT_TENANT, 'tenant.create', name, {}, () =>
          s.tenants.create(systemContext(DEFAULT_TENANT), {
            name,
            ...(flags.displayName === undefined ? {} : { displayName: flags.displayName }),
          }),
        ),
      );
      out(io, flags, t, `tenant ${t.name} created`);
    });
  dataOptions(tenant.command('list'))
    .description('list tenants')
    .action(async (flags: AdminFlags) => {
      const items = await withStores(flags, (s) => s.tenants.list(systemContext(DEFAULT_TENANT)));
      const rows = items.map((t) => [t.name, t.displayName, t.disabled ? 'disabled' : 'enabled', isoTime(t.created)]);
      out(io, flags, { items }, table([['NAME', 'DISPLAY NAME', 'STATE', 'CREATED'], ...rows]));
    });
  for (const [verb, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    dataOptions(tenant.command(verb).argument('<name>'))
      .description(`${verb} a tenant (its users and tokens ${disabled ? 'stop' : 'start'} working)`)
      .action(async (name: string, flags: AdminFlags) => {
        const t = await withStores(flags, (s) =>
          audited(s, DEFAULT_TENANT, 'tenant.update', name, { disabled }, () =>
            s.tenants.update(systemContext(DEFAULT_TENANT), name, { disabled }),
          ),
        );
        out(io, flags, t, `tenant ${t.name} ${verb}d`);
      });
  }
}

function userCommands(admin: Command, io: AdminIo): void {
  const user = admin.command('user').description('manage users');
  const withTenant = (c: Command): Command => dataOptions(c.option('--tenant <name>', 'tenant', DEFAULT_TENANT));
  withTenant(
    user
      .command('add')
      .argument('<name>')
      .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
      .option('--no-password', 'token-only service account: read no password'),
  )
    .description('create a user; the password is read from standard input')
    .action(async (name: string, flags: AdminFlags & { role: string; password: boolean }) => {
      const tenant = tenantOf(flags);
      const role = roleArg(flags.role);
      const password = flags.password ? await readPassword(io, `${tenant}/${name}`) : undefined;
      const u = await withStores(flags, (s) =>
        audited(s, tenant, 'user.create', name, { role }, () =>
          s.users.create(systemContext(tenant), { name, role, ...(password === undefined ? {} : { password }) }),
        ),
      );
      out(io, flags, u, `user ${u.name} (${u.role}) created in ${u.tenant}`);
    });
  withTenant(user.command('list'))
    .description('list the users of a tenant')
    .action(async (flags: AdminFlags) => {
      const items = await withStores(flags, (s) => s.users.list(systemContext(tenantOf(flags))));
      const rows = items.map((u) => [
        u.name,
        u.role,
        u.disabled ? 'disabled' : 'enabled',
        u.hasPassword ? 'yes' : 'no',
      ]);
      out(io, flags, { items }, table([['NAME', 'ROLE', 'STATE', 'PASSWORD'], ...rows]));
    });
  withTenant(user.command('set-role').argument('<name>').argument('<role>'))
    .description("change a user's role")
    .action(async (name: string, roleText: string, flags: AdminFlags) => {
      const tenant = tenantOf(flags);
      const role = roleArg(roleText);
      const u = await withStores(flags, (s) =>
        audited(s, tenant, 'user.update', name, { role }, () => s.users.update(systemContext(tenant), name, { role })),
      );
      out(io, flags, u, `user ${u.name} is now ${u.role}`);
    });
  withTenant(user.command('passwd').argument('<name>'))
    .description("set a user's password from standard input (ends their sessions)")
    .action(async (name: string, flags: AdminFlags) => {
      const tenant = tenantOf(flags);
      const password = await readPassword(io, `${tenant}/${name}`);
      const u = await withStores(flags, (s) =>
        audited(s, tenant, 'user.update', name, { passwordChanged: true }, () =>
          s.users.update(systemContext(tenant), name, { password }),
        ),
      );
      out(io, flags, u, `password of ${u.name} changed`);
    });
  for (const [verb, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    withTenant(user.command(verb).argument('<name>'))
      .description(`${verb} a user${disabled ? ' (ends their sessions; their tokens stop working)' : ''}`)
      .action(async (name: string, flags: AdminFlags) => {
        const tenant = tenantOf(flags);
        const u = await withStores(flags, (s) =>
          audited(s, tenant, 'user.update', name, { disabled }, () =>
            s.users.update(systemContext(tenant), name, { disabled }),
          ),
        );
        out(io, flags, u, `user ${u.name} ${verb}d`);
      });
  }
}

function tokenCommands(admin: Command, io: AdminIo): void {
  const token = admin.command('token').description('manage API tokens');
  const withTenant = (c: Command): Command => dataOptions(c.option('--tenant <name>', 'tenant', DEFAULT_TENANT));
  withTenant(
    token
      .command('add')
      .requiredOption('--user <name>', 'owner of the token')
      .option('--name <label>', 'label, e.g. prometheus', 'cli')
      .option('--expires-in <duration>', 'lifetime, e.g. 90d, 12h (default: no expiry)'),
  )
    .description('create an API token and print its secret once')
    .action(async (flags: AdminFlags & { user: string; name: string; expiresIn?: string }) => {
      const tenant = tenantOf(flags);
      const expires = flags.expiresIn === undefined ? undefined : Date.now() + durationSeconds(flags.expiresIn) * 1000;
      const created = await withStores(flags, (s) =>
        audited(
          s,
          tenant,
          'token.create',
          (r) => r.token.id,
          { user: flags.user, name: flags.name },
          () =>
            s.tokens.create(systemContext(tenant), {
              user: flags.user,
              name: flags.name,
              ...(expires === undefined ? {} : { expires }),
            }),
        ),
      );
      if (flags.json) {
        io.stdout.write(`${JSON.stringify(created)}\n`);
      } else {
        // The secret alone on stdout, so `TOKEN=$(intersoc admin token add ...)` captures just it.
        io.stdout.write(`${created.secret}\n`);
        io.stderr.write(
          `token ${created.token.id} for ${tenant}/${created.token.user}; store it now, it is not shown again\n`,
        );
      }
    });
  withTenant(token.command('list').option('--user <name>', 'only this user'))
    .description('list API tokens (never their secrets)')
    .action(async (flags: AdminFlags & { user?: string }) => {
      const ctx: AuthContext = systemContext(tenantOf(flags));
      const items = await withStores(flags, (s) =>
        s.tokens.list(ctx, flags.user === undefined ? {} : { user: flags.user }),
      );
      const rows = items.map((t) => [
        t.id,
        t.user,
        t.name,
        t.revoked === null ? 'active' : 'revoked',
        when(t.expires),
        when(t.lastUsed),
      ]);
      out(io, flags, { items }, table([['ID', 'USER', 'NAME', 'STATE', 'EXPIRES', 'LAST USED'], ...rows]));
    });
  withTenant(token.command('revoke').argument('<id>'))
    .description('revoke an API token')
    .action(async (id: string, flags: AdminFlags) => {
      const tenant = tenantOf(flags);
      const t = await withStores(flags, (s) =>
        audited(s, tenant, 'token.revoke', id, {}, () => s.tokens.revoke(systemContext(tenant), id)),
      );
      out(io, flags, t, `token ${t.id} revoked`);
    });
}

function auditCommands(admin: Command, io: AdminIo): void {
  const audit = admin.command('audit').description('read and verify the audit log');
  dataOptions(audit.command('verify').option('--tenant <name>', 'only this tenant (default: every tenant)'))
    .description('recompute the hash chains; exits 1 when one is broken')
    .action(async (flags: AdminFlags) => {
      const results = await withStores(flags, async (s) => {
        const names =
          flags.tenant === undefined
            ? (await s.tenants.list(systemContext(DEFAULT_TENANT))).map((t) => t.name)
            : [tenantOf(flags)];
        return Promise.all(names.map((n) => s.audit.verify(systemContext(n))));
      });
      const lines = results.map((r) =>
        r.ok
          ? `${r.tenant}: ok, ${r.entries} entries, head ${r.head}, ${r.checkpoints ?? 0} signed checkpoints` +
            (r.latestCheckpoint
              ? ` (newest at entry ${r.latestCheckpoint.seq}, ${isoTime(r.latestCheckpoint.time)})`
              : '')
          : `${r.tenant}: BROKEN at ${r.brokenAt}: ${r.reason}`,
      );
      out(io, flags, { items: results }, lines.join('\n'));
      const broken = results.filter((r) => !r.ok).map((r) => r.tenant);
      if (broken.length > 0) throw new AppError('STORAGE', `audit chain broken for ${broken.join(', ')}`);
    });
  dataOptions(
    audit
      .command('list')
      .option('--tenant <name>', 'tenant', DEFAULT_TENANT)
      .option('--limit <n>', 'entries', '50')
      .option('--action <action>', 'only this action'),
  )
    .description('show the newest audit entries')
    .action(async (flags: AdminFlags & { limit: string; action?: string }) => {
      const page = await withStores(flags, (s) =>
        s.audit.list(systemContext(tenantOf(flags)), {
          limit: Number(flags.limit) || 50,
          ...(flags.action === undefined ? {} : { action: flags.action }),
        }),
      );
      const rows = page.items.map((e) => [
        String(e.seq),
        isoTime(e.time),
        `${e.actor}@${e.actorTenant}`,
        e.action,
        e.target ?? '-',
        e.outcome,
      ]);
      out(io, flags, page, table([['SEQ', 'TIME', 'ACTOR', 'ACTION', 'TARGET', 'OUTCOME'], ...rows]));
    });
}

/** Adds the `admin` subcommand tree. */
export function register(program: Command, io: AdminIo = processIo): void {
  const admin = program.command('admin').description('manage tenants, users, API tokens and the audit log');
  tenantCommands(admin, io);
  userCommands(admin, io);
  tokenCommands(admin, io);
  auditCommands(admin, io);
}
