/**
 * @module
 * Linux server routines: cron jobs by role, time sync and package-list refreshes, visitors of
 * the public web server, the application's database connections, and IT staff administering
 * the servers over SSH with routine (sometimes sudo) commands.
 */
import { cronRun } from '../activity/cron.js';
import { shellCommand, sshLogin, sshLogout } from '../activity/ssh.js';
import type { SimEnv } from '../engine/env.js';
import { MINUTE, workFactor } from '../engine/rhythm.js';
import type { Ctx, Script } from '../engine/scheduler.js';
import { FACILITY, SEVERITY, syslog } from '../linux/actions.js';
import { conn, http } from '../network/zeek.js';
import { APT_MIRRORS, NTP_SERVER, USER_AGENTS, visitorIp } from '../world/internet.js';
import type { LinuxHost } from '../world/world.js';

interface CronJob {
  readonly user: string;
  readonly uid: number;
  readonly command: string;
  /** Fires when the minute of the day satisfies this. */
  readonly when: (minuteOfDay: number) => boolean;
}

const HOURLY: CronJob = {
  user: 'root',
  uid: 0,
  command: '   cd / && run-parts --report /etc/cron.hourly',
  when: (m) => m % 60 === 17,
};

const JOBS: Readonly<Record<LinuxHost['role'], readonly CronJob[]>> = {
  web: [
    {
      user: 'www-data',
      uid: 33,
      command: 'php /var/www/app/artisan schedule:run >> /dev/null 2>&1',
      when: (m) => m % 5 === 0,
    },
    HOURLY,
  ],
  db: [
    { user: 'postgres', uid: 111, command: '/usr/local/bin/pg_check_replication.sh', when: (m) => m % 15 === 3 },
    {
      user: 'postgres',
      uid: 111,
      command: 'pg_dump -Fc appdb > /var/backups/postgres/appdb-$(date +\\%F).dump',
      when: (m) => m === 150,
    },
    HOURLY,
  ],
  app: [{ user: 'deploy', uid: 1050, command: '/opt/app/bin/queue-worker --once', when: (m) => m % 10 === 7 }, HOURLY],
};

/** The host's crontab, minute by minute. */
export function* cronJobs(ctx: Ctx, _env: SimEnv, host: LinuxHost): Script {
  const jobs = JOBS[host.role];
  yield MINUTE - (ctx.now % MINUTE);
  for (;;) {
    const minute = Math.floor((ctx.now % 86_400_000) / MINUTE);
    let offset = ctx.rng.int(0, 900);
    for (const job of jobs) {
      if (!job.when(minute)) continue;
      cronRun(ctx, host, job.user, job.uid, job.command, offset);
      offset += ctx.rng.int(5, 60);
    }
    yield MINUTE;
  }
}

/** Time sync, apt refreshes, web visitors and database traffic. */
export function* linuxServer(ctx: Ctx, env: SimEnv, host: LinuxHost): Script {
  const rng = ctx.rng;
  const db = env.world.linux.find((h) => h.role === 'db');
  let nextNtp = ctx.now + rng.range(0, 34) * MINUTE;
  let nextApt = ctx.now + rng.range(30, 720) * MINUTE;
  for (;;) {
    if (ctx.now >= nextNtp) {
      conn(ctx, {
        src: host.ip,
        sport: rng.int(32_768, 60_999),
        dst: rng.pick(NTP_SERVER.ips),
        dport: 123,
        proto: 'udp',
        service: 'ntp',
        duration: rng.range(0.01, 0.06),
        origBytes: 48,
        respBytes: 48,
      });
      nextNtp = ctx.now + 34 * MINUTE + rng.int(0, 20_000);
    }
    if (ctx.now >= nextApt) {
      syslog(
        ctx,
        host,
        FACILITY.daemon,
        SEVERITY.info,
        'systemd',
        1,
        'Starting apt-daily.service - Daily apt download activities...',
      );
      for (const m of APT_MIRRORS) {
        const ip = rng.pick(m.ips);
        for (const uri of ['InRelease', '-updates/InRelease']) {
          http(ctx, {
            src: host.ip,
            dst: ip,
            host: m.domain,
            method: 'GET',
            uri: `/ubuntu/dists/jammy${uri}`,
            userAgent: USER_AGENTS.apt,
            status: rng.chance(0.7) ? 304 : 200,
            requestBytes: 0,
            responseBytes: rng.chance(0.7) ? 0 : rng.int(100_000, 260_000),
            mime: 'text/plain',
            offset: rng.int(500, 4_000),
          });
        }
      }
      syslog(
        ctx,
        host,
        FACILITY.daemon,
        SEVERITY.info,
        'systemd',
        1,
        'apt-daily.service: Deactivated successfully.',
        rng.int(6_000, 20_000),
      );
      nextApt = ctx.now + rng.range(11, 13) * 60 * MINUTE;
    }
    if (host.role === 'web') {
      conn(ctx, {
        src: visitorIp(rng),
        sport: rng.int(1_024, 65_535),
        dst: host.ip,
        dport: 443,
        proto: 'tcp',
        service: 'ssl',
        duration: rng.logNormal(2, 1),
        origBytes: Math.round(rng.logNormal(1_500, 0.7)),
        respBytes: Math.round(rng.logNormal(30_000, 1.3)),
      });
      if (db !== undefined && rng.chance(0.5)) {
        conn(ctx, {
          src: host.ip,
          sport: rng.int(32_768, 60_999),
          dst: db.ip,
          dport: 5432,
          proto: 'tcp',
          duration: rng.logNormal(0.05, 1),
          origBytes: rng.int(300, 4_000),
          respBytes: rng.int(500, 40_000),
          offset: rng.int(5, 80),
        });
      }
    }
    const mean = host.role === 'web' ? 40_000 / Math.max(0.25, workFactor(ctx.now)) : 5 * MINUTE;
    yield Math.min(rng.exp(mean / env.intensity), Math.max(1, Math.min(nextNtp, nextApt) - ctx.now));
  }
}

const ADMIN_COMMANDS: readonly (readonly [string[], string, boolean])[] = [
  [['systemctl', 'status', 'nginx'], '/usr/bin/systemctl', false],
  [['tail', '-n', '200', '/var/log/nginx/error.log'], '/usr/bin/tail', true],
  [['df', '-h'], '/usr/bin/df', false],
  [['free', '-m'], '/usr/bin/free', false],
  [['apt-get', 'update'], '/usr/bin/apt-get', true],
  [['journalctl', '-u', 'app', '--since', 'today'], '/usr/bin/journalctl', true],
  [['systemctl', 'restart', 'app'], '/usr/bin/systemctl', true],
  [['uname', '-a'], '/usr/bin/uname', false],
  [['top', '-b', '-n', '1'], '/usr/bin/top', false],
  [['ls', '-la', '/var/www/app'], '/usr/bin/ls', false],
];

/** IT staff SSH to the Linux servers during working hours. */
export function* linuxAdmins(ctx: Ctx, env: SimEnv): Script {
  const w = env.world;
  const admins = w.admins.filter((a) => a.linuxUid !== undefined);
  if (admins.length === 0 || w.linux.length === 0) return;
  for (;;) {
    if (workFactor(ctx.now) > 0.5 && ctx.rng.chance(0.6)) {
      const admin = ctx.rng.pick(admins);
      const host = ctx.rng.pick(w.linux);
      const from = w.workstations.find((x) => x.owner === admin)?.ip ?? `${w.vpnPrefix}.${ctx.rng.int(10, 250)}`;
      const uid = admin.linuxUid ?? 1001;
      const s = sshLogin(ctx, host, admin.sam, uid, from, 'publickey');
      const length = ctx.rng.int(2, 40) * MINUTE;
      conn(ctx, {
        src: from,
        sport: s.port,
        dst: host.ip,
        dport: 22,
        proto: 'tcp',
        service: 'ssh',
        duration: length / 1000,
        origBytes: ctx.rng.int(5_000, 90_000),
        respBytes: ctx.rng.int(20_000, 2_000_000),
      });
      const n = ctx.rng.int(1, 5);
      for (let i = 1; i <= n; i++) {
        const [argv, exe, sudo] = ctx.rng.pick(ADMIN_COMMANDS);
        shellCommand(ctx, host, s, argv, exe, sudo, (i * length) / (n + 1));
      }
      sshLogout(ctx, host, s, length);
    }
    yield (ctx.rng.range(1, 3) * 60 * MINUTE) / admins.length;
  }
}
