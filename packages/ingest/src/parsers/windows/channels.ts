/**
 * @module
 * Canonical spelling of well-known Windows channels. Some collectors lower-case them
 * (`security`), while Sigma log sources and analysts expect the Windows spelling.
 */

const KNOWN = [
  'Security',
  'System',
  'Application',
  'Setup',
  'Windows PowerShell',
  'Directory Service',
  'DNS Server',
  'Microsoft-Windows-Sysmon/Operational',
  'Microsoft-Windows-PowerShell/Operational',
  'PowerShellCore/Operational',
  'Microsoft-Windows-Windows Defender/Operational',
  'Microsoft-Windows-TaskScheduler/Operational',
  'Microsoft-Windows-WMI-Activity/Operational',
  'Microsoft-Windows-DNS-Client/Operational',
  'Microsoft-Windows-Bits-Client/Operational',
  'Microsoft-Windows-TerminalServices-LocalSessionManager/Operational',
  'Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational',
  'Microsoft-Windows-Windows Firewall With Advanced Security/Firewall',
  'Microsoft-Windows-CodeIntegrity/Operational',
  'Microsoft-Windows-AppLocker/EXE and DLL',
  'Microsoft-Windows-NTLM/Operational',
  'Microsoft-Windows-SMBClient/Security',
  'Microsoft-Windows-Kernel-IO/Operational',
];

const BY_LOWER = new Map<string, string>(KNOWN.map((c) => [c.toLowerCase(), c]));

/** Returns the canonical spelling of a known channel, or the channel unchanged. */
export function canonicalChannel(channel: string): string {
  if (channel.length === 0) return channel;
  const c0 = channel.charCodeAt(0);
  // Fast path: correctly capitalised names start with an upper-case letter.
  if (c0 >= 65 && c0 <= 90) return channel;
  return BY_LOWER.get(channel.toLowerCase()) ?? channel;
}
