/**
 * @module
 * Linux host telemetry: commands as auditd execve events (SYSCALL, EXECVE, CWD, PATH,
 * PROCTITLE), PAM and login audit records, and syslog lines from sshd, sudo, CRON, useradd.
 * Arguments follow auditd's encoding: quoted when plain, hex when they contain spaces or quotes.
 */
import type { Ctx } from '../engine/scheduler.js';
import type { LinuxHost } from '../world/world.js';

/** Syslog facilities used (RFC 5424 codes). */
export const FACILITY = { kern: 0, user: 1, daemon: 3, auth: 4, syslog: 5, cron: 9, authpriv: 10 } as const;
/** Syslog severities used. */
export const SEVERITY = { err: 3, warning: 4, notice: 5, info: 6 } as const;

/** Emits a syslog line. */
export function syslog(
  ctx: Ctx,
  host: LinuxHost,
  facility: number,
  severity: number,
  app: string,
  pid: number | undefined,
  msg: string,
  offset = 0,
): void {
  ctx.emit(offset, { kind: 'syslog', host, pri: facility * 8 + severity, app, pid, msg });
}

/** Next process id on the host. */
export function newPid(ctx: Ctx, host: LinuxHost): number {
  host.state.nextPid += ctx.rng.int(1, 40);
  if (host.state.nextPid > 4_000_000) host.state.nextPid = 1_000;
  return host.state.nextPid;
}

function hexOf(s: string): string {
  return Buffer.from(s, 'utf8').toString('hex').toUpperCase();
}

function auditValue(s: string): string {
  return /^[\x21-\x7e]*$/.test(s) && !s.includes('"') ? `"${s}"` : hexOf(s);
}

/** Who runs a command. */
export interface Identity {
  readonly uid: number;
  /** Login uid (the user who logged in, kept across sudo); 4294967295 for daemons. */
  readonly auid: number;
  readonly ses: number;
  readonly tty: string;
}

/** A command to audit. */
export interface ExecOptions {
  readonly who: Identity;
  readonly ppid: number;
  readonly exe: string;
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly offset?: number;
  readonly key?: string;
}

/** Emits an execve audit event; returns the new pid. */
export function exec(ctx: Ctx, host: LinuxHost, o: ExecOptions): number {
  const pid = newPid(ctx, host);
  const { uid, auid, ses, tty } = o.who;
  const comm = (o.exe.slice(o.exe.lastIndexOf('/') + 1) || o.exe).slice(0, 15);
  const ptr = (): string => `55${ctx.rng.hex(10)}`;
  const args = o.argv.map((a, i) => `a${i}=${auditValue(a)}`).join(' ');
  const title = o.argv.join('\0');
  const proctitle = /^[\x21-\x7e]*$/.test(title) && !title.includes('"') ? `"${title}"` : hexOf(title.slice(0, 128));
  const inode = ctx.rng.int(1_000, 3_000_000);
  ctx.emit(o.offset ?? 0, {
    kind: 'audit',
    host,
    lines: [
      [
        'SYSCALL',
        `arch=c000003e syscall=59 success=yes exit=0 a0=${ptr()} a1=${ptr()} a2=${ptr()} a3=${ctx.rng.hex(2)} items=2 ppid=${o.ppid} pid=${pid} auid=${auid} uid=${uid} gid=${uid} euid=${uid} suid=${uid} fsuid=${uid} egid=${uid} sgid=${uid} fsgid=${uid} tty=${tty} ses=${ses} comm="${comm}" exe="${o.exe}" key=${o.key === undefined ? '(null)' : `"${o.key}"`}`,
      ],
      ['EXECVE', `argc=${o.argv.length} ${args}`],
      ['CWD', `cwd=${auditValue(o.cwd)}`],
      [
        'PATH',
        `item=0 name="${o.exe}" inode=${inode} dev=08:01 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0`,
      ],
      [
        'PATH',
        'item=1 name="/lib64/ld-linux-x86-64.so.2" inode=29514 dev=08:01 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0',
      ],
      ['PROCTITLE', `proctitle=${proctitle}`],
    ],
  });
  return pid;
}

/** A PAM or login audit record (`USER_AUTH`, `USER_ACCT`, `CRED_ACQ`, `USER_LOGIN`, ...). */
export interface PamRecord {
  readonly type: string;
  readonly pid: number;
  readonly uid: number;
  readonly auid: number;
  readonly ses: number;
  /** Inner message, e.g. `op=PAM:authentication grantors=pam_unix acct="root"`. */
  readonly op: string;
  readonly exe: string;
  readonly hostname: string;
  readonly addr: string;
  readonly terminal: string;
  readonly ok: boolean;
  readonly offset?: number;
}

/** Emits one single-line audit event of the user-space kind. */
export function pam(ctx: Ctx, host: LinuxHost, r: PamRecord): void {
  ctx.emit(r.offset ?? 0, {
    kind: 'audit',
    host,
    lines: [
      [
        r.type,
        `pid=${r.pid} uid=${r.uid} auid=${r.auid} ses=${r.ses} msg='${r.op} exe="${r.exe}" hostname=${r.hostname} addr=${r.addr} terminal=${r.terminal} res=${r.ok ? 'success' : 'failed'}'`,
      ],
    ],
  });
}

/** `SHA256:` fingerprint-looking key id for sshd publickey logins. */
export function keyFingerprint(ctx: Ctx): string {
  return `SHA256:${Buffer.from(ctx.rng.hex(64), 'hex').toString('base64').replace(/=+$/, '')}`;
}
