/**
 * @module
 * One spelling per machine and per account. Logs name one host `WKS-03`, `wks-03.corp.example.com`
 * or `CORP\WKS-03$`, and one account `CORP\rconti`, `rconti@corp.example.com` or `rconti`. Ingest
 * projects them into ECS `host.name` (short, lower case) / `host.domain` and `user.name` /
 * `user.domain`; search and the overview fold the other spellings onto the same keys.
 */

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** True for an IPv4 or IPv6 literal (host names that are addresses are never shortened). */
export function isIpLiteral(v: string): boolean {
  return IPV4.test(v) || (v.includes(':') && /^[0-9a-f:.]+$/i.test(v));
}

/** The parts of a host name: the short lower-case name and the DNS domain (lower case), if any. */
export interface HostParts {
  readonly name: string;
  readonly domain?: string;
}

/**
 * Splits a host spelling into its short lower-case name and its domain.
 *
 * @example
 * splitHost('WKS-03.corp.example.com') // { name: 'wks-03', domain: 'corp.example.com' }
 * splitHost('CORP\\WKS-03$')           // { name: 'wks-03' }
 * splitHost('10.0.0.5')                // { name: '10.0.0.5' }
 */
export function splitHost(value: string): HostParts {
  let v = value.trim().toLowerCase();
  if (isIpLiteral(v)) return { name: v };
  const slash = v.lastIndexOf('\\');
  if (slash >= 0) v = v.slice(slash + 1);
  if (v.endsWith('$')) v = v.slice(0, -1);
  const dot = v.indexOf('.');
  if (dot <= 0 || dot === v.length - 1) return { name: v };
  return { name: v.slice(0, dot), domain: v.slice(dot + 1) };
}

/** The short lower-case name of a host spelling (`WKS-03.corp.example.com` → `wks-03`). */
export function shortHostName(value: string): string {
  return splitHost(value).name;
}

/** The parts of an account spelling: the account name as written and its domain, if any. */
export interface AccountParts {
  readonly name: string;
  readonly domain?: string;
}

/**
 * Splits `DOMAIN\user`, `user@domain` or `user` into account and domain (case kept).
 *
 * @example
 * splitAccount('CORP\\rconti')            // { name: 'rconti', domain: 'CORP' }
 * splitAccount('rconti@corp.example.com') // { name: 'rconti', domain: 'corp.example.com' }
 */
export function splitAccount(value: string): AccountParts {
  const v = value.trim();
  const slash = v.indexOf('\\');
  if (slash > 0 && slash < v.length - 1) return { name: v.slice(slash + 1), domain: v.slice(0, slash) };
  const at = v.lastIndexOf('@');
  if (at > 0 && at < v.length - 1 && v.indexOf('@') === at) return { name: v.slice(0, at), domain: v.slice(at + 1) };
  return { name: v };
}

/** The lower-case account name of an account spelling (`CORP\RConti` → `rconti`). */
export function accountName(value: string): string {
  return splitAccount(value).name.toLowerCase();
}
