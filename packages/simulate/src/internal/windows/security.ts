/**
 * @module
 * Authentication in the Windows Security log: logons (4624/4625/4634/4672) and Kerberos and
 * NTLM on the domain controller (4768/4769/4776).
 */
import type { Ctx } from '../engine/scheduler.js';
import type { Account, WinHost } from '../world/world.js';
import { hexId, logonGuid } from './process.js';

/** Logon types used by the simulation. */
export type LogonType = 2 | 3 | 5 | 7 | 10;

/** How a session was established. */
export interface LogonOptions {
  readonly type: LogonType;
  readonly ip?: string;
  readonly port?: number;
  /** Client computer name (NTLM). */
  readonly workstation?: string;
  readonly auth?: 'Kerberos' | 'NTLM' | 'Negotiate';
  /** Also write 4672 (admin or service logons). */
  readonly privileged?: boolean;
  readonly offset?: number;
}

const ADMIN_PRIVILEGES = [
  'SeSecurityPrivilege',
  'SeBackupPrivilege',
  'SeRestorePrivilege',
  'SeTakeOwnershipPrivilege',
  'SeDebugPrivilege',
  'SeSystemEnvironmentPrivilege',
  'SeLoadDriverPrivilege',
  'SeImpersonatePrivilege',
  'SeDelegateSessionUserImpersonatePrivilege',
].join('\r\n\t\t\t');

/** The Subject* fields of an event done by `account` in session `logonId`. */
export function subjectOf(account: Account, logonId: string): Record<string, string> {
  return {
    SubjectUserSid: account.sid,
    SubjectUserName: account.sam,
    SubjectDomainName: account.domain,
    SubjectLogonId: logonId,
  };
}

/** Next logon id on the host. */
export function newLogonId(ctx: Ctx, host: WinHost): string {
  host.state.logonCounter += ctx.rng.int(0x100, 0x4000);
  return hexId(host.state.logonCounter);
}

/** 4624 (+ 4672): returns the new logon id. */
export function logon(ctx: Ctx, host: WinHost, account: Account, o: LogonOptions): string {
  const id = newLogonId(ctx, host);
  const offset = o.offset ?? 0;
  const auth = o.auth ?? (o.type === 3 ? 'Kerberos' : 'Negotiate');
  const network = o.type === 3;
  const ntlm = auth === 'NTLM';
  const local = o.type === 2 || o.type === 7 || o.type === 10 || o.type === 5;
  ctx.emit(offset, {
    kind: 'win',
    host,
    channel: 'security',
    id: 4624,
    // Written out rather than spread in: a spread followed by many keys leaves V8's fast path.
    data: {
      SubjectUserSid: network ? 'S-1-0-0' : 'S-1-5-18',
      SubjectUserName: network ? '-' : `${host.name}$`,
      SubjectDomainName: network ? '-' : 'CORP',
      SubjectLogonId: network ? '0x0' : '0x3e7',
      TargetUserSid: account.sid,
      TargetUserName: account.sam,
      TargetDomainName: account.domain,
      TargetLogonId: id,
      LogonType: String(o.type),
      LogonProcessName: network ? (ntlm ? 'NtLmSsp ' : 'Kerberos') : o.type === 5 ? 'Advapi  ' : 'User32 ',
      AuthenticationPackageName: auth,
      WorkstationName: ntlm || local ? (o.workstation ?? host.name) : '-',
      LogonGuid:
        ntlm || o.type === 5 ? '{00000000-0000-0000-0000-000000000000}' : logonGuid(host, id, ctx.now + offset),
      TransmittedServices: '-',
      LmPackageName: ntlm ? 'NTLM V2' : '-',
      KeyLength: ntlm ? '128' : '0',
      ProcessId: network ? '0x0' : hexId(o.type === 5 ? host.system.services.pid : host.system.svchost.pid),
      ProcessName: network
        ? '-'
        : o.type === 5
          ? 'C:\\Windows\\System32\\services.exe'
          : 'C:\\Windows\\System32\\svchost.exe',
      IpAddress: o.ip ?? (local ? '127.0.0.1' : '-'),
      IpPort: String(o.port ?? 0),
      ImpersonationLevel: '%%1833',
      RestrictedAdminMode: o.type === 10 ? '%%1843' : '-',
      TargetOutboundUserName: '-',
      TargetOutboundDomainName: '-',
      VirtualAccount: '%%1843',
      TargetLinkedLogonId: '0x0',
      ElevatedToken: o.privileged === true ? '%%1842' : '%%1843',
    },
  });
  if (o.privileged === true) {
    ctx.emit(offset, {
      kind: 'win',
      host,
      channel: 'security',
      id: 4672,
      data: { ...subjectOf(account, id), PrivilegeList: ADMIN_PRIVILEGES },
    });
  }
  return id;
}

/** How a failed logon was attempted. */
export interface FailureOptions {
  readonly type: 3 | 10 | 2;
  readonly ip: string;
  readonly port?: number;
  readonly workstation: string;
  /** True when the account does not exist (SubStatus 0xc0000064). */
  readonly unknownUser?: boolean;
  /** Interactive typo at the logon screen rather than a network (NTLM) attempt. */
  readonly interactive?: boolean;
  readonly offset?: number;
}

/** 4625, a failed logon for `user` in `domain`. */
export function logonFailure(ctx: Ctx, host: WinHost, user: string, domain: string, o: FailureOptions): void {
  ctx.emit(o.offset ?? 0, {
    kind: 'win',
    host,
    channel: 'security',
    id: 4625,
    failure: true,
    data: {
      SubjectUserSid: 'S-1-0-0',
      SubjectUserName: '-',
      SubjectDomainName: '-',
      SubjectLogonId: '0x0',
      TargetUserSid: 'S-1-0-0',
      TargetUserName: user,
      TargetDomainName: domain,
      Status: '0xc000006d',
      FailureReason: '%%2313',
      SubStatus: o.unknownUser === true ? '0xc0000064' : '0xc000006a',
      LogonType: String(o.type),
      LogonProcessName: o.interactive === true ? 'User32 ' : 'NtLmSsp ',
      AuthenticationPackageName: o.interactive === true ? 'Negotiate' : 'NTLM',
      WorkstationName: o.workstation,
      TransmittedServices: '-',
      LmPackageName: '-',
      KeyLength: '0',
      ProcessId: o.interactive === true ? hexId(host.system.svchost.pid) : '0x0',
      ProcessName: o.interactive === true ? 'C:\\Windows\\System32\\svchost.exe' : '-',
      IpAddress: o.ip,
      IpPort: String(o.port ?? 0),
    },
  });
}

/** 4634. */
export function logoff(ctx: Ctx, host: WinHost, account: Account, logonId: string, type: LogonType, offset = 0): void {
  ctx.emit(offset, {
    kind: 'win',
    host,
    channel: 'security',
    id: 4634,
    data: {
      TargetUserSid: account.sid,
      TargetUserName: account.sam,
      TargetDomainName: account.domain,
      TargetLogonId: logonId,
      LogonType: String(type),
    },
  });
}

/** 4768 on the DC: a TGT for `account` requested from `ip`. */
export function kerberosTgt(ctx: Ctx, dc: WinHost, account: Account, ip: string, offset = 0): void {
  ctx.emit(offset, {
    kind: 'win',
    host: dc,
    channel: 'security',
    id: 4768,
    data: {
      TargetUserName: account.sam,
      TargetDomainName: 'CORP.EXAMPLE.COM',
      TargetSid: account.sid,
      ServiceName: 'krbtgt',
      ServiceSid: `${account.sid.slice(0, account.sid.lastIndexOf('-'))}-502`,
      TicketOptions: '0x40810010',
      Status: '0x0',
      TicketEncryptionType: '0x12',
      PreAuthType: '2',
      IpAddress: `::ffff:${ip}`,
      IpPort: String(ctx.rng.int(49_152, 65_535)),
      CertIssuerName: '',
      CertSerialNumber: '',
      CertThumbprint: '',
    },
  });
}

/** 4769 on the DC: a ticket for the service account `service` (a computer such as `FS-01$`). */
export function kerberosService(
  ctx: Ctx,
  dc: WinHost,
  account: Account,
  service: Account,
  ip: string,
  offset = 0,
): void {
  ctx.emit(offset, {
    kind: 'win',
    host: dc,
    channel: 'security',
    id: 4769,
    data: {
      TargetUserName: `${account.sam}@CORP.EXAMPLE.COM`,
      TargetDomainName: 'CORP.EXAMPLE.COM',
      ServiceName: service.sam,
      ServiceSid: service.sid,
      TicketOptions: '0x40810000',
      TicketEncryptionType: '0x12',
      IpAddress: `::ffff:${ip}`,
      IpPort: String(ctx.rng.int(49_152, 65_535)),
      Status: '0x0',
      LogonGuid: `{${ctx.rng.hex(8)}-${ctx.rng.hex(4)}-${ctx.rng.hex(4)}-${ctx.rng.hex(4)}-${ctx.rng.hex(12)}}`,
      TransmittedServices: '-',
    },
  });
}

/** 4776 on the DC: NTLM credential validation (failure when `ok` is false). */
export function ntlmValidation(
  ctx: Ctx,
  dc: WinHost,
  user: string,
  workstation: string,
  ok: boolean,
  offset = 0,
): void {
  ctx.emit(offset, {
    kind: 'win',
    host: dc,
    channel: 'security',
    id: 4776,
    ...(ok ? {} : { failure: true }),
    data: {
      PackageName: 'MICROSOFT_AUTHENTICATION_PACKAGE_V1_0',
      TargetUserName: user,
      Workstation: workstation,
      Status: ok ? '0x0' : '0xc000006a',
    },
  });
}
