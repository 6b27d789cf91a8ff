/**
 * @module
 * Canonical names of hosts and accounts. Logs name one machine as `WKS-03`, `wks-03.corp.example.com`
 * or `CORP\WKS-03$`, and one account as `CORP\rconti`, `rconti@corp.example.com` or `rconti`; the
 * incident builder and the inventory must agree on one key for each.
 */
import { isIp } from '../internal/ip.js';

/** `WKS-03.corp.example.com`, `CORP\WKS-03$`, `wks-03` → `wks-03`; addresses stay as they are. */
export function canonicalHost(value: string): string {
  let v = value.trim().toLowerCase();
  if (isIp(v)) return v;
  const slash = v.lastIndexOf('\\');
  if (slash >= 0) v = v.slice(slash + 1);
  if (v.endsWith('$')) v = v.slice(0, -1);
  const dot = v.indexOf('.');
  return dot > 0 ? v.slice(0, dot) : v;
}

/** `CORP\rconti`, `rconti@corp.example.com`, `RConti` → `rconti`. */
export function canonicalUser(value: string): string {
  let v = value.trim().toLowerCase();
  const slash = v.lastIndexOf('\\');
  if (slash >= 0) v = v.slice(slash + 1);
  const at = v.indexOf('@');
  if (at > 0) v = v.slice(0, at);
  return v;
}

const SERVICE_ACCOUNTS = new Set([
  'system',
  'local service',
  'network service',
  'localservice',
  'networkservice',
  'anonymous logon',
  'anonymous',
  'local system',
  '-',
  '',
  'n/a',
  'unknown',
  'nobody',
  'font driver host',
  'window manager',
]);

/**
 * True for accounts that say nothing about who acted: the operating system's own identities and
 * machine accounts. Alerts naming only these are attributed to their host.
 */
export function isServiceAccount(raw: string, canonical: string): boolean {
  if (SERVICE_ACCOUNTS.has(canonical)) return true;
  if (raw.trim().endsWith('$')) return true;
  return /^(dwm|umfd)-\d+$/.test(canonical);
}

const LOCAL_ADMINS = new Set(['administrator', 'admin', 'root', 'guest', 'administrateur', 'administrador']);

/**
 * True for built-in local accounts that exist on every machine: the same name on two hosts is
 * two different accounts, so they only link alerts on one host.
 */
export function isLocalBuiltin(canonical: string): boolean {
  return LOCAL_ADMINS.has(canonical);
}
