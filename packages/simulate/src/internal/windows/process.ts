/**
 * @module
 * Process-level Windows telemetry: process creation (Sysmon 1 with its Security 4688 twin),
 * network connections (3), image loads (7), process access (10), file creation (11), registry
 * changes (12/13) and DNS queries (22). Fields follow the Sysmon 13+ schema order.
 */
import type { Ctx } from '../engine/scheduler.js';
import type { Account, Proc, WinHost } from '../world/world.js';
import { imageHashes, imageInfo } from './images.js';
import { utcTime } from './render.js';

const SYSTEM_ACCOUNT: Account = { sam: 'SYSTEM', domain: 'NT AUTHORITY', sid: 'S-1-5-18' };

/** The SYSTEM account. */
export function systemAccount(): Account {
  return SYSTEM_ACCOUNT;
}

function hex4(n: number): string {
  return (n & 0xffff).toString(16).padStart(4, '0');
}

/** `0x1a2b` form used by the Security log. */
export function hexId(n: number): string {
  return `0x${n.toString(16)}`;
}

/** Sysmon LogonGuid of a logon session: host prefix, logon time, logon id little-endian. */
export function logonGuid(host: WinHost, logonId: string, t: number): string {
  const id = Number.parseInt(logonId, 16) || 0x3e7;
  const sec = Math.floor(t / 1000);
  const le = [id & 0xff, (id >>> 8) & 0xff, (id >>> 16) & 0xff, (id >>> 24) & 0xff]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');
  return `{${host.guidPrefix}-${hex4(sec)}-${hex4(sec >>> 16)}-${le.slice(0, 4)}-${le.slice(4)}00000000}`;
}

const INTEGRITY_LABEL: Readonly<Record<Proc['integrity'], string>> = {
  Low: 'S-1-16-4096',
  Medium: 'S-1-16-8192',
  High: 'S-1-16-12288',
  System: 'S-1-16-16384',
};

/** What to start. Account, logon and session default to the parent's. */
export interface SpawnOptions {
  readonly parent: Proc;
  readonly image: string;
  readonly cmd: string;
  readonly account?: Account;
  readonly logonId?: string;
  readonly integrity?: Proc['integrity'];
  readonly cwd?: string;
  /** ms from now. */
  readonly offset?: number;
  /** Also write Security 4688 (default true). */
  readonly security?: boolean;
}

/** Starts a process: Sysmon 1 plus Security 4688; returns the new process. */
export function spawn(ctx: Ctx, host: WinHost, o: SpawnOptions): Proc {
  const offset = o.offset ?? 0;
  const t = ctx.now + offset;
  const st = host.state;
  st.nextPid += 4 * ctx.rng.int(1, 60);
  if (st.nextPid > 19_000) st.nextPid = 1_000 + 4 * ctx.rng.int(0, 250);
  st.procCounter = (st.procCounter + 1) & 0xffff;
  const sec = Math.floor(t / 1000);
  const c = hex4(st.procCounter);
  const account = o.account;
  const user = account === undefined ? o.parent.user : `${account.domain}\\${account.sam}`;
  const sid = account === undefined ? o.parent.sid : account.sid;
  const proc: Proc = {
    pid: st.nextPid,
    guid: `{${host.guidPrefix}-${hex4(sec)}-${hex4(sec >>> 16)}-${c.slice(2)}${c.slice(0, 2)}-${host.guidSuffix}}`,
    image: o.image,
    cmd: o.cmd,
    user,
    sid,
    logonId: o.logonId ?? o.parent.logonId,
    integrity: o.integrity ?? o.parent.integrity,
    session: o.parent.session,
    cwd: o.cwd ?? o.parent.cwd,
  };
  const info = imageInfo(o.image, host.build);
  ctx.emit(offset, {
    kind: 'win',
    host,
    channel: 'sysmon',
    id: 1,
    data: {
      ProcessGuid: proc.guid,
      ProcessId: String(proc.pid),
      Image: proc.image,
      FileVersion: info.version,
      Description: info.description,
      Product: info.product,
      Company: info.company,
      OriginalFileName: info.original,
      CommandLine: proc.cmd,
      CurrentDirectory: proc.cwd,
      User: proc.user,
      LogonGuid: logonGuid(host, proc.logonId, t),
      LogonId: proc.logonId,
      TerminalSessionId: String(proc.session),
      IntegrityLevel: proc.integrity,
      Hashes: imageHashes(proc.image, info),
      ParentProcessGuid: o.parent.guid,
      ParentProcessId: String(o.parent.pid),
      ParentImage: o.parent.image,
      ParentCommandLine: o.parent.cmd,
      ParentUser: o.parent.user,
    },
  });
  if (o.security !== false) {
    const system = proc.sid === 'S-1-5-18';
    const sep = proc.user.indexOf('\\');
    ctx.emit(offset + ctx.rng.int(0, 3), {
      kind: 'win',
      host,
      channel: 'security',
      id: 4688,
      data: {
        SubjectUserSid: proc.sid,
        SubjectUserName: system ? `${host.name}$` : proc.user.slice(sep + 1),
        SubjectDomainName: system ? 'CORP' : proc.user.slice(0, sep),
        SubjectLogonId: proc.logonId,
        NewProcessId: hexId(proc.pid),
        NewProcessName: proc.image,
        TokenElevationType: proc.integrity === 'High' ? '%%1937' : system ? '%%1936' : '%%1938',
        ProcessId: hexId(o.parent.pid),
        CommandLine: proc.cmd,
        TargetUserSid: 'S-1-0-0',
        TargetUserName: '-',
        TargetDomainName: '-',
        TargetLogonId: '0x0',
        ParentProcessName: o.parent.image,
        MandatoryLabel: INTEGRITY_LABEL[proc.integrity],
      },
    });
  }
  return proc;
}

/** A Windows ephemeral source port. */
export function ephemeralPort(ctx: Ctx): number {
  return ctx.rng.int(49_152, 65_535);
}

/** What a network connection looks like from the host. */
export interface ConnectOptions {
  readonly dstIp: string;
  readonly dstPort: number;
  readonly srcPort?: number;
  readonly protocol?: 'tcp' | 'udp';
  readonly dstHost?: string;
  readonly offset?: number;
}

const PORT_NAMES: Readonly<Record<number, string>> = {
  53: 'domain',
  80: 'http',
  88: 'kerberos',
  135: 'epmap',
  389: 'ldap',
  443: 'https',
  445: 'microsoft-ds',
  3389: 'ms-wbt-server',
};

/** Sysmon 3, outbound connection initiated by `proc`; returns the source port used. */
export function connect(ctx: Ctx, host: WinHost, proc: Proc, o: ConnectOptions): number {
  const sport = o.srcPort ?? ephemeralPort(ctx);
  ctx.emit(o.offset ?? 0, {
    kind: 'win',
    host,
    channel: 'sysmon',
    id: 3,
    data: {
      ProcessGuid: proc.guid,
      ProcessId: String(proc.pid),
      Image: proc.image,
      User: proc.user,
      Protocol: o.protocol ?? 'tcp',
      Initiated: 'true',
      SourceIsIpv6: 'false',
      SourceIp: host.ip,
      SourceHostname: host.fqdn,
      SourcePort: String(sport),
      SourcePortName: '-',
      DestinationIsIpv6: 'false',
      DestinationIp: o.dstIp,
      DestinationHostname: o.dstHost ?? '-',
      DestinationPort: String(o.dstPort),
      DestinationPortName: PORT_NAMES[o.dstPort] ?? '-',
    },
  });
  return sport;
}

/** Sysmon 3 for an inbound connection accepted by `proc` (e.g. SMB by System, RDP by svchost). */
export function accept(
  ctx: Ctx,
  host: WinHost,
  proc: Proc,
  srcIp: string,
  srcPort: number,
  port: number,
  offset = 0,
): void {
  ctx.emit(offset, {
    kind: 'win',
    host,
    channel: 'sysmon',
    id: 3,
    data: {
      ProcessGuid: proc.guid,
      ProcessId: String(proc.pid),
      Image: proc.image,
      User: proc.user,
      Protocol: 'tcp',
      Initiated: 'false',
      SourceIsIpv6: 'false',
      SourceIp: srcIp,
      SourceHostname: '-',
      SourcePort: String(srcPort),
      SourcePortName: '-',
      DestinationIsIpv6: 'false',
      DestinationIp: host.ip,
      DestinationHostname: host.fqdn,
      DestinationPort: String(port),
      DestinationPortName: PORT_NAMES[port] ?? '-',
    },
  });
}

/** Sysmon 7, a DLL loaded by `proc`. */
export function imageLoad(ctx: Ctx, host: WinHost, proc: Proc, dll: string, offset = 0): void {
  const info = imageInfo(dll, host.build);
  ctx.emit(offset, {
    kind: 'win',
    host,
    channel: 'sysmon',
    id: 7,
    data: {
      ProcessGuid: proc.guid,
      ProcessId: String(proc.pid),
      Image: proc.image,
      ImageLoaded: dll,
      FileVersion: info.version,
      Description: info.description,
      Product: info.product,
      Company: info.company,
      OriginalFileName: info.original,
      Hashes: imageHashes(dll, info),
      Signed: info.signature === '' ? 'false' : 'true',
      Signature: info.signature === '' ? '-' : info.signature,
      SignatureStatus: info.signature === '' ? 'Unavailable' : 'Valid',
      User: proc.user,
    },
  });
}

/** Sysmon 10, `source` opened a handle to `target` with `access`. */
export function processAccess(
  ctx: Ctx,
  host: WinHost,
  source: Proc,
  target: Proc,
  access: string,
  callTrace: string,
  offset = 0,
): void {
  ctx.emit(offset, {
    kind: 'win',
    host,
    channel: 'sysmon',
    id: 10,
    data: {
      SourceProcessGUID: source.guid,
      SourceProcessId: String(source.pid),
      SourceThreadId: String(ctx.rng.int(1000, 9000)),
      SourceImage: source.image,
      TargetProcessGUID: target.guid,
      TargetProcessId: String(target.pid),
      TargetImage: target.image,
      GrantedAccess: access,
      CallTrace: callTrace,
      SourceUser: source.user,
      TargetUser: target.user,
    },
  });
}

/** Sysmon 11, `proc` created a file. */
export function fileCreate(ctx: Ctx, host: WinHost, proc: Proc, path: string, offset = 0): void {
  ctx.emit(offset, {
    kind: 'win',
    host,
    channel: 'sysmon',
    id: 11,
    data: {
      ProcessGuid: proc.guid,
      ProcessId: String(proc.pid),
      Image: proc.image,
      TargetFilename: path,
      CreationUtcTime: utcTime(ctx.now + offset),
      User: proc.user,
    },
  });
}

/** Sysmon 12 (key created) when `details` is undefined, else Sysmon 13 (value set). */
export function registry(ctx: Ctx, host: WinHost, proc: Proc, key: string, details?: string, offset = 0): void {
  const base = { ProcessGuid: proc.guid, ProcessId: String(proc.pid), Image: proc.image, TargetObject: key };
  ctx.emit(offset, {
    kind: 'win',
    host,
    channel: 'sysmon',
    id: details === undefined ? 12 : 13,
    data:
      details === undefined
        ? { EventType: 'CreateKey', ...base, User: proc.user }
        : { EventType: 'SetValue', ...base, Details: details, User: proc.user },
  });
}

/** Sysmon 22, a DNS lookup by `proc`; `answers` are IPs (or `type: 5 <cname>` entries). */
export function dnsQuery(
  ctx: Ctx,
  host: WinHost,
  proc: Proc,
  name: string,
  answers: readonly string[],
  offset = 0,
): void {
  const results =
    answers.length === 0 ? '-' : answers.map((a) => (a.startsWith('type:') ? a : `::ffff:${a}`)).join(';') + ';';
  ctx.emit(offset, {
    kind: 'win',
    host,
    channel: 'sysmon',
    id: 22,
    data: {
      ProcessGuid: proc.guid,
      ProcessId: String(proc.pid),
      QueryName: name,
      QueryStatus: answers.length === 0 ? '9003' : '0',
      QueryResults: results,
      Image: proc.image,
      User: proc.user,
    },
  });
}
