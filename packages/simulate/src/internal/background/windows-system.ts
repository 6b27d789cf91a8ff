/**
 * @module
 * What a Windows host does on its own, day and night: scheduled maintenance tasks, telemetry
 * and certificate checks, Defender and other services touching lsass with harmless rights,
 * prefetch and registry churn, and the machine's Group Policy refresh against the DC.
 */
import { visit } from '../activity/web.js';
import type { SimEnv } from '../engine/env.js';
import { MINUTE } from '../engine/rhythm.js';
import type { Ctx, Script } from '../engine/scheduler.js';
import { conn, http } from '../network/zeek.js';
import {
  connect,
  ephemeralPort,
  fileCreate,
  processAccess,
  registry,
  spawn,
  systemAccount,
} from '../windows/process.js';
import { serviceInstall, shareAccess, taskCreated } from '../windows/changes.js';
import { kerberosService, logoff, logon } from '../windows/security.js';
import { HTTP_FETCHES, SYSTEM_SERVICES, USER_AGENTS } from '../world/internet.js';
import type { WinHost } from '../world/world.js';

const SYS32 = 'C:\\Windows\\System32\\';

/** Maintenance programs started by the Task Scheduler service: [image, command line]. */
const TASKS: readonly (readonly [string, string])[] = [
  [`${SYS32}taskhostw.exe`, 'taskhostw.exe'],
  [`${SYS32}taskhostw.exe`, 'taskhostw.exe Install $(Arg0)'],
  [
    `${SYS32}backgroundTaskHost.exe`,
    '"C:\\Windows\\system32\\backgroundTaskHost.exe" -ServerName:BackgroundTaskHost.WebAccountProvider',
  ],
  [
    `${SYS32}CompatTelRunner.exe`,
    'C:\\Windows\\system32\\compattelrunner.exe -m:appraiser.dll -f:DoScheduledTelemetryRun',
  ],
  [
    `${SYS32}SearchProtocolHost.exe`,
    '"C:\\Windows\\system32\\SearchProtocolHost.exe" Global\\UsGthrFltPipeMssGthrPipe5_ Global\\UsGthrCtrlFltPipeMssGthrPipe5 1 -2147483646 "Software\\Microsoft\\Windows Search" "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT; MS Search 4.0 Robot)" "C:\\ProgramData\\Microsoft\\Search\\Data\\Temp\\usgthrsvc" "DownLevelDaemon"',
  ],
  [`${SYS32}dllhost.exe`, 'C:\\Windows\\system32\\DllHost.exe /Processid:{AB8902B4-09CA-4BB6-B78D-A8F59079A8D5}'],
  [`${SYS32}wermgr.exe`, 'C:\\Windows\\system32\\wermgr.exe -upload'],
  [`${SYS32}dsregcmd.exe`, 'dsregcmd.exe $(Arg0) $(Arg1) $(Arg2)'],
  [
    'C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.23110.3-0\\MpCmdRun.exe',
    '"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.23110.3-0\\MpCmdRun.exe" -IdleTask -TaskName WdCacheMaintenance',
  ],
  [
    'C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.23110.3-0\\MpCmdRun.exe',
    '"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.23110.3-0\\MpCmdRun.exe" SignaturesUpdateService -ScheduleJob -UnmanagedUpdate',
  ],
];

const UPDATERS: readonly (readonly [string, string])[] = [
  [
    'C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe',
    '"C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe" /ua /installsource scheduler',
  ],
  [
    'C:\\Program Files (x86)\\Microsoft\\EdgeUpdate\\MicrosoftEdgeUpdate.exe',
    '"C:\\Program Files (x86)\\Microsoft\\EdgeUpdate\\MicrosoftEdgeUpdate.exe" /ua /installsource scheduler',
  ],
];

const LSASS_READERS = ['0x1000', '0x1400', '0x1000', '0x3000'] as const;

type Chore = 'task' | 'telemetry' | 'lsass' | 'prefetch' | 'registry' | 'cert' | 'update';

const CHORES: readonly (readonly [Chore, number])[] = [
  ['task', 30],
  ['telemetry', 16],
  ['lsass', 8],
  ['prefetch', 12],
  ['registry', 14],
  ['cert', 6],
  ['update', 3],
];

function chore(ctx: Ctx, env: SimEnv, host: WinHost, what: Chore): void {
  const rng = ctx.rng;
  const svc = host.system.svchost;
  switch (what) {
    case 'task': {
      const [image, cmd] = rng.pick(TASKS);
      const p = spawn(ctx, host, { parent: svc, image, cmd });
      if (image.endsWith('CompatTelRunner.exe') || image.endsWith('MpCmdRun.exe')) {
        visit(ctx, env, host, p, rng.pick(SYSTEM_SERVICES), { offset: rng.int(500, 5_000) });
      }
      return;
    }
    case 'telemetry':
      visit(ctx, env, host, svc, rng.pick(SYSTEM_SERVICES), { respBytes: rng.logNormal(6_000, 0.8) });
      return;
    case 'lsass': {
      const src = rng.pick([host.system.defender, svc, host.system.wininit]);
      const access = src === host.system.defender ? '0x1400' : rng.pick(LSASS_READERS);
      processAccess(
        ctx,
        host,
        src,
        host.system.lsass,
        access,
        `C:\\Windows\\SYSTEM32\\ntdll.dll+9d4c4|C:\\Windows\\System32\\KERNELBASE.dll+2c13e|${src.image}+${rng.hex(5)}`,
      );
      return;
    }
    case 'prefetch': {
      const exe = rng.pick([
        'CHROME.EXE',
        'SVCHOST.EXE',
        'TASKHOSTW.EXE',
        'MSEDGE.EXE',
        'OUTLOOK.EXE',
        'BACKGROUNDTASKHOST.EXE',
        'CONHOST.EXE',
      ]);
      fileCreate(ctx, host, svc, `C:\\Windows\\Prefetch\\${exe}-${rng.hex(8).toUpperCase()}.pf`);
      return;
    }
    case 'registry': {
      const owner = host.owner;
      const key =
        owner !== undefined && rng.chance(0.6)
          ? `HKLM\\System\\CurrentControlSet\\Services\\bam\\State\\UserSettings\\${owner.sid}\\\\Device\\HarddiskVolume3\\Windows\\System32\\${rng.pick(['cmd.exe', 'notepad.exe', 'taskmgr.exe', 'mmc.exe'])}`
          : `HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WINEVT\\Publishers\\{${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}}\\Enabled`;
      registry(ctx, host, svc, key, key.includes('\\bam\\') ? 'Binary Data' : 'DWORD (0x00000001)');
      return;
    }
    case 'cert': {
      const f = rng.pick(HTTP_FETCHES);
      const ip = rng.pick(f.service.ips);
      connect(ctx, host, svc, { dstIp: ip, dstPort: 80, dstHost: f.service.domain });
      http(ctx, {
        src: host.ip,
        dst: ip,
        host: f.service.domain,
        method: 'GET',
        uri: rng.pick(f.uris),
        userAgent: USER_AGENTS.cryptoapi,
        status: 200,
        requestBytes: 0,
        responseBytes: rng.int(400, 60_000),
        mime: f.mime,
      });
      return;
    }
    case 'update': {
      const [image, cmd] = rng.pick(UPDATERS);
      const p = spawn(ctx, host, { parent: svc, image, cmd });
      visit(
        ctx,
        env,
        host,
        p,
        { domain: 'update.googleapis.com', ips: ['142.250.184.227'], port: 443 },
        { offset: rng.int(800, 3_000) },
      );
      // Updaters occasionally (re)register their service and scheduled task, as installers do.
      if (rng.chance(0.15)) {
        const edge = image.includes('EdgeUpdate');
        serviceInstall(
          ctx,
          host,
          systemAccount(),
          '0x3e7',
          edge ? 'Microsoft Edge Update Service (edgeupdate)' : 'Google Update Service (gupdate)',
          `"${image}" /svc`,
          rng.int(3_000, 6_000),
        );
        taskCreated(
          ctx,
          host,
          systemAccount(),
          '0x3e7',
          {
            name: edge
              ? `\\MicrosoftEdgeUpdateTaskMachineUA`
              : `\\GoogleUpdateTaskMachineUA{${rng.hex(8).toUpperCase()}-${rng.hex(4).toUpperCase()}-${rng.hex(4).toUpperCase()}-${rng.hex(4).toUpperCase()}-${rng.hex(12).toUpperCase()}}`,
            command: image,
            args: '/ua /installsource scheduler',
            runAs: 'S-1-5-18',
            trigger: 'daily',
          },
          rng.int(6_000, 9_000),
        );
      }
      return;
    }
  }
}

/** The machine account's Group Policy refresh: Kerberos, LDAP, SYSVOL reads on the DC. */
function policyRefresh(ctx: Ctx, env: SimEnv, host: WinHost): void {
  const rng = ctx.rng;
  const dc = env.world.dc;
  const machine = host.machineAccount;
  if (host !== dc) {
    kerberosService(ctx, dc, machine, dc.machineAccount, host.ip);
    conn(ctx, {
      src: host.ip,
      sport: ephemeralPort(ctx),
      dst: dc.ip,
      dport: 389,
      proto: 'tcp',
      service: 'ldap',
      duration: rng.range(0.01, 0.2),
      origBytes: rng.int(1_500, 4_000),
      respBytes: rng.int(3_000, 12_000),
      offset: 10,
    });
  }
  const sport = ephemeralPort(ctx);
  const id = logon(ctx, dc, machine, { type: 3, ip: host.ip, port: sport, offset: 40 });
  shareAccess(ctx, dc, machine, id, {
    share: 'SYSVOL',
    localPath: 'C:\\Windows\\SYSVOL\\sysvol',
    ip: host.ip,
    port: sport,
    file: 'corp.example.com\\Policies\\{31B2F340-016D-11D2-945F-00C04FB984F9}\\gpt.ini',
    offset: 60,
  });
  if (host !== dc) {
    conn(ctx, {
      src: host.ip,
      sport,
      dst: dc.ip,
      dport: 445,
      proto: 'tcp',
      service: 'gssapi,smb,krb',
      duration: rng.range(0.05, 0.6),
      origBytes: rng.int(2_000, 6_000),
      respBytes: rng.int(3_000, 9_000),
      offset: 50,
    });
  }
  logoff(ctx, dc, machine, id, 3, rng.int(500, 3_000));
}

/** Background of one Windows host. */
export function* windowsSystem(ctx: Ctx, env: SimEnv, host: WinHost): Script {
  const mean = (host.role === 'workstation' ? 95_000 : 70_000) / env.intensity;
  let nextPolicy = ctx.now + ctx.rng.range(0, 90) * MINUTE;
  for (;;) {
    if (ctx.now >= nextPolicy) {
      policyRefresh(ctx, env, host);
      nextPolicy = ctx.now + ctx.rng.range(90, 120) * MINUTE;
    } else {
      chore(ctx, env, host, ctx.rng.weighted(CHORES));
    }
    yield Math.min(ctx.rng.exp(mean), Math.max(1, nextPolicy - ctx.now));
  }
}
