/**
 * @module
 * ECS projection of Security-channel events: logons and Kerberos/NTLM (target account, source
 * address, outcome), explicit credentials 4648, account and group management, process creation
 * 4688, Windows Filtering Platform connections 5156-5158, object access (files and registry),
 * share access 5140/5145 and service installs 4697.
 */
import type { FlatFields } from '@intersoc/core';
import { cleanIp, putEcs, putExecutable, toInt, toPort, transportName } from '../../internal/ecs.js';
import type { EcsBuilder } from '../../internal/ecs.js';
import { joinWin, memberName, putUser } from './ecs-util.js';

/** Logon-type events whose subject is the target account. */
const LOGON_TARGET = new Set([4624, 4625, 4634, 4647, 4768, 4769, 4771, 4776, 4778, 4779, 4800, 4801, 4964]);
/** Account-management events: the subject acts on the target account. */
const ACCOUNT_MGMT = new Set([
  4720, 4722, 4723, 4724, 4725, 4726, 4738, 4740, 4765, 4766, 4767, 4781, 4794, 5376, 5377,
]);
const GROUP_MEMBER = new Set([4728, 4729, 4732, 4733, 4746, 4747, 4751, 4752, 4756, 4757, 4761, 4762]);

/** Fills the projection of a Security event with id `id`. */
export function securityEcs(ecs: EcsBuilder, f: FlatFields, id: number): void {
  if (LOGON_TARGET.has(id)) {
    putUser(ecs, f['TargetUserName'], f['TargetDomainName']);
    putSource(ecs, f);
    putExecutable(ecs, 'process', f['ProcessName']);
    if (id === 4625 || id === 4771 || id === 4776) {
      const status = f['Status'];
      if (id === 4625 || (typeof status === 'string' && status !== '0x0')) ecs['event.outcome'] = 'failure';
    }
    if (id === 4624) ecs['event.outcome'] = 'success';
    ecs['event.category'] = 'authentication';
  } else if (id === 4648) {
    putUser(ecs, f['SubjectUserName'], f['SubjectDomainName']);
    putEcs(ecs, 'user.target.name', f['TargetUserName']);
    putSource(ecs, f);
    putExecutable(ecs, 'process', f['ProcessName']);
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
    putEcs(ecs, 'process.command_line', f['CommandLine']);
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
    putSource(ecs, f);
  } else if (id === 4697) {
    putEcs(ecs, 'file.path', f['ServiceFileName']);
  }
  // Most other Security events name their actor as Subject* and their process as ProcessName/Id.
  putUser(ecs, f['SubjectUserName'], f['SubjectDomainName']);
  if (ecs['process.executable'] === undefined) {
    putExecutable(ecs, 'process', f['ProcessName']);
    putEcs(ecs, 'process.pid', toInt(f['ProcessId']));
  }
}

function putSource(ecs: EcsBuilder, f: FlatFields): void {
  putEcs(ecs, 'source.ip', cleanIp(f['IpAddress']));
  const port = toPort(f['IpPort']);
  if (port !== undefined && port > 0) putEcs(ecs, 'source.port', port);
}
