/**
 * @module
 * Linux session bundles as sshd, PAM, systemd-logind and sudo write them to syslog and
 * auditd: successful and failed SSH logins, logouts and commands (with or without sudo).
 */
import type { Ctx } from '../engine/scheduler.js';
import { exec, FACILITY, keyFingerprint, newPid, pam, SEVERITY, syslog, type Identity } from '../linux/actions.js';
import type { LinuxHost } from '../world/world.js';

const UNSET = 4294967295;
const SSHD = '/usr/sbin/sshd';
const SESSION_GRANTORS =
  'pam_selinux,pam_loginuid,pam_keyinit,pam_permit,pam_umask,pam_unix,pam_systemd,pam_mail,pam_limits,pam_env,pam_env,pam_selinux';

/** An open SSH session. */
export interface SshSession {
  readonly user: string;
  readonly uid: number;
  readonly ip: string;
  readonly port: number;
  readonly sshdPid: number;
  readonly shellPid: number;
  readonly who: Identity;
}

/** Accepted SSH login; returns the session. */
export function sshLogin(
  ctx: Ctx,
  host: LinuxHost,
  user: string,
  uid: number,
  ip: string,
  method: 'publickey' | 'password',
  offset = 0,
): SshSession {
  const rng = ctx.rng;
  const port = rng.int(32_768, 60_999);
  const pid = newPid(ctx, host);
  host.state.session += 1;
  const ses = host.state.session;
  const tty = `pts${rng.int(0, 3)}`;
  const detail = method === 'publickey' ? `: ED25519 ${keyFingerprint(ctx)}` : '';
  const common = { pid, uid: 0, exe: SSHD, hostname: ip, addr: ip, terminal: 'ssh', ok: true } as const;
  if (method === 'password') {
    pam(ctx, host, {
      ...common,
      type: 'USER_AUTH',
      auid: UNSET,
      ses: UNSET,
      op: `op=PAM:authentication grantors=pam_permit acct="${user}"`,
      offset,
    });
  }
  syslog(
    ctx,
    host,
    FACILITY.auth,
    SEVERITY.info,
    'sshd',
    pid,
    `Accepted ${method} for ${user} from ${ip} port ${port} ssh2${detail}`,
    offset + 2,
  );
  pam(ctx, host, {
    ...common,
    type: 'USER_ACCT',
    auid: UNSET,
    ses: UNSET,
    op: `op=PAM:accounting grantors=pam_permit acct="${user}"`,
    offset: offset + 3,
  });
  pam(ctx, host, {
    ...common,
    type: 'CRED_ACQ',
    auid: UNSET,
    ses: UNSET,
    op: `op=PAM:setcred grantors=pam_permit,pam_cap acct="${user}"`,
    offset: offset + 4,
  });
  ctx.emit(offset + 5, {
    kind: 'audit',
    host,
    lines: [['LOGIN', `pid=${pid} uid=0 old-auid=${UNSET} auid=${uid} tty=(none) old-ses=${UNSET} ses=${ses} res=1`]],
  });
  syslog(
    ctx,
    host,
    FACILITY.authpriv,
    SEVERITY.info,
    'sshd',
    pid,
    `pam_unix(sshd:session): session opened for user ${user}(uid=${uid}) by (uid=0)`,
    offset + 8,
  );
  syslog(
    ctx,
    host,
    FACILITY.auth,
    SEVERITY.info,
    'systemd-logind',
    612,
    `New session ${ses} of user ${user}.`,
    offset + 9,
  );
  pam(ctx, host, {
    ...common,
    type: 'USER_START',
    auid: uid,
    ses,
    op: `op=PAM:session_open grantors=${SESSION_GRANTORS} acct="${user}"`,
    offset: offset + 12,
  });
  pam(ctx, host, {
    ...common,
    type: 'USER_LOGIN',
    auid: uid,
    ses,
    op: `op=login id=${uid}`,
    hostname: '?',
    terminal: `/dev/${tty.replace('pts', 'pts/')}`,
    offset: offset + 30,
  });
  const who: Identity = { uid, auid: uid, ses, tty };
  const shellPid = exec(ctx, host, {
    who,
    ppid: pid,
    exe: '/usr/bin/bash',
    argv: ['-bash'],
    cwd: uid === 0 ? '/root' : `/home/${user}`,
    offset: offset + 35,
  });
  return { user, uid, ip, port, sshdPid: pid, shellPid, who };
}

/** One failed password attempt (for an existing or invalid user). */
export function sshFailure(
  ctx: Ctx,
  host: LinuxHost,
  user: string,
  valid: boolean,
  ip: string,
  port: number,
  offset = 0,
): number {
  const pid = newPid(ctx, host);
  if (!valid)
    syslog(
      ctx,
      host,
      FACILITY.auth,
      SEVERITY.info,
      'sshd',
      pid,
      `Invalid user ${user} from ${ip} port ${port}`,
      offset,
    );
  syslog(
    ctx,
    host,
    FACILITY.authpriv,
    SEVERITY.notice,
    'sshd',
    pid,
    `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip}${valid ? `  user=${user}` : ''}`,
    offset + 2,
  );
  const acct = valid ? user : '(invalid user)';
  pam(ctx, host, {
    type: 'USER_AUTH',
    pid,
    uid: 0,
    auid: UNSET,
    ses: UNSET,
    op: `op=PAM:authentication grantors=? acct="${acct}"`,
    exe: SSHD,
    hostname: ip,
    addr: ip,
    terminal: 'ssh',
    ok: false,
    offset: offset + 3,
  });
  const delay = 2_000 + ctx.rng.int(0, 1_500);
  syslog(
    ctx,
    host,
    FACILITY.auth,
    SEVERITY.info,
    'sshd',
    pid,
    `Failed password for ${valid ? '' : 'invalid user '}${user} from ${ip} port ${port} ssh2`,
    offset + delay,
  );
  pam(ctx, host, {
    type: 'USER_LOGIN',
    pid,
    uid: 0,
    auid: UNSET,
    ses: UNSET,
    op: `op=login acct="${valid ? user : '(unknown)'}"`,
    exe: SSHD,
    hostname: ip,
    addr: ip,
    terminal: 'ssh',
    ok: false,
    offset: offset + delay + 1,
  });
  syslog(
    ctx,
    host,
    FACILITY.auth,
    SEVERITY.info,
    'sshd',
    pid,
    `Connection closed by ${valid ? 'authenticating' : 'invalid'} user ${user} ${ip} port ${port} [preauth]`,
    offset + delay + ctx.rng.int(50, 400),
  );
  return pid;
}

/** Closes a session. */
export function sshLogout(ctx: Ctx, host: LinuxHost, s: SshSession, offset = 0): void {
  const { user, ip, port, sshdPid: pid } = s;
  const common = {
    pid,
    uid: 0,
    auid: s.uid,
    ses: s.who.ses,
    exe: SSHD,
    hostname: ip,
    addr: ip,
    terminal: 'ssh',
    ok: true,
  } as const;
  syslog(
    ctx,
    host,
    FACILITY.auth,
    SEVERITY.info,
    'sshd',
    pid,
    `Received disconnect from ${ip} port ${port}:11: disconnected by user`,
    offset,
  );
  syslog(
    ctx,
    host,
    FACILITY.auth,
    SEVERITY.info,
    'sshd',
    pid,
    `Disconnected from user ${user} ${ip} port ${port}`,
    offset + 1,
  );
  syslog(
    ctx,
    host,
    FACILITY.authpriv,
    SEVERITY.info,
    'sshd',
    pid,
    `pam_unix(sshd:session): session closed for user ${user}`,
    offset + 3,
  );
  pam(ctx, host, {
    ...common,
    type: 'USER_END',
    op: `op=PAM:session_close grantors=${SESSION_GRANTORS} acct="${user}"`,
    offset: offset + 4,
  });
  pam(ctx, host, {
    ...common,
    type: 'CRED_DISP',
    op: `op=PAM:setcred grantors=pam_permit,pam_cap acct="${user}"`,
    offset: offset + 5,
  });
  syslog(
    ctx,
    host,
    FACILITY.auth,
    SEVERITY.info,
    'systemd-logind',
    612,
    `Session ${s.who.ses} logged out. Waiting for processes to exit.`,
    offset + 8,
  );
}

/** A command typed in a session, with or without sudo; returns the pid. */
export function shellCommand(
  ctx: Ctx,
  host: LinuxHost,
  s: SshSession,
  argv: readonly string[],
  exe: string,
  sudo: boolean,
  offset = 0,
): number {
  const cwd = s.uid === 0 ? '/root' : `/home/${s.user}`;
  if (!sudo) return exec(ctx, host, { who: s.who, ppid: s.shellPid, exe, argv, cwd, offset });
  const pid = newPid(ctx, host);
  const line = argv.join(' ');
  syslog(
    ctx,
    host,
    FACILITY.authpriv,
    SEVERITY.notice,
    'sudo',
    pid,
    `   ${s.user} : TTY=${s.who.tty.replace('pts', 'pts/')} ; PWD=${cwd} ; USER=root ; COMMAND=${exe}${argv.length > 1 ? ` ${argv.slice(1).join(' ')}` : ''}`,
    offset,
  );
  ctx.emit(offset + 1, {
    kind: 'audit',
    host,
    lines: [
      [
        'USER_CMD',
        `pid=${pid} uid=${s.uid} auid=${s.uid} ses=${s.who.ses} msg='cwd="${cwd}" cmd=${Buffer.from(line).toString('hex').toUpperCase()} exe="/usr/bin/sudo" terminal=${s.who.tty.replace('pts', 'pts/')} res=success'`,
      ],
    ],
  });
  syslog(
    ctx,
    host,
    FACILITY.authpriv,
    SEVERITY.info,
    'sudo',
    pid,
    `pam_unix(sudo:session): session opened for user root(uid=0) by ${s.user}(uid=${s.uid})`,
    offset + 2,
  );
  const child = exec(ctx, host, { who: { ...s.who, uid: 0 }, ppid: pid, exe, argv, cwd, offset: offset + 4 });
  syslog(
    ctx,
    host,
    FACILITY.authpriv,
    SEVERITY.info,
    'sudo',
    pid,
    `pam_unix(sudo:session): session closed for user root`,
    offset + 40 + ctx.rng.int(0, 2_000),
  );
  return child;
}
