/**
 * @module
 * Changes recorded in the Windows Security and System logs: share access (5140/5145), service
 * installs (4697 and System 7045), scheduled tasks (4698) and new accounts (4720/4722/4732).
 */
import type { Ctx } from '../engine/scheduler.js';
import type { Account, WinHost } from '../world/world.js';
import { subjectOf } from './security.js';

/** Share access: 5140, and 5145 for `file` when given. */
export interface ShareOptions {
  readonly share: string;
  readonly localPath: string;
  readonly ip: string;
  readonly port: number;
  readonly file?: string;
  readonly write?: boolean;
  readonly offset?: number;
}

/** 5140 (+ 5145) on the server. */
export function shareAccess(ctx: Ctx, host: WinHost, account: Account, logonId: string, o: ShareOptions): void {
  const shareName = `\\\\*\\${o.share}`;
  const localPath = o.localPath === '' ? '' : `\\??\\${o.localPath}`;
  const offset = o.offset ?? 0;
  ctx.emit(offset, {
    kind: 'win',
    host,
    channel: 'security',
    id: 5140,
    data: {
      SubjectUserSid: account.sid,
      SubjectUserName: account.sam,
      SubjectDomainName: account.domain,
      SubjectLogonId: logonId,
      ObjectType: 'File',
      IpAddress: o.ip,
      IpPort: String(o.port),
      ShareName: shareName,
      ShareLocalPath: localPath,
      AccessMask: '0x1',
      AccessList: '%%4416\r\n\t\t\t\t',
    },
  });
  if (o.file !== undefined) {
    ctx.emit(offset + ctx.rng.int(1, 40), {
      kind: 'win',
      host,
      channel: 'security',
      id: 5145,
      data: {
        SubjectUserSid: account.sid,
        SubjectUserName: account.sam,
        SubjectDomainName: account.domain,
        SubjectLogonId: logonId,
        ObjectType: 'File',
        IpAddress: o.ip,
        IpPort: String(o.port),
        ShareName: shareName,
        ShareLocalPath: localPath,
        RelativeTargetName: o.file,
        AccessMask: o.write === true ? '0x12019f' : '0x120089',
        AccessList:
          o.write === true
            ? '%%1538\r\n\t\t\t\t%%1541\r\n\t\t\t\t%%4416\r\n\t\t\t\t%%4417\r\n\t\t\t\t%%4418\r\n\t\t\t\t%%4419\r\n\t\t\t\t%%4420\r\n\t\t\t\t%%4423\r\n\t\t\t\t%%4424\r\n\t\t\t\t'
            : '%%1538\r\n\t\t\t\t%%1541\r\n\t\t\t\t%%4416\r\n\t\t\t\t%%4419\r\n\t\t\t\t%%4423\r\n\t\t\t\t',
        AccessReason: '-',
      },
    });
  }
}

/** System 7045 and Security 4697 for a newly installed service. */
export function serviceInstall(
  ctx: Ctx,
  host: WinHost,
  account: Account,
  logonId: string,
  name: string,
  path: string,
  offset = 0,
): void {
  ctx.emit(offset, {
    kind: 'win',
    host,
    channel: 'system',
    id: 7045,
    data: {
      AccountName: account.sam,
      AccountType: 'User',
      Domain: account.domain,
      UserID: account.sid,
      ServiceName: name,
      ImagePath: path,
      ServiceType: 'user mode service',
      StartType: 'demand start',
    },
  });
  ctx.emit(offset + ctx.rng.int(1, 30), {
    kind: 'win',
    host,
    channel: 'security',
    id: 4697,
    data: {
      ...subjectOf(account, logonId),
      ServiceName: name,
      ServiceFileName: path,
      ServiceType: '0x10',
      ServiceStartType: '3',
      ServiceAccount: 'LocalSystem',
    },
  });
}

function escapeXml(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

/** 4698: `name` scheduled to run `command args` with a logon or daily trigger. */
export function taskCreated(
  ctx: Ctx,
  host: WinHost,
  account: Account,
  logonId: string,
  task: {
    readonly name: string;
    readonly command: string;
    readonly args: string;
    readonly runAs: string;
    readonly trigger: 'logon' | 'daily';
  },
  offset = 0,
): void {
  const trigger =
    task.trigger === 'logon'
      ? '<LogonTrigger>\r\n      <Enabled>true</Enabled>\r\n    </LogonTrigger>'
      : `<CalendarTrigger>\r\n      <StartBoundary>${new Date(ctx.now).toISOString().slice(0, 19)}</StartBoundary>\r\n      <Enabled>true</Enabled>\r\n      <ScheduleByDay>\r\n        <DaysInterval>1</DaysInterval>\r\n      </ScheduleByDay>\r\n    </CalendarTrigger>`;
  const xml =
    `<?xml version="1.0" encoding="UTF-16"?>\r\n<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">\r\n` +
    `  <RegistrationInfo>\r\n    <Date>${new Date(ctx.now).toISOString().slice(0, 19)}</Date>\r\n    <Author>${account.domain}\\${account.sam}</Author>\r\n    <URI>${task.name}</URI>\r\n  </RegistrationInfo>\r\n` +
    `  <Triggers>\r\n    ${trigger}\r\n  </Triggers>\r\n` +
    `  <Principals>\r\n    <Principal id="Author">\r\n      <UserId>${task.runAs}</UserId>\r\n      <RunLevel>HighestAvailable</RunLevel>\r\n    </Principal>\r\n  </Principals>\r\n` +
    `  <Settings>\r\n    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>\r\n    <Hidden>false</Hidden>\r\n    <Enabled>true</Enabled>\r\n  </Settings>\r\n` +
    `  <Actions Context="Author">\r\n    <Exec>\r\n      <Command>${task.command}</Command>${task.args === '' ? '' : `\r\n      <Arguments>${task.args}</Arguments>`}\r\n    </Exec>\r\n  </Actions>\r\n</Task>`;
  ctx.emit(offset, {
    kind: 'win',
    host,
    channel: 'security',
    id: 4698,
    data: { ...subjectOf(account, logonId), TaskName: task.name, TaskContent: escapeXml(xml) },
  });
}

/** The account to create: name and SID, and whether it joins the local Administrators. */
export interface NewAccount {
  readonly name: string;
  /** Local accounts: the host name; domain accounts: the NetBIOS domain. */
  readonly domain: string;
  readonly sid: string;
  readonly admin: boolean;
}

/** 4720 + 4722 (+ 4732 into Administrators) on `host` for a new local or domain account. */
export function accountCreated(ctx: Ctx, host: WinHost, by: Account, logonId: string, n: NewAccount, offset = 0): void {
  const subject = {
    SubjectUserSid: by.sid,
    SubjectUserName: by.sam,
    SubjectDomainName: by.domain,
    SubjectLogonId: logonId,
  };
  ctx.emit(offset, {
    kind: 'win',
    host,
    channel: 'security',
    id: 4720,
    data: {
      TargetUserName: n.name,
      TargetDomainName: n.domain,
      TargetSid: n.sid,
      SubjectUserSid: by.sid,
      SubjectUserName: by.sam,
      SubjectDomainName: by.domain,
      SubjectLogonId: logonId,
      PrivilegeList: '-',
      SamAccountName: n.name,
      DisplayName: '%%1793',
      UserPrincipalName: '-',
      HomeDirectory: '%%1793',
      HomePath: '%%1793',
      ScriptPath: '%%1793',
      ProfilePath: '%%1793',
      UserWorkstations: '%%1793',
      PasswordLastSet: '%%1794',
      AccountExpires: '%%1794',
      PrimaryGroupId: '513',
      AllowedToDelegateTo: '-',
      OldUacValue: '0x0',
      NewUacValue: '0x15',
      UserAccountControl: '\r\n\t\t%%2080\r\n\t\t%%2082\r\n\t\t%%2084',
      UserParameters: '%%1793',
      SidHistory: '-',
      LogonHours: '%%1797',
    },
  });
  ctx.emit(offset + 2, {
    kind: 'win',
    host,
    channel: 'security',
    id: 4722,
    data: { TargetUserName: n.name, TargetDomainName: n.domain, TargetSid: n.sid, ...subject },
  });
  if (n.admin) {
    ctx.emit(offset + ctx.rng.int(200, 3000), {
      kind: 'win',
      host,
      channel: 'security',
      id: 4732,
      data: {
        MemberName: '-',
        MemberSid: n.sid,
        TargetUserName: 'Administrators',
        TargetDomainName: 'Builtin',
        TargetSid: 'S-1-5-32-544',
        ...subject,
        PrivilegeList: '-',
      },
    });
  }
}
