/**
 * @module
 * ECS projection of Sysmon events: only the fields each event id carries are looked up (process
 * create 1, network 3, image/driver loads 6/7, remote thread 8, process access 10, file events
 * 2/11/15/23/26, registry 12-14, pipes 17/18, DNS 22).
 */
import type { FlatFields } from '@intersoc/core';
import {
  cleanIp,
  putDomainUser,
  putEcs,
  putExecutable,
  putHashes,
  toInt,
  toPort,
  transportName,
} from '../../internal/ecs.js';
import type { EcsBuilder } from '../../internal/ecs.js';
import { sysmonAction } from './actions.js';
import { putUser } from './ecs-util.js';

/** Fills the projection of a Sysmon event with id `id`. */
export function sysmonEcs(ecs: EcsBuilder, f: FlatFields, id: number): void {
  const action = sysmonAction(id);
  if (action !== undefined) {
    ecs['event.action'] = action[0];
    ecs['event.category'] = action[1];
  }
  if (id === 8 || id === 10) {
    // Remote thread and process access: the acting process is the source; the target has no ECS slot.
    putExecutable(ecs, 'process', f['SourceImage']);
    putEcs(ecs, 'process.pid', toInt(f['SourceProcessId']));
    putEcs(ecs, 'process.entity_id', f['SourceProcessGuid']);
    putDomainUser(ecs, f['SourceUser']);
    return;
  }
  putExecutable(ecs, 'process', f['Image']);
  putEcs(ecs, 'process.pid', toInt(f['ProcessId']));
  putEcs(ecs, 'process.entity_id', f['ProcessGuid']);
  putDomainUser(ecs, f['User']);
  switch (id) {
    case 1:
      putEcs(ecs, 'process.command_line', f['CommandLine']);
      putExecutable(ecs, 'process.parent', f['ParentImage']);
      putEcs(ecs, 'process.parent.pid', toInt(f['ParentProcessId']));
      putEcs(ecs, 'process.parent.command_line', f['ParentCommandLine']);
      putEcs(ecs, 'process.parent.entity_id', f['ParentProcessGuid']);
      // The hashes are those of the started image: ECS puts them on the process, and on the file
      // too so indicator matching on file hashes keeps finding them.
      putHashes(ecs, f['Hashes'], 'process');
      putHashes(ecs, f['Hashes']);
      break;
    case 3: {
      putEcs(ecs, 'source.ip', cleanIp(f['SourceIp']));
      putEcs(ecs, 'source.port', toPort(f['SourcePort']));
      putEcs(ecs, 'destination.ip', cleanIp(f['DestinationIp']));
      putEcs(ecs, 'destination.port', toPort(f['DestinationPort']));
      putEcs(ecs, 'network.transport', transportName(f['Protocol']));
      const initiated = f['Initiated'];
      if (initiated === 'true' || initiated === true) ecs['network.direction'] = 'outbound';
      else if (initiated === 'false' || initiated === false) ecs['network.direction'] = 'inbound';
      break;
    }
    case 6:
    case 7:
      putEcs(ecs, 'file.path', f['ImageLoaded']);
      putHashes(ecs, f['Hashes']);
      break;
    case 2:
    case 11:
    case 15:
    case 23:
    case 26:
    case 27:
    case 28:
    case 29:
      putEcs(ecs, 'file.path', f['TargetFilename']);
      if (id !== 2 && id !== 11) putHashes(ecs, f['Hashes'] ?? f['Hash']);
      break;
    case 12:
    case 13:
    case 14:
      putEcs(ecs, 'registry.path', f['TargetObject']);
      putEcs(ecs, 'registry.value', f['Details']);
      break;
    case 17:
    case 18:
      putEcs(ecs, 'file.path', f['PipeName']);
      break;
    case 22:
      putEcs(ecs, 'dns.question.name', f['QueryName']);
      break;
    default:
      break;
  }
  // Older Sysmon events have no User: NXLog resolves the record's SID into AccountName/Domain.
  if (ecs['user.name'] === undefined) putUser(ecs, f['AccountName'], f['Domain']);
}
