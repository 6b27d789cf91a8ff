/**
 * @module
 * The ATT&CK techniques the simulator produces, where their evidence lands (format, log and
 * event ids or record types) and what it looks like. Detection content and training features
 * key on these ids; every technique listed here appears in a default 24-hour run.
 */
import type { TechniqueInfo } from '../types.js';

const SYSMON_PROC = { format: 'windows', log: 'sysmon', events: [1] } as const;
const SEC_PROC = { format: 'windows', log: 'security', events: [4688] } as const;
const EXEC_RECORDS = ['SYSCALL', 'EXECVE', 'CWD', 'PATH', 'PROCTITLE'] as const;
const AUDIT_EXEC = { format: 'auditd', log: 'auditd', events: EXEC_RECORDS } as const;

/** Every technique the simulator labels records with. */
export const TECHNIQUES: readonly TechniqueInfo[] = [
  {
    id: 'T1110.001',
    name: 'Brute Force: Password Guessing',
    tactics: ['credential-access'],
    carriers: [
      { format: 'windows', log: 'security', events: [4625, 4624, 4672, 4634] },
      { format: 'windows', log: 'sysmon', events: [3] },
      { format: 'syslog', log: 'syslog', events: ['sshd', 'systemd-logind'] },
      {
        format: 'auditd',
        log: 'auditd',
        events: [
          'USER_AUTH',
          'USER_LOGIN',
          'USER_ACCT',
          'CRED_ACQ',
          'LOGIN',
          'USER_START',
          'USER_END',
          'CRED_DISP',
          ...EXEC_RECORDS,
        ],
      },
      { format: 'zeek', log: 'conn', events: [3389, 22] },
    ],
    description:
      'Bursts of failed logons from one documentation-range address (RDP/NLA 4625 on the file server, sshd "Failed password" on a Linux server) ending in a successful logon.',
  },
  {
    id: 'T1110.003',
    name: 'Brute Force: Password Spraying',
    tactics: ['credential-access'],
    carriers: [
      { format: 'windows', log: 'security', events: [4625, 4776, 4624, 4672] },
      { format: 'zeek', log: 'conn', events: [445] },
    ],
    description:
      'One password tried against every domain account from a workstation: NTLM 4776/4625 failures on the DC, one success.',
  },
  {
    id: 'T1003.001',
    name: 'OS Credential Dumping: LSASS Memory',
    tactics: ['credential-access'],
    carriers: [{ format: 'windows', log: 'sysmon', events: [1, 7, 10, 11, 13] }, SEC_PROC],
    description:
      'procdump -ma lsass, rundll32 comsvcs.dll MiniDump or a mimikatz-like tool; Sysmon 10 on lsass.exe with 0x1fffff or 0x1010 and a dump file.',
  },
  {
    id: 'T1003.003',
    name: 'OS Credential Dumping: NTDS',
    tactics: ['credential-access'],
    carriers: [{ format: 'windows', log: 'sysmon', events: [1, 11] }, SEC_PROC],
    description: 'ntdsutil "ac i ntds" "ifm" "create full" on the DC writing ntds.dit and registry hives.',
  },
  {
    id: 'T1021.002',
    name: 'Remote Services: SMB/Windows Admin Shares',
    tactics: ['lateral-movement'],
    carriers: [
      { format: 'windows', log: 'security', events: [4624, 4672, 5140, 5145, 4697, 4688, 4634] },
      { format: 'windows', log: 'system', events: [7045] },
      { format: 'windows', log: 'sysmon', events: [1, 3, 11, 13] },
      { format: 'zeek', log: 'conn', events: [445] },
    ],
    description:
      'PsExec with a harvested domain-admin password: ADMIN$ write of PSEXESVC.exe, service install, SYSTEM shell on the DC.',
  },
  {
    id: 'T1047',
    name: 'Windows Management Instrumentation',
    tactics: ['execution'],
    carriers: [
      { format: 'windows', log: 'sysmon', events: [1, 3] },
      { format: 'windows', log: 'security', events: [4624, 4672, 4688] },
      { format: 'zeek', log: 'conn', events: [135, 'dynamic', 80] },
      { format: 'zeek', log: 'http', events: ['GET'] },
    ],
    description: 'wmic /node: process call create; on the target WmiPrvSE.exe starts encoded PowerShell.',
  },
  {
    id: 'T1053.005',
    name: 'Scheduled Task/Job: Scheduled Task',
    tactics: ['execution', 'persistence', 'privilege-escalation'],
    carriers: [
      { format: 'windows', log: 'security', events: [4698, 4688] },
      SYSMON_PROC,
      { format: 'windows', log: 'sysmon', events: [11] },
    ],
    description: 'schtasks /create /sc onlogon /ru SYSTEM for a binary in ProgramData; 4698 carries the task XML.',
  },
  {
    id: 'T1053.003',
    name: 'Scheduled Task/Job: Cron',
    tactics: ['execution', 'persistence', 'privilege-escalation'],
    carriers: [
      {
        format: 'auditd',
        log: 'auditd',
        events: [...EXEC_RECORDS, 'USER_ACCT', 'CRED_ACQ', 'LOGIN', 'USER_START', 'CRED_DISP', 'USER_END'],
      },
      { format: 'zeek', log: 'conn', events: [80] },
      { format: 'syslog', log: 'syslog', events: ['crontab', 'cron', 'CRON'] },
      { format: 'zeek', log: 'http', events: ['GET'] },
    ],
    description:
      'crontab - by the breached account, then a job piping curl from an external host into sh every ten minutes.',
  },
  {
    id: 'T1547.001',
    name: 'Boot or Logon Autostart Execution: Registry Run Keys / Startup Folder',
    tactics: ['persistence', 'privilege-escalation'],
    carriers: [{ format: 'windows', log: 'sysmon', events: [13] }],
    description: 'Sysmon 13 setting HKU\\<sid>\\...\\CurrentVersion\\Run\\OneDriveUpdate to an implant in AppData.',
  },
  {
    id: 'T1136.001',
    name: 'Create Account: Local Account',
    tactics: ['persistence'],
    carriers: [
      { format: 'windows', log: 'security', events: [4720, 4722, 4732, 4688] },
      SYSMON_PROC,
      { format: 'auditd', log: 'auditd', events: ['ADD_USER', 'ADD_GROUP', 'USER_CMD', ...EXEC_RECORDS] },
      { format: 'syslog', log: 'syslog', events: ['useradd', 'sudo'] },
    ],
    description: 'net user /add plus net localgroup administrators on Windows; sudo useradd on Linux.',
  },
  {
    id: 'T1560.001',
    name: 'Archive Collected Data: Archive via Utility',
    tactics: ['collection'],
    carriers: [{ format: 'windows', log: 'sysmon', events: [1, 11] }, SEC_PROC, AUDIT_EXEC],
    description: 'Password-protected 7za zip of file shares, tar.exe of a profile, tar czf of application secrets.',
  },
  {
    id: 'T1048',
    name: 'Exfiltration Over Alternative Protocol',
    tactics: ['exfiltration'],
    carriers: [
      { format: 'windows', log: 'sysmon', events: [1, 3, 22] },
      SEC_PROC,
      { format: 'zeek', log: 'conn', events: [22, 53] },
      { format: 'zeek', log: 'dns', events: ['A'] },
      AUDIT_EXEC,
    ],
    description: 'rclone or scp pushing hundreds of MB over SSH/SFTP to a rare external address.',
  },
  {
    id: 'T1041',
    name: 'Exfiltration Over C2 Channel',
    tactics: ['exfiltration'],
    carriers: [
      { format: 'windows', log: 'sysmon', events: [3] },
      { format: 'zeek', log: 'conn', events: [443] },
    ],
    description: 'A long TLS upload of tens to hundreds of MB from the implant to its C2 address.',
  },
  {
    id: 'T1071.001',
    name: 'Application Layer Protocol: Web Protocols',
    tactics: ['command-and-control'],
    carriers: [
      { format: 'windows', log: 'sysmon', events: [3, 22] },
      { format: 'zeek', log: 'conn', events: [443, 53] },
      { format: 'zeek', log: 'dns', events: ['A'] },
    ],
    description: 'Implant check-ins every minute (±20 % jitter) to one external address over TLS.',
  },
  {
    id: 'T1059.001',
    name: 'Command and Scripting Interpreter: PowerShell',
    tactics: ['execution'],
    carriers: [
      SYSMON_PROC,
      SEC_PROC,
      { format: 'windows', log: 'sysmon', events: [3, 11] },
      { format: 'zeek', log: 'conn', events: [80] },
      { format: 'zeek', log: 'http', events: ['GET'] },
    ],
    description: 'powershell -nop -w hidden -enc (download cradle) spawned by Word, fetching and starting an implant.',
  },
  {
    id: 'T1059.003',
    name: 'Command and Scripting Interpreter: Windows Command Shell',
    tactics: ['execution'],
    carriers: [SYSMON_PROC, SEC_PROC],
    description: "Interactive cmd.exe opened in the intruder's RDP session.",
  },
  {
    id: 'T1204.002',
    name: 'User Execution: Malicious File',
    tactics: ['execution'],
    carriers: [SYSMON_PROC, SEC_PROC, { format: 'windows', log: 'sysmon', events: [11] }],
    description: "A .docm saved from Outlook's attachment cache and opened in Word.",
  },
  {
    id: 'T1033',
    name: 'System Owner/User Discovery',
    tactics: ['discovery'],
    carriers: [SYSMON_PROC, SEC_PROC, AUDIT_EXEC],
    description: 'whoami, whoami /all, id.',
  },
  {
    id: 'T1082',
    name: 'System Information Discovery',
    tactics: ['discovery'],
    carriers: [SYSMON_PROC, SEC_PROC, AUDIT_EXEC],
    description: 'systeminfo, uname -a, cat /etc/os-release.',
  },
  {
    id: 'T1087.001',
    name: 'Account Discovery: Local Account',
    tactics: ['discovery'],
    carriers: [SYSMON_PROC, SEC_PROC, AUDIT_EXEC],
    description: 'net user, cat /etc/passwd.',
  },
  {
    id: 'T1087.002',
    name: 'Account Discovery: Domain Account',
    tactics: ['discovery'],
    carriers: [SYSMON_PROC, SEC_PROC],
    description: 'net user /domain (with its net1 child).',
  },
  {
    id: 'T1069.002',
    name: 'Permission Groups Discovery: Domain Groups',
    tactics: ['discovery'],
    carriers: [SYSMON_PROC, SEC_PROC],
    description: 'net group "Domain Admins" /domain.',
  },
  {
    id: 'T1018',
    name: 'Remote System Discovery',
    tactics: ['discovery'],
    carriers: [SYSMON_PROC, SEC_PROC],
    description: 'nltest /dclist: to find domain controllers.',
  },
];

/** Looks a technique up by id. */
export function techniqueById(id: string): TechniqueInfo | undefined {
  return TECHNIQUES.find((t) => t.id === id);
}
