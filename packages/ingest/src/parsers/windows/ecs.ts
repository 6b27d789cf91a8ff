/**
 * @module
 * ECS projection of a Windows event from its canonical flat fields (the same for nested and flat
 * renderings): host, user, process (with parent and command line), network, file and hashes,
 * registry, DNS, and the event's code, provider, channel and outcome. Sysmon, Security,
 * System (service installs) and PowerShell events get specific mappings; other channels fall back
 * to the common field names.
 */
import type { EcsFields, FlatFields } from '@intersoc/core';
import {
  cleanIp,
  putDomainUser,
  putEcs,
  putExecutable,
  putHashes,
  setEcs,
  toInt,
  toPort,
  transportName,
} from '../../internal/ecs.js';
import type { EcsBuilder } from '../../internal/ecs.js';
import { sysmonAction } from './actions.js';

const SYSMON_CHANNEL = 'Microsoft-Windows-Sysmon/Operational';
const LEVELS = ['', 'critical', 'error', 'warning', 'information', 'verbose'];

/** Builds the ECS projection of canonical Windows fields. */
export function windowsEcs(f: FlatFields): EcsFields {
  const ecs: EcsBuilder = {};
  putEcs(ecs, 'host.name', f['Computer']);
  const id = f['EventID'];
  if (typeof id === 'number') ecs['event.code'] = String(id);
  else putEcs(ecs, 'event.code', id);
  const provider = f['Provider_Name'];
  putEcs(ecs, 'event.provider', provider);
  const channel = f['Channel'];
  putEcs(ecs, 'winlog.channel', channel);
  const level = f['Level'];
  if (typeof level === 'number' && level > 0 && level < LEVELS.length) ecs['log.level'] = LEVELS[level] as string;
  const code = typeof id === 'number' ? id : -1;
  if (channel === SYSMON_CHANNEL || provider === 'Microsoft-Windows-Sysmon') sysmon(ecs, f, code);
  else if (channel === 'Security' || provider === 'Microsoft-Windows-Security-Auditing') security(ecs, f, code);
  else if (typeof channel === 'string' && channel.includes('PowerShell')) powershell(ecs, f, code);
  common(ecs, f);
  outcome(ecs, f);
  return ecs;
}

function sysmon(ecs: EcsBuilder, f: FlatFields, id: number): void {
  const action = sysmonAction(id);
  if (action !== undefined) {
    ecs['event.action'] = action[0];
    ecs['event.category'] = action[1];
  }
  if (id === 8 || id === 10) {
    // Remote thread and process access: the acting process is the source, the target has no ECS slot.
    putExecutable(ecs, 'process', f['SourceImage']);
    putEcs(ecs, 'process.pid', toInt(f['SourceProcessId']));
    putDomainUser(ecs, f['SourceUser']);
    return;
  }
  if (id === 3) {
    putEcs(ecs, 'source.ip', cleanIp(f['SourceIp']));
    putEcs(ecs, 'source.port', toPort(f['SourcePort']));
    putEcs(ecs, 'destination.ip', cleanIp(f['DestinationIp']));
    putEcs(ecs, 'destination.port', toPort(f['DestinationPort']));
    putEcs(ecs, 'network.transport', transportName(f['Protocol']));
    const initiated = f['Initiated'];
    if (initiated === 'true' || initiated === true) ecs['network.direction'] = 'outbound';
    else if (initiated === 'false' || initiated === false) ecs['network.direction'] = 'inbound';
  } else if (id === 12 || id === 13 || id === 14) {
    putEcs(ecs, 'registry.path', f['TargetObject']);
    putEcs(ecs, 'registry.value', f['Details']);
  } else if (id === 22) {
    putEcs(ecs, 'dns.question.name', f['QueryName']);
  } else if (id === 6 || id === 7) {
    putEcs(ecs, 'file.path', f['ImageLoaded']);
  } else if (id === 17 || id === 18) {
    putEcs(ecs, 'file.path', f['PipeName']);
  }
}

/** Logon-type events whose subject is the target account. */
const LOGON_TARGET = new Set([4624, 4625, 4634, 4647, 4768, 4769, 4771, 4776, 4778, 4779, 4800, 4801, 4964]);
/** Account-management events: the subject acts on the target account. */
const ACCOUNT_MGMT = new Set([
  4720, 4722, 4723, 4724, 4725, 4726, 4738, 4740, 4765, 4766, 4767, 4781, 4794, 5376, 5377,
]);
const GROUP_MEMBER = new Set([4728, 4729, 4732, 4733, 4746, 4747, 4751, 4752, 4756, 4757, 4761, 4762]);

function security(ecs: EcsBuilder, f: FlatFields, id: number): void {
  if (LOGON_TARGET.has(id)) {
    putUser(ecs, f['TargetUserName'], f['TargetDomainName']);
    if (id === 4625 || id === 4771 || id === 4776) {
      const status = f['Status'];
      if (id === 4625 || (typeof status === 'string' && status !== '0x0')) ecs['event.outcome'] = 'failure';
    }
    if (id === 4624) ecs['event.outcome'] = 'success';
    ecs['event.category'] = 'authentication';
  } else if (id === 4648) {
    putUser(ecs, f['SubjectUserName'], f['SubjectDomainName']);
    putEcs(ecs, 'user.target.name', f['TargetUserName']);
    ecs['event.category'] = 'authentication';
  } else if (ACCOUNT_MGMT.has(id)) {
    putUser(ecs, f['SubjectUserName'], f['SubjectDomainName']);
    putEcs(ecs, 'user.target.name', f['TargetUserName']);
    ecs['event.category'] = 'iam';
  } else if (GROUP_MEMBER.has(id)) {
    putUser(ecs, f['SubjectUserName'], f['SubjectDomainName']);
    putEcs(ecs, 'user.target.name', memberName(f['MemberName']));
    ecs['event.category'] = 'iam';
  } else if (id === 4688) {
    putExecutable(ecs, 'process', f['NewProcessName']);
    putEcs(ecs, 'process.pid', toInt(f['NewProcessId']));
    putExecutable(ecs, 'process.parent', f['ParentProcessName']);
    putEcs(ecs, 'process.parent.pid', toInt(f['ProcessId']));
    ecs['event.category'] = 'process';
    ecs['event.action'] = 'process-created';
  } else if (id === 5156 || id === 5157 || id === 5158) {
    putEcs(ecs, 'source.ip', cleanIp(f['SourceAddress']));
    putEcs(ecs, 'source.port', toPort(f['SourcePort']));
    putEcs(ecs, 'destination.ip', cleanIp(f['DestAddress']));
    putEcs(ecs, 'destination.port', toPort(f['DestPort']));
    putEcs(ecs, 'network.transport', transportName(f['Protocol']));
    putExecutable(ecs, 'process', f['Application']);
    putEcs(ecs, 'process.pid', toInt(f['ProcessID']));
    const dir = f['Direction'];
    if (dir === '%%14592') ecs['network.direction'] = 'inbound';
    else if (dir === '%%14593') ecs['network.direction'] = 'outbound';
    ecs['event.category'] = 'network';
    if (id === 5157) ecs['event.outcome'] = 'failure';
  } else if (id === 4656 || id === 4658 || id === 4660 || id === 4663 || id === 4657 || id === 4670) {
    const type = f['ObjectType'];
    if (type === 'Key' || id === 4657) {
      putEcs(ecs, 'registry.path', f['ObjectName']);
      putEcs(ecs, 'registry.value', f['ObjectValueName']);
    } else if (type === 'File') {
      putEcs(ecs, 'file.path', f['ObjectName']);
    }
  } else if (id === 5140 || id === 5145) {
    const share = f['ShareLocalPath'] ?? f['ShareName'];
    const rel = f['RelativeTargetName'];
    if (typeof share === 'string' && typeof rel === 'string') putEcs(ecs, 'file.path', joinWin(share, rel));
  } else if (id === 4697) {
    putEcs(ecs, 'file.path', f['ServiceFileName']);
  }
}

/** Classic (Windows PowerShell) events that carry `HostApplication=` in their event data text. */
const PS_CLASSIC = new Set([400, 403, 600, 800]);

function powershell(ecs: EcsBuilder, f: FlatFields, id: number): void {
  // Only the events known to carry the host process are scanned, with anchors that base64 payloads
  // cannot contain (tabs, the last `User = ` line): PowerShell texts are often kilobytes of script.
  if (id === 4103) {
    const text = pick(f['ContextInfo']);
    if (text === undefined) return;
    const at = text.indexOf('Host Application = ');
    if (at >= 0) putEcs(ecs, 'process.command_line', lineAt(text, at + 19));
    // `User = ` follows the (long) host application near the end, before `Connected User = `.
    let user = text.lastIndexOf('User = ');
    if (user >= 10 && text.startsWith('Connected ', user - 10)) user = text.lastIndexOf('User = ', user - 1);
    if (user > 0) putDomainUser(ecs, lineAt(text, user + 7));
  } else if (PS_CLASSIC.has(id)) {
    const text = pick(f['Data']) ?? pick(f['param3']) ?? pick(f['param2']) ?? pick(f['Message']);
    if (text === undefined) return;
    const user = text.indexOf('\tUserId=');
    if (user >= 0) putDomainUser(ecs, lineAt(text, user + 8));
    const app = text.indexOf('\tHostApplication=', user < 0 ? 0 : user);
    if (app >= 0) putEcs(ecs, 'process.command_line', lineAt(text, app + 17));
  }
}

/** Common Windows field names, used after the channel-specific mappings (they never overwrite). */
function common(ecs: EcsBuilder, f: FlatFields): void {
  putExecutable(ecs, 'process', f['Image']);
  putExecutable(ecs, 'process', f['ProcessName']);
  putEcs(ecs, 'process.pid', toInt(f['ProcessId']));
  putEcs(ecs, 'process.command_line', f['CommandLine']);
  putExecutable(ecs, 'process.parent', f['ParentImage']);
  putEcs(ecs, 'process.parent.pid', toInt(f['ParentProcessId']));
  putEcs(ecs, 'process.parent.command_line', f['ParentCommandLine']);
  putDomainUser(ecs, f['User']);
  putUser(ecs, f['SubjectUserName'], f['SubjectDomainName']);
  putUser(ecs, f['TargetUserName'], f['TargetDomainName']);
  putUser(ecs, f['AccountName'], f['Domain'] ?? f['AccountDomain']);
  putEcs(ecs, 'source.ip', cleanIp(f['IpAddress']));
  const port = toPort(f['IpPort']);
  if (port !== undefined && port > 0) putEcs(ecs, 'source.port', port);
  putEcs(ecs, 'file.path', f['TargetFilename']);
  putEcs(ecs, 'file.path', f['ImagePath']);
  putEcs(ecs, 'registry.path', f['TargetObject']);
  putEcs(ecs, 'dns.question.name', f['QueryName']);
  putHashes(ecs, f['Hashes'] ?? f['Hash']);
  putEcs(ecs, 'file.hash.md5', lower(f['MD5']));
  putEcs(ecs, 'file.hash.sha1', lower(f['SHA1']));
  putEcs(ecs, 'file.hash.sha256', lower(f['SHA256']));
}

/** Audit success/failure from the keyword bits, Winlogbeat keyword names or NXLog's EventType. */
function outcome(ecs: EcsBuilder, f: FlatFields): void {
  if (ecs['event.outcome'] !== undefined) return;
  const kw = f['Keywords'];
  let bits = -1;
  if (typeof kw === 'string' && kw.length > 2 && kw.charCodeAt(1) === 120) {
    const hex = kw.length >= 18 ? kw.slice(2) : kw.slice(2).padStart(16, '0');
    bits = parseInt(hex.charAt(2), 16);
  } else if (typeof kw === 'number' && Number.isInteger(kw)) {
    bits = parseInt(BigInt.asUintN(64, BigInt(kw)).toString(16).padStart(16, '0').charAt(2), 16);
  } else if (Array.isArray(kw)) {
    if (kw.includes('Audit Success')) bits = 2;
    else if (kw.includes('Audit Failure')) bits = 1;
  }
  const type = f['EventType'];
  if (type === 'AUDIT_SUCCESS') bits = 2;
  else if (type === 'AUDIT_FAILURE') bits = 1;
  if (bits > 0 && (bits & 2) !== 0) ecs['event.outcome'] = 'success';
  else if (bits > 0 && (bits & 1) !== 0) ecs['event.outcome'] = 'failure';
}

function putUser(ecs: EcsBuilder, name: unknown, domain: unknown): void {
  if (ecs['user.name'] !== undefined || typeof name !== 'string' || name.length === 0 || name === '-') return;
  setEcs(ecs, 'user.name', name);
  putEcs(ecs, 'user.domain', domain);
}

function memberName(v: unknown): string | undefined {
  // `CN=John,OU=...` → John; a SID-only member stays unset.
  if (typeof v !== 'string' || !v.startsWith('CN=')) return undefined;
  const end = v.indexOf(',');
  return v.slice(3, end < 0 ? v.length : end);
}

function joinWin(dir: string, rel: string): string {
  const base = dir.startsWith('\\??\\') ? dir.slice(4) : dir;
  return base.endsWith('\\') ? base + rel : base + '\\' + rel;
}

function pick(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.filter((x) => typeof x === 'string').join('\n');
  return undefined;
}

/** The rest of the line from `start`, trimmed. */
function lineAt(text: string, start: number): string {
  let end = text.indexOf('\n', start);
  if (end < 0) end = text.length;
  // trim() also drops the CR of a CRLF line end.
  return text.slice(start, end).trim();
}

function lower(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v.toLowerCase() : undefined;
}
