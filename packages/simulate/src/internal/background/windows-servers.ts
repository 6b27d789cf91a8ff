/**
 * @module
 * Server-side routines: IT staff administering the DC over RDP (including the occasional
 * harmless `net user` or account creation that look like attacker moves), service accounts
 * authenticating, remote (VPN) staff on the file shares, and the nightly backup of the file
 * server, a large internal transfer and an archive that resemble exfiltration staging.
 */
import { smbSession } from '../activity/smb.js';
import type { SimEnv } from '../engine/env.js';
import { daySchedule, HOURS, MINUTE, nextMidnight, workFactor } from '../engine/rhythm.js';
import type { Ctx, Script } from '../engine/scheduler.js';
import { conn } from '../network/zeek.js';
import { accept, ephemeralPort, fileCreate, spawn } from '../windows/process.js';
import { accountCreated, taskCreated } from '../windows/changes.js';
import { kerberosService, kerberosTgt, logoff, logon } from '../windows/security.js';
import type { Account, Proc, User, WinHost } from '../world/world.js';
import { APPS, SHARE_FILES, SHARES } from './apps.js';

const ADMIN_COMMANDS: readonly (readonly [string, string])[] = [
  ['C:\\Windows\\System32\\net.exe', 'net user {user} /domain'],
  ['C:\\Windows\\System32\\net.exe', 'net group "Domain Users" /domain'],
  ['C:\\Windows\\System32\\gpupdate.exe', 'gpupdate /force'],
  ['C:\\Windows\\System32\\ipconfig.exe', 'ipconfig /all'],
  ['C:\\Windows\\System32\\whoami.exe', 'whoami'],
  [
    'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
    'powershell.exe -Command "Get-ADUser -Identity {user} -Properties LastLogonDate"',
  ],
  [
    'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
    'powershell.exe -Command "Get-Service -Name DNS,NTDS,Netlogon"',
  ],
  ['C:\\Windows\\System32\\mmc.exe', '"C:\\Windows\\system32\\mmc.exe" "C:\\Windows\\system32\\dsa.msc"'],
];

/** An admin RDPs to a server, runs a few routine commands and leaves. */
function adminSession(ctx: Ctx, env: SimEnv, admin: User, server: WinHost): number {
  const rng = ctx.rng;
  const account = admin.adminAccount;
  if (account === undefined) return 0;
  const from = env.world.workstations.find((w) => w.owner === admin);
  const ip = from?.ip ?? `${env.world.vpnPrefix}.${rng.int(10, 200)}`;
  const length = rng.int(5, 45) * MINUTE;
  kerberosTgt(ctx, env.world.dc, account, ip);
  kerberosService(ctx, env.world.dc, account, server.machineAccount, ip, 5);
  const sport = ephemeralPort(ctx);
  conn(ctx, {
    src: ip,
    sport,
    dst: server.ip,
    dport: 3389,
    proto: 'tcp',
    service: 'ssl',
    duration: length / 1000,
    origBytes: rng.int(300_000, 4_000_000),
    respBytes: rng.int(2_000_000, 40_000_000),
    offset: 10,
  });
  accept(ctx, server, server.system.svchost, ip, sport, 3389, 12);
  const id = logon(ctx, server, account, { type: 10, ip, port: 0, privileged: true, offset: rng.int(900, 2_500) });
  const shell: Proc = {
    ...server.system.winlogon,
    pid: rng.int(1_000, 4_000) * 4,
    image: APPS.explorer,
    cmd: 'C:\\Windows\\Explorer.EXE',
    user: `${account.domain}\\${account.sam}`,
    sid: account.sid,
    logonId: id,
    integrity: 'High',
    session: rng.int(2, 4),
    cwd: `C:\\Users\\${account.sam}\\`,
  };
  const n = rng.int(1, 4);
  for (let i = 0; i < n; i++) {
    const [image, cmd] = rng.pick(ADMIN_COMMANDS);
    const target = rng.pick(env.world.users).sam;
    spawn(ctx, server, {
      parent: shell,
      image,
      cmd: cmd.replace('{user}', target),
      offset: ((i + 1) * length) / (n + 2),
    });
  }
  // Onboarding: now and then a new domain user is created from ADUC (a harmless 4720).
  if (server === env.world.dc && rng.chance(0.12)) {
    const name = `${rng.pick(['t', 'c', 'ext'])}.${rng.pick(['jensen', 'moreau', 'novak', 'silva', 'berg'])}${rng.int(1, 9)}`;
    spawn(ctx, server, {
      parent: shell,
      image: 'C:\\Windows\\System32\\mmc.exe',
      cmd: '"C:\\Windows\\system32\\mmc.exe" "C:\\Windows\\system32\\dsa.msc"',
      offset: length / 2,
    });
    accountCreated(
      ctx,
      server,
      account,
      id,
      { name, domain: env.world.netbios, sid: `${env.world.domainSid}-${rng.int(1_300, 1_900)}`, admin: false },
      length / 2 + rng.int(60_000, 180_000),
    );
  }
  logoff(ctx, server, account, id, 10, length);
  return length;
}

/** IT staff on the DC and file server during working hours. */
export function* adminActivity(ctx: Ctx, env: SimEnv): Script {
  const admins = env.world.admins;
  if (admins.length === 0) return;
  for (;;) {
    // One or two admin sessions per working day per admin, none at night.
    const f = workFactor(ctx.now);
    if (f > 0.5 && ctx.rng.chance(0.5)) {
      const server = ctx.rng.chance(0.6) ? env.world.dc : env.world.fs;
      adminSession(ctx, env, ctx.rng.pick(admins), server);
    }
    yield (ctx.rng.range(2, 5) * HOURS) / admins.length;
  }
}

/** Service accounts that authenticate to the DC and servers around the clock. */
export function* serviceAccounts(ctx: Ctx, env: SimEnv): Script {
  const w = env.world;
  const accounts: Account[] = ['svc-backup', 'svc-sql', 'svc-scan'].map((sam, i) => ({
    sam,
    domain: w.netbios,
    sid: `${w.domainSid}-${1150 + i}`,
  }));
  for (;;) {
    const account = ctx.rng.pick(accounts);
    const target = ctx.rng.pick([w.fs, w.dc]);
    kerberosTgt(ctx, w.dc, account, target.ip);
    kerberosService(ctx, w.dc, account, target.machineAccount, target.ip, 4);
    const id = logon(ctx, target, account, {
      type: 3,
      ip: w.linux[0]?.ip ?? target.ip,
      port: ephemeralPort(ctx),
      offset: 20,
    });
    logoff(ctx, target, account, id, 3, ctx.rng.int(200, 5_000));
    yield ctx.rng.exp((12 * MINUTE) / env.intensity);
  }
}

/** Staff without a workstation of their own use the shares over VPN. */
export function* remoteUser(ctx: Ctx, env: SimEnv, user: User): Script {
  const schedule = ctx.rng.fork('schedule');
  const ip = `${env.world.vpnPrefix}.${ctx.rng.int(10, 250)}`;
  for (;;) {
    const s = daySchedule(schedule, ctx.now);
    if (ctx.now < s.on) {
      yield s.on - ctx.now;
      continue;
    }
    if (ctx.now >= s.off) {
      yield nextMidnight(ctx.now) - ctx.now + 1;
      continue;
    }
    kerberosTgt(ctx, env.world.dc, user, ip);
    smbSession(ctx, env, undefined, user, env.world.fs, {
      share: ctx.rng.pick(SHARES),
      file: ctx.rng.pick(SHARE_FILES),
      hold: ctx.rng.int(5_000, 600_000),
      read: ctx.rng.logNormal(300_000, 1.5),
      fromIp: ip,
      offset: 30,
    });
    yield Math.min(ctx.rng.exp((25 * MINUTE) / env.intensity), s.off - ctx.now);
  }
}

/** The file server's nightly backup to the NAS at 01:00-02:00. */
export function* nightlyBackup(ctx: Ctx, env: SimEnv): Script {
  const fs = env.world.fs;
  const account: Account = { sam: 'svc-backup', domain: env.world.netbios, sid: `${env.world.domainSid}-1150` };
  const nas = '10.10.1.30';
  for (;;) {
    const at = nextMidnight(ctx.now) - 24 * HOURS + ctx.rng.range(1, 2) * HOURS;
    if (at > ctx.now) {
      yield at - ctx.now;
      continue;
    }
    if (ctx.now - at < 10 * MINUTE) {
      const rng = ctx.rng;
      const id = logon(ctx, fs, account, { type: 5, privileged: true });
      const parent: Proc = {
        ...fs.system.svchost,
        user: `CORP\\svc-backup`,
        sid: account.sid,
        logonId: id,
        integrity: 'High',
      };
      const date = new Date(ctx.now).toISOString().slice(0, 10);
      const archive = `D:\\Backup\\finance-${date}.7z`;
      const zip = spawn(ctx, fs, {
        parent,
        image: 'C:\\Program Files\\7-Zip\\7z.exe',
        cmd: `"C:\\Program Files\\7-Zip\\7z.exe" a -t7z -mx3 ${archive} D:\\Shares\\Finance`,
        cwd: 'D:\\Backup\\',
        offset: 2_000,
      });
      fileCreate(ctx, fs, zip, archive, rng.int(3_000, 9_000));
      spawn(ctx, fs, {
        parent,
        image: 'C:\\Windows\\System32\\Robocopy.exe',
        cmd: `robocopy D:\\Shares \\\\nas-01\\backup\\fs-01 /MIR /R:1 /W:1 /NP /LOG:D:\\Backup\\robocopy-${date}.log`,
        offset: 15 * MINUTE,
      });
      const duration = rng.range(20, 50) * 60;
      conn(ctx, {
        src: fs.ip,
        sport: ephemeralPort(ctx),
        dst: nas,
        dport: 445,
        proto: 'tcp',
        service: 'gssapi,smb,ntlm',
        duration,
        origBytes: Math.round(rng.logNormal(6e9, 0.4)),
        respBytes: rng.int(2_000_000, 8_000_000),
        offset: 15 * MINUTE + 300,
      });
      taskCreatedOnce(ctx, fs, account, id);
      logoff(ctx, fs, account, id, 5, 15 * MINUTE + duration * 1000 + 5_000);
    }
    yield nextMidnight(ctx.now) - ctx.now + 1;
  }
}

const backupTaskSeen = new WeakSet<WinHost>();

/** The backup job re-registers its scheduled task on its first run (a benign 4698). */
function taskCreatedOnce(ctx: Ctx, fs: WinHost, account: Account, id: string): void {
  // Hosts are built per run, so this remembers one registration per simulation.
  if (backupTaskSeen.has(fs)) return;
  backupTaskSeen.add(fs);
  taskCreated(
    ctx,
    fs,
    account,
    id,
    {
      name: '\\Corp\\Nightly share backup',
      command: 'C:\\Scripts\\backup.cmd',
      args: '',
      runAs: 'CORP\\svc-backup',
      trigger: 'daily',
    },
    1_000,
  );
}
