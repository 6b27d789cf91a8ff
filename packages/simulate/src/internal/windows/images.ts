/**
 * @module
 * Version resources of the executables and DLLs the simulation runs, as Sysmon reports them
 * (FileVersion, Description, Product, Company, OriginalFileName), and stable fake hashes.
 * Hashes are derived from name and version with real digest functions, so they have the right
 * shape and stay the same for the same binary across hosts and runs.
 */
import { createHash } from 'node:crypto';

/** PE version information of one binary. */
export interface ImageInfo {
  readonly version: string;
  readonly description: string;
  readonly product: string;
  readonly company: string;
  readonly original: string;
  readonly signature: string;
}

const WIN_PRODUCT = 'Microsoft® Windows® Operating System';
const MS = 'Microsoft Corporation';
const MS_SIG = 'Microsoft Windows';

function win(original: string, description: string, build: string): ImageInfo {
  return {
    version: `${build} (WinBuild.160101.0800)`,
    description,
    product: WIN_PRODUCT,
    company: MS,
    original,
    signature: MS_SIG,
  };
}

function vendor(
  original: string,
  description: string,
  product: string,
  company: string,
  version: string,
  signature: string,
): ImageInfo {
  return { version, description, product, company, original, signature };
}

const OFFICE = (original: string, description: string): ImageInfo =>
  vendor(original, description, 'Microsoft Office', MS, '16.0.17126.20132', MS);

/** Windows binaries by lower-case file name: [OriginalFileName, Description]. */
const WINDOWS: Readonly<Record<string, readonly [string, string]>> = {
  'svchost.exe': ['svchost.exe', 'Host Process for Windows Services'],
  'cmd.exe': ['Cmd.Exe', 'Windows Command Processor'],
  'powershell.exe': ['PowerShell.EXE', 'Windows PowerShell'],
  'conhost.exe': ['CONHOST.EXE', 'Console Window Host'],
  'rundll32.exe': ['RUNDLL32.EXE', 'Windows host process (Rundll32)'],
  'whoami.exe': ['whoami.exe', 'whoami - displays logged on user information'],
  'net.exe': ['net.exe', 'Net Command'],
  'net1.exe': ['net1.exe', 'Net Command'],
  'systeminfo.exe': ['sysinfo.exe', 'Displays system information'],
  'hostname.exe': ['hostname.exe', 'Hostname APP'],
  'ipconfig.exe': ['ipconfig.exe', 'IP Configuration Utility'],
  'ping.exe': ['ping.exe', 'TCP/IP Ping Command'],
  'nslookup.exe': ['nslookup.exe', 'nslookup'],
  'nltest.exe': ['nltestrk.exe', 'Microsoft® Logon Server Test Utility'],
  'schtasks.exe': ['schtasks.exe', 'Task Scheduler Configuration Tool'],
  'reg.exe': ['reg.exe', 'Registry Console Tool'],
  'wmic.exe': ['wmic.exe', 'WMI Commandline Utility'],
  'wmiprvse.exe': ['Wmiprvse.exe', 'WMI Provider Host'],
  'taskhostw.exe': ['taskhostw.exe', 'Host Process for Windows Tasks'],
  'runtimebroker.exe': ['RuntimeBroker.exe', 'Runtime Broker'],
  'backgroundtaskhost.exe': ['backgroundTaskHost.exe', 'Background Task Host'],
  'searchprotocolhost.exe': ['SearchProtocolHost.exe', 'Microsoft Windows Search Protocol Host'],
  'dllhost.exe': ['dllhost.exe', 'COM Surrogate'],
  'gpupdate.exe': ['GPUpdate.exe', 'Microsoft® Group Policy Update Utility'],
  'services.exe': ['services.exe', 'Services and Controller app'],
  'lsass.exe': ['lsass.exe', 'Local Security Authority Process'],
  'explorer.exe': ['EXPLORER.EXE', 'Windows Explorer'],
  'userinit.exe': ['USERINIT.EXE', 'Userinit Logon Application'],
  'sihost.exe': ['sihost.exe', 'Shell Infrastructure Host'],
  'ntdsutil.exe': ['ntdsutil.exe', 'NT5DS'],
  'vssadmin.exe': ['VSSADMIN.EXE', 'Command Line Interface for Microsoft® Volume Shadow Copy Service '],
  'robocopy.exe': ['robocopy.exe', 'Microsoft® Robust File Copy for Windows'],
  'wbadmin.exe': ['WBADMIN.EXE', 'Command Line Interface for Microsoft® BLB Backup'],
  'notepad.exe': ['NOTEPAD.EXE', 'Notepad'],
  'compattelrunner.exe': ['CompatTelRunner.exe', 'Microsoft Compatibility Telemetry'],
  'mstsc.exe': ['mstsc.exe', 'Remote Desktop Connection'],
  'sc.exe': ['sc.exe', 'Service Control Manager Configuration Tool'],
  'wermgr.exe': ['wermgr.exe', 'Windows Problem Reporting'],
  'smartscreen.exe': ['smartscreen.exe', 'Windows Defender SmartScreen'],
  'consent.exe': ['consent.exe', 'Consent UI for administrative applications'],
  'tasklist.exe': ['tasklist.exe', 'Lists the current running tasks'],
  'dsregcmd.exe': ['dsregcmd.exe', 'DSREG commandline tool'],
  'msiexec.exe': ['msiexec.exe', 'Windows® installer'],
  'tar.exe': ['bsdtar', 'bsdtar archive tool'],
  'mmc.exe': ['MMC.EXE', 'Microsoft Management Console'],
  'dbghelp.dll': ['DBGHELP.DLL', 'Windows Image Helper'],
  'dbgcore.dll': ['DBGCORE.DLL', 'Windows DbgCore Library'],
  'comsvcs.dll': ['comsvcs.dll', 'COM+ Services'],
  'samlib.dll': ['SAMLib.DLL', 'SAM Library DLL'],
  'vaultcli.dll': ['vaultcli.dll', 'Credential Vault Client Library'],
  'wininet.dll': ['wininet.dll', 'Internet Extensions for Win32'],
  'winhttp.dll': ['winhttp.dll', 'Windows HTTP Services'],
  'mpoav.dll': ['MpOAV.dll', 'IOfficeAntiVirus Module'],
  'amsi.dll': ['AMSI.DLL', 'Anti-Malware Scan Interface'],
  'clr.dll': ['clr.dll', 'Microsoft .NET Runtime Common Language Runtime - WorkStation'],
};

/** Third-party and tool binaries by lower-case file name. */
const OTHERS: Readonly<Record<string, ImageInfo>> = {
  'chrome.exe': vendor('chrome.exe', 'Google Chrome', 'Google Chrome', 'Google LLC', '120.0.6099.130', 'Google LLC'),
  'msedge.exe': vendor('msedge.exe', 'Microsoft Edge', 'Microsoft Edge', MS, '120.0.2210.91', MS),
  'outlook.exe': OFFICE('Outlook.exe', 'Microsoft Outlook'),
  'winword.exe': OFFICE('WinWord.exe', 'Microsoft Word'),
  'excel.exe': OFFICE('Excel.exe', 'Microsoft Excel'),
  'powerpnt.exe': OFFICE('POWERPNT.EXE', 'Microsoft PowerPoint'),
  'ms-teams.exe': vendor('ms-teams.exe', 'Microsoft Teams', 'Microsoft Teams', MS, '23320.3014.2555.9532', MS),
  'onedrive.exe': vendor('OneDrive.exe', 'Microsoft OneDrive', 'Microsoft OneDrive', MS, '23.246.1127.0002', MS),
  'googleupdate.exe': vendor(
    'GoogleUpdate.exe',
    'Google Installer',
    'Google Update',
    'Google LLC',
    '1.3.36.352',
    'Google LLC',
  ),
  'acrord32.exe': vendor(
    'AcroRd32.exe',
    'Adobe Acrobat Reader',
    'Adobe Acrobat Reader',
    'Adobe Inc.',
    '23.8.20458.0',
    'Adobe Inc.',
  ),
  'mpcmdrun.exe': vendor(
    'MpCmdRun.exe',
    'Microsoft Malware Protection Command Line Utility',
    WIN_PRODUCT,
    MS,
    '4.18.23110.3 (WinBuild.160101.0800)',
    MS,
  ),
  'msmpeng.exe': vendor(
    'MsMpEng.exe',
    'Antimalware Service Executable',
    WIN_PRODUCT,
    MS,
    '4.18.23110.3 (WinBuild.160101.0800)',
    MS,
  ),
  'procdump64.exe': vendor(
    'procdump',
    'Sysinternals process dump utility',
    'ProcDump',
    'Sysinternals - www.sysinternals.com',
    '10.11',
    MS,
  ),
  'psexec64.exe': vendor(
    'psexec.exe',
    'Execute processes remotely',
    'Sysinternals PsExec',
    'Sysinternals - www.sysinternals.com',
    '2.43',
    MS,
  ),
  'psexesvc.exe': vendor(
    'psexesvc.exe',
    'PsExec Service Host',
    'Sysinternals PsExec',
    'Sysinternals - www.sysinternals.com',
    '2.43',
    MS,
  ),
  '7z.exe': vendor('7z.exe', '7-Zip Console', '7-Zip', 'Igor Pavlov', '23.01', ''),
  '7za.exe': vendor('7za.exe', '7-Zip Standalone Console', '7-Zip', 'Igor Pavlov', '23.01', ''),
  'rclone.exe': vendor('rclone.exe', 'Rsync for cloud storage', 'Rclone', 'https://rclone.org', '1.65.0', ''),
  'mimi.exe': vendor('mimikatz.exe', 'mimikatz for Windows', 'mimikatz', 'gentilkiwi (Benjamin DELPY)', '2.2.0.0', ''),
};

const UNKNOWN: ImageInfo = { version: '-', description: '-', product: '-', company: '-', original: '-', signature: '' };

/** File name of a Windows path, lower-cased. */
export function baseName(path: string): string {
  const i = path.lastIndexOf('\\');
  return (i >= 0 ? path.slice(i + 1) : path).toLowerCase();
}

/** Version information of a binary; unknown binaries (droppers, beacons) have none. */
export function imageInfo(path: string, build: string): ImageInfo {
  const name = baseName(path);
  const w = WINDOWS[name];
  if (w !== undefined) return win(w[0], w[1], build);
  return OTHERS[name] ?? UNKNOWN;
}

const hashCache = new Map<string, string>();

function digest(algo: string, text: string): string {
  return createHash(algo).update(text).digest('hex').toUpperCase();
}

/** Sysmon `Hashes` value (SHA1, MD5, SHA256, IMPHASH) of a binary, stable per name and version. */
export function imageHashes(path: string, info: ImageInfo): string {
  const key = `${baseName(path)}|${info.version}|${info.signature === '' ? path.toLowerCase() : ''}`;
  let h = hashCache.get(key);
  if (h === undefined) {
    h = `SHA1=${digest('sha1', key)},MD5=${digest('md5', key)},SHA256=${digest('sha256', key)},IMPHASH=${digest('md5', `imp|${key}`)}`;
    hashCache.set(key, h);
  }
  return h;
}
