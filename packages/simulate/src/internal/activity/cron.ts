/**
 * @module
 * Cron job runs as cron, PAM and auditd record them: CRON syslog lines, the session's PAM
 * audit records and the job's execve.
 */
import type { Ctx } from '../engine/scheduler.js';
import { exec, FACILITY, newPid, pam, SEVERITY, syslog } from '../linux/actions.js';
import type { LinuxHost } from '../world/world.js';

const UNSET = 4294967295;

/** Home directory of a Linux account (cron runs jobs there). */
export function homeOf(user: string): string {
  switch (user) {
    case 'root':
      return '/root';
    case 'www-data':
      return '/var/www';
    case 'postgres':
      return '/var/lib/postgresql';
    default:
      return `/home/${user}`;
  }
}

/** One cron job run: CRON syslog lines, PAM records and the command's execve. */
export function cronRun(ctx: Ctx, host: LinuxHost, user: string, uid: number, command: string, offset = 0): void {
  const pid = newPid(ctx, host);
  host.state.session += 1;
  const ses = host.state.session;
  const common = { pid, uid: 0, exe: '/usr/sbin/cron', hostname: '?', addr: '?', terminal: 'cron', ok: true } as const;
  pam(ctx, host, {
    ...common,
    type: 'USER_ACCT',
    auid: UNSET,
    ses: UNSET,
    op: `op=PAM:accounting grantors=pam_permit acct="${user}"`,
    offset,
  });
  pam(ctx, host, {
    ...common,
    type: 'CRED_ACQ',
    auid: UNSET,
    ses: UNSET,
    op: `op=PAM:setcred grantors=pam_permit,pam_cap acct="${user}"`,
    offset: offset + 1,
  });
  ctx.emit(offset + 1, {
    kind: 'audit',
    host,
    lines: [['LOGIN', `pid=${pid} uid=0 old-auid=${UNSET} auid=${uid} tty=(none) old-ses=${UNSET} ses=${ses} res=1`]],
  });
  syslog(
    ctx,
    host,
    FACILITY.authpriv,
    SEVERITY.info,
    'CRON',
    pid,
    `pam_unix(cron:session): session opened for user ${user}(uid=${uid}) by (uid=0)`,
    offset + 2,
  );
  pam(ctx, host, {
    ...common,
    type: 'USER_START',
    auid: uid,
    ses,
    op: `op=PAM:session_open grantors=pam_loginuid,pam_env,pam_env,pam_permit,pam_unix,pam_limits acct="${user}"`,
    offset: offset + 3,
  });
  syslog(ctx, host, FACILITY.cron, SEVERITY.info, 'CRON', pid + 1, `(${user}) CMD (${command})`, offset + 4);
  exec(ctx, host, {
    who: { uid, auid: uid, ses, tty: '(none)' },
    ppid: pid,
    exe: '/usr/bin/dash',
    argv: ['/bin/sh', '-c', command],
    cwd: homeOf(user),
    offset: offset + 5,
  });
  const end = offset + 200 + ctx.rng.int(0, 3_000);
  pam(ctx, host, {
    ...common,
    type: 'CRED_DISP',
    auid: uid,
    ses,
    op: `op=PAM:setcred grantors=pam_permit,pam_cap acct="${user}"`,
    offset: end,
  });
  pam(ctx, host, {
    ...common,
    type: 'USER_END',
    auid: uid,
    ses,
    op: `op=PAM:session_close grantors=pam_loginuid,pam_env,pam_env,pam_permit,pam_unix,pam_limits acct="${user}"`,
    offset: end + 1,
  });
  syslog(
    ctx,
    host,
    FACILITY.authpriv,
    SEVERITY.info,
    'CRON',
    pid,
    `pam_unix(cron:session): session closed for user ${user}`,
    end + 2,
  );
}
