/**
 * @module
 * A workstation and its user through the working day: the morning logon (Kerberos on the DC,
 * 4624 type 2, shell start-up), browsing, mail, Teams, documents, file-share visits, the odd
 * console command, and the evening logoff.
 */
import { visit } from '../activity/web.js';
import { smbSession } from '../activity/smb.js';
import type { SimEnv } from '../engine/env.js';
import { daySchedule, MINUTE, nextMidnight, workFactor } from '../engine/rhythm.js';
import type { Ctx, Script } from '../engine/scheduler.js';
import { conn } from '../network/zeek.js';
import { fileCreate, imageLoad, registry, spawn } from '../windows/process.js';
import { kerberosService, kerberosTgt, logoff, logon, logonFailure } from '../windows/security.js';
import { OFFICE_SERVICES, WEB } from '../world/internet.js';
import type { Proc, User, WinHost } from '../world/world.js';
import { APPS, DOCUMENTS, SHARE_FILES, SHARES, userApps } from './apps.js';

/** Finds or starts a long-running app of the interactive user. */
function app(ctx: Ctx, host: WinHost, image: string, cmd: string): Proc {
  const running = host.state.apps.find((p) => p.image === image);
  if (running !== undefined) return running;
  const shell = host.state.shell;
  if (shell === undefined) throw new Error('no interactive session');
  const p = spawn(ctx, host, { parent: shell, image, cmd, cwd: shell.cwd });
  host.state.apps.push(p);
  return p;
}

function userProfile(user: User): string {
  return `C:\\Users\\${user.sam}`;
}

/** Morning logon; `silent` restores a session already open when the run starts. */
function logOn(ctx: Ctx, env: SimEnv, host: WinHost, user: User, silent: boolean): void {
  const rng = ctx.rng;
  const dc = env.world.dc;
  let logonId: string;
  if (silent) {
    logonId = `0x${rng.int(0x40000, 0x900000).toString(16)}`;
  } else {
    kerberosTgt(ctx, dc, user, host.ip);
    kerberosService(ctx, dc, user, host.machineAccount, host.ip, 3);
    conn(ctx, {
      src: host.ip,
      sport: rng.int(49_152, 65_535),
      dst: dc.ip,
      dport: 88,
      proto: 'tcp',
      service: 'krb_tcp',
      duration: 0.01,
      origBytes: 1_650,
      respBytes: 1_580,
    });
    logonId = logon(ctx, host, user, { type: 2, offset: rng.int(20, 80) });
  }
  const base = {
    user: `${user.domain}\\${user.sam}`,
    sid: user.sid,
    logonId,
    integrity: 'Medium' as const,
    session: 1,
    cwd: `${userProfile(user)}\\`,
  };
  if (silent) {
    host.state.shell = {
      ...host.system.winlogon,
      ...base,
      pid: rng.int(2000, 9000) * 4,
      image: APPS.explorer,
      cmd: 'C:\\Windows\\Explorer.EXE',
      guid: `{${host.guidPrefix}-0a1c-5f00-7701-${host.guidSuffix}}`,
    };
  } else {
    const parent: Proc = { ...host.system.winlogon, session: 1 };
    const userinit = spawn(ctx, host, {
      parent,
      image: APPS.userinit,
      cmd: 'C:\\Windows\\system32\\userinit.exe',
      account: user,
      logonId,
      integrity: 'Medium',
      offset: 400,
    });
    const shell = spawn(ctx, host, {
      parent: userinit,
      image: APPS.explorer,
      cmd: 'C:\\Windows\\Explorer.EXE',
      offset: 900,
      cwd: 'C:\\Windows\\system32\\',
    });
    host.state.shell = { ...shell, ...base, pid: shell.pid, guid: shell.guid };
    registry(
      ctx,
      host,
      shell,
      `HKU\\${user.sid}\\Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\SessionInfo\\1\\ApplicationViewManagement`,
      undefined,
      1_500,
    );
  }
  host.state.shellLogonId = logonId;
  const shell = host.state.shell;
  if (shell === undefined) return;
  const own = userApps(user.sam);
  const od = app(ctx, host, own.onedrive, `"${own.onedrive}" /background`);
  registry(
    ctx,
    host,
    od,
    `HKU\\${user.sid}\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\OneDrive`,
    `"${own.onedrive}" /background`,
    2_000,
  );
  visit(ctx, env, host, od, OFFICE_SERVICES.onedrive, { offset: 2_500 });
  app(ctx, host, own.teams, `"${own.teams}" msteams:system-initiated`);
}

function logOff(ctx: Ctx, host: WinHost, user: User): void {
  const id = host.state.shellLogonId;
  host.state.shell = undefined;
  host.state.shellLogonId = undefined;
  host.state.apps.length = 0;
  if (id !== undefined) logoff(ctx, host, user, id, 2, ctx.rng.int(500, 4_000));
}

type Activity = 'browse' | 'mail' | 'teams' | 'document' | 'share' | 'download' | 'console';

const ACTIVITIES: readonly (readonly [Activity, number])[] = [
  ['browse', 40],
  ['mail', 14],
  ['teams', 10],
  ['document', 14],
  ['share', 10],
  ['download', 3],
  ['console', 2],
];

function doActivity(ctx: Ctx, env: SimEnv, host: WinHost, user: User, what: Activity): void {
  const rng = ctx.rng;
  const shell = host.state.shell;
  if (shell === undefined) return;
  switch (what) {
    case 'browse': {
      const browser = user.sam.length % 3 === 0 ? APPS.msedge : APPS.chrome;
      const p = app(ctx, host, browser, `"${browser}"`);
      const pages = rng.int(1, 4);
      let offset = 0;
      for (let i = 0; i < pages; i++) {
        offset = visit(ctx, env, host, p, rng.weighted(WEB), { offset }) + rng.int(200, 8_000);
      }
      return;
    }
    case 'mail': {
      const p = app(ctx, host, APPS.outlook, `"${APPS.outlook}" `);
      visit(ctx, env, host, p, OFFICE_SERVICES.outlook, {
        resolve: rng.chance(0.3),
        respBytes: rng.logNormal(60_000, 1.2),
      });
      return;
    }
    case 'teams': {
      const own = userApps(user.sam);
      const p = app(ctx, host, own.teams, `"${own.teams}" msteams:system-initiated`);
      visit(ctx, env, host, p, OFFICE_SERVICES.teams, { resolve: rng.chance(0.3), duration: rng.logNormal(60, 1) });
      return;
    }
    case 'document': {
      const kind = rng.pick(['word', 'excel', 'powerpnt', 'acrobat'] as const);
      const doc = rng.pick(DOCUMENTS[kind]);
      const image = APPS[kind];
      const path = `${userProfile(user)}\\Documents\\${doc}`;
      const p = spawn(ctx, host, {
        parent: shell,
        image,
        cmd: kind === 'acrobat' ? `"${image}" "${path}"` : `"${image}" /n "${path}"`,
      });
      imageLoad(ctx, host, p, 'C:\\Windows\\System32\\amsi.dll', 120);
      if (kind !== 'acrobat') {
        fileCreate(ctx, host, p, `${userProfile(user)}\\Documents\\~$${doc.slice(2)}`, rng.int(400, 2_000));
        visit(ctx, env, host, p, OFFICE_SERVICES.onedrive, { offset: rng.int(1_000, 5_000), resolve: false });
      }
      fileCreate(
        ctx,
        host,
        shell,
        `${userProfile(user)}\\AppData\\Roaming\\Microsoft\\Windows\\Recent\\${doc}.lnk`,
        rng.int(100, 600),
      );
      return;
    }
    case 'share': {
      const share = rng.pick(SHARES);
      smbSession(ctx, env, host, user, env.world.fs, {
        share,
        file: rng.pick(SHARE_FILES),
        write: rng.chance(0.25),
        hold: rng.int(2_000, 300_000),
        read: rng.logNormal(200_000, 1.5),
      });
      return;
    }
    case 'download': {
      const browser = app(ctx, host, APPS.chrome, `"${APPS.chrome}"`);
      const name = rng.pick([
        'Invoice-10442.pdf',
        'agenda.docx',
        'report-final.xlsx',
        'ZoomInstaller.exe',
        'brochure.pdf',
      ]);
      visit(ctx, env, host, browser, rng.weighted(WEB), { respBytes: rng.logNormal(2_000_000, 1) });
      fileCreate(ctx, host, browser, `${userProfile(user)}\\Downloads\\${name}`, rng.int(800, 6_000));
      fileCreate(ctx, host, browser, `${userProfile(user)}\\Downloads\\${name}:Zone.Identifier`, rng.int(6_001, 6_100));
      return;
    }
    case 'console': {
      const cmd = spawn(ctx, host, { parent: shell, image: APPS.cmd, cmd: '"C:\\Windows\\system32\\cmd.exe" ' });
      spawn(ctx, host, {
        parent: cmd,
        image: APPS.conhost,
        cmd: '\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1',
        offset: 15,
        security: false,
      });
      const line = rng.pick([
        'ipconfig /all',
        'ping fs-01',
        'nslookup corpexample.sharepoint.com',
        'gpupdate /force',
        'ipconfig /flushdns',
      ]);
      const exe = line.slice(0, line.indexOf(' '));
      spawn(ctx, host, {
        parent: cmd,
        image: `C:\\Windows\\System32\\${exe}.exe`,
        cmd: line,
        offset: rng.int(3_000, 20_000),
      });
      return;
    }
  }
}

/** The workstation's user, day after day. */
export function* workstationUser(ctx: Ctx, env: SimEnv, host: WinHost): Script {
  const user = host.owner;
  if (user === undefined) return;
  const schedule = ctx.rng.fork('schedule');
  let first = true;
  let typoDay = 0;
  for (;;) {
    const s = daySchedule(schedule, ctx.now);
    if (ctx.now < s.on) {
      first = false;
      yield s.on - ctx.now;
      continue;
    }
    if (ctx.now >= s.off) {
      if (host.state.shell !== undefined) logOff(ctx, host, user);
      first = false;
      yield nextMidnight(ctx.now) - ctx.now + 1;
      continue;
    }
    if (host.state.shell === undefined) {
      const silent = first && ctx.now - s.on > 5 * MINUTE;
      // Now and then the first password attempt of the day is mistyped.
      if (!silent && typoDay !== s.on && ctx.rng.chance(0.12)) {
        typoDay = s.on;
        logonFailure(ctx, host, user.sam, user.domain, {
          type: 2,
          ip: '127.0.0.1',
          workstation: host.name,
          interactive: true,
        });
        first = false;
        yield ctx.rng.int(3_000, 12_000);
        continue;
      }
      logOn(ctx, env, host, user, silent);
    }
    first = false;
    doActivity(ctx, env, host, user, ctx.rng.weighted(ACTIVITIES));
    // People are busiest mid-morning; the gap stretches over lunch and late in the day.
    const mean = 75_000 / env.intensity / Math.max(0.3, workFactor(ctx.now));
    yield Math.min(ctx.rng.exp(mean), s.off - ctx.now);
  }
}
