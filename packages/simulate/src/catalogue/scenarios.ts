/**
 * @module
 * The attack stories the simulator mixes into the background. Record `scenario` fields name the
 * story and its instance (`rdp-intrusion#1`), so an incident builder can be scored per story.
 */
import type { ScenarioInfo } from '../types.js';

/** Every attack story, in the order instances are numbered. */
export const SCENARIOS: readonly ScenarioInfo[] = [
  {
    id: 'rdp-intrusion',
    name: 'RDP brute force to domain compromise and exfiltration',
    description:
      "Password guessing against the file server's exposed RDP, discovery, lsass dump, PsExec to the DC with a harvested domain-admin password, NTDS copy, local backdoor account and scheduled task, 7-Zip of the shares and rclone upload over SFTP.",
    techniques: [
      'T1110.001',
      'T1059.003',
      'T1033',
      'T1082',
      'T1087.001',
      'T1087.002',
      'T1069.002',
      'T1018',
      'T1003.001',
      'T1021.002',
      'T1003.003',
      'T1136.001',
      'T1053.005',
      'T1560.001',
      'T1048',
    ],
    formats: ['windows', 'zeek'],
  },
  {
    id: 'phishing-beacon',
    name: 'Macro document to implant, password spray, WMI and exfiltration over C2',
    description:
      'A user opens a macro document from Outlook; encoded PowerShell drops an implant that persists in the Run key, beacons every minute, runs discovery, sprays a password at every account, uses the fallen admin account over WMI, tars the profile and uploads it over the C2 channel.',
    techniques: [
      'T1204.002',
      'T1059.001',
      'T1547.001',
      'T1071.001',
      'T1033',
      'T1087.002',
      'T1069.002',
      'T1082',
      'T1018',
      'T1110.003',
      'T1047',
      'T1560.001',
      'T1041',
    ],
    formats: ['windows', 'zeek'],
  },
  {
    id: 'ssh-intrusion',
    name: 'SSH brute force to cron persistence and scp exfiltration',
    description:
      "Password guessing against a Linux server's SSH ending in the application account, discovery, a new login via sudo useradd, a cron job pulling a script every ten minutes, tar of the application secrets and scp to an external host.",
    techniques: ['T1110.001', 'T1033', 'T1082', 'T1087.001', 'T1136.001', 'T1053.003', 'T1560.001', 'T1048'],
    formats: ['syslog', 'auditd', 'zeek'],
  },
];

/** Story id of a record's `scenario` field (`rdp-intrusion#2` → `rdp-intrusion`). */
export function scenarioKind(instance: string): string {
  const i = instance.lastIndexOf('#');
  return i < 0 ? instance : instance.slice(0, i);
}
