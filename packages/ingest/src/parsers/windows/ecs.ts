/**
 * @module
 * ECS projection of a Windows event from its canonical flat fields (the same for nested and flat
 * renderings): host, user, process (with parent and command line), network, file and hashes,
 * registry, DNS, and the event's code, provider, channel and outcome. Sysmon, Security and
 * PowerShell events get specific mappings that look up only the fields their event ids carry;
 * other channels fall back to the common field names.
 */
import type { EcsFields, FlatFields } from '@intersoc/core';
import { cleanIp, putDomainUser, putEcs, putExecutable, putHashes, toInt, toPort } from '../../internal/ecs.js';
import type { EcsBuilder } from '../../internal/ecs.js';
import { sysmonEcs } from './ecs-sysmon.js';
import { securityEcs } from './ecs-security.js';
import { lineAt, lower, pick, putUser } from './ecs-util.js';

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
  if (channel === SYSMON_CHANNEL || provider === 'Microsoft-Windows-Sysmon') {
    sysmonEcs(ecs, f, code);
  } else if (channel === 'Security' || provider === 'Microsoft-Windows-Security-Auditing') {
    securityEcs(ecs, f, code);
  } else if (typeof channel === 'string' && channel.includes('PowerShell')) {
    powershell(ecs, f, code);
    putUser(ecs, f['AccountName'], f['Domain']);
  } else {
    common(ecs, f);
  }
  outcome(ecs, f);
  return ecs;
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
  // The audit bits are 0x0020000000000000 (success) and 0x0010000000000000 (failure): bits 52-55.
  let bits = -1;
  if (typeof kw === 'string' && kw.length > 2 && kw.charCodeAt(1) === 120) {
    const at = kw.length - 14;
    bits = at >= 2 ? hexDigit(kw.charCodeAt(at)) : 0;
  } else if (typeof kw === 'number' && Number.isInteger(kw)) {
    // NXLog writes the keywords as a signed 64-bit decimal; doubles keep the high bits exact enough.
    const unsigned = kw < 0 ? kw + 18446744073709551616 : kw;
    bits = Math.floor(unsigned / 4503599627370496) & 15;
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

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 32;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}
