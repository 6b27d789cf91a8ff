/**
 * @module
 * What an alert can be linked by. Each alert yields keys of two strengths:
 *
 * - **strong** keys identify one actor or artefact and may join (and merge) incidents: an account
 *   on a host (`hu:`), attacker infrastructure (`x:` external address, `d:` domain, `url:`), a
 *   file, program or registry key outside the system folders on a host (`a:`, `r:`), a hash of
 *   such a program (`hs:`), a process id (`pg:`);
 * - **weak** keys name something many stories touch, a host (`h:`) or an account across hosts
 *   (`u:`); they attach an alert to an incident when nothing stronger does, but never merge two.
 *
 * Hosts come out canonical (inventory alias, else the short lower-case name); network alerts are
 * put on the host that owns their internal address. Internal addresses of *another* host give the
 * lateral edges (`from`, `to`).
 */
import type { Alert, EntityType } from '@intersoc/core';
import { canonicalHost, canonicalUser, isLocalBuiltin, isServiceAccount } from '../assets/names.js';
import type { AssetLookup } from '../assets/types.js';
import { isInternalIp } from '../internal/ip.js';

/** A graph node an alert names. */
export interface KeyNode {
  readonly id: string;
  readonly type: EntityType;
  readonly value: string;
}

/** Keys and facts of one alert. */
export interface AlertKeys {
  /** The host the alert is about (canonical), when known. */
  host: string | undefined;
  /** Accounts that acted (canonical, service accounts left out). */
  users: string[];
  /**
   * True when the accounts were targets rather than actors: a correlation of failed logons
   * (brute force, spraying) names the accounts guessed at, not who acted on the host.
   */
  usersAreTargets: boolean;
  strong: string[];
  weak: string[];
  /** Other hosts the activity came from (internal source addresses). */
  from: readonly string[];
  /** Other hosts the activity went to (remote targets). */
  to: readonly string[];
  /** Accounts used on those remote targets (`wmic /user:`, `psexec -u`). */
  toUsers: readonly string[];
  extIps: readonly string[];
  domains: readonly string[];
  nodes: KeyNode[];
  /** `host`, `network` or `indicator`. */
  source: 'host' | 'network' | 'indicator';
  /** An address learned to belong to `host` (from a host's own network-connection log). */
  learned: readonly [ip: string, host: string] | undefined;
}

const SYSTEM_PREFIXES = [
  'c:\\windows\\system32\\',
  'c:\\windows\\syswow64\\',
  'c:\\windows\\winsxs\\',
  'c:\\windows\\microsoft.net\\',
  'c:\\windows\\servicing\\',
  'c:\\program files\\',
  'c:\\program files (x86)\\',
  'c:\\programdata\\microsoft\\windows defender\\',
  '%systemroot%\\system32\\',
  '/usr/',
  '/bin/',
  '/sbin/',
  '/lib/',
  '/lib64/',
  '/etc/',
];

const WINDOWS_ROOT_BINARIES = new Set([
  'explorer.exe',
  'regedit.exe',
  'notepad.exe',
  'hh.exe',
  'write.exe',
  'splwow64.exe',
  'bfsvc.exe',
  'helppane.exe',
  'winhlp32.exe',
]);

/**
 * True for programs and files in the operating system's and vendors' install folders: every host
 * has them, so they do not tie two alerts to one story. Programs in user, temp or data folders do.
 */
export function isSystemPath(lowerPath: string): boolean {
  for (const p of SYSTEM_PREFIXES) if (lowerPath.startsWith(p)) return true;
  const root = 'c:\\windows\\';
  if (lowerPath.startsWith(root)) {
    const rest = lowerPath.slice(root.length);
    return !rest.includes('\\') && WINDOWS_ROOT_BINARIES.has(rest);
  }
  return lowerPath === 'system' || lowerPath === 'registry' || lowerPath.length === 0;
}

const NETWORK_CATEGORIES = new Set(['network_connection', 'firewall', 'dns_query']);

/**
 * A bounded memo: alerts name the same few thousand hosts, accounts and programs over and over,
 * so each spelling is normalised once. Cleared when full, which keeps memory bounded.
 */
function memo<V>(max: number, f: (k: string) => V): (k: string) => V {
  const m = new Map<string, V>();
  return (k) => {
    let v = m.get(k);
    if (v === undefined) {
      v = f(k);
      if (m.size >= max) m.clear();
      m.set(k, v);
    }
    return v;
  };
}

/** Canonical account, or '' for service accounts. */
const accountOf = memo(20_000, (raw) => {
  const u = canonicalUser(raw);
  return isServiceAccount(raw, u) ? '' : u;
});

/** Lower-case path and whether it is in a system folder. */
const pathOf = memo(20_000, (raw) => {
  const lower = raw.trim().toLowerCase();
  return { lower, system: isSystemPath(lower) };
});

const hostName = memo(20_000, canonicalHost);

const NONE: readonly never[] = Object.freeze([]);

function logsourceCategory(alert: Alert): string | undefined {
  const ls = alert.details?.['logsource'];
  if (ls && typeof ls === 'object') {
    const c = (ls as Record<string, unknown>)['category'];
    return typeof c === 'string' ? c : undefined;
  }
  return undefined;
}

function hostOfIp(ip: string, assets: AssetLookup, learned: ReadonlyMap<string, string>): string {
  return assets.hostOfIp(ip) ?? learned.get(ip) ?? ip;
}

function urlHost(url: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^:/?#]+)/i.exec(url);
  return m?.[1]?.toLowerCase();
}

/**
 * The keys of an alert. `learned` holds addresses learned from earlier alerts (the inventory
 * wins over it).
 */
export function alertKeys(alert: Alert, assets: AssetLookup, learned: ReadonlyMap<string, string>): AlertKeys {
  const k: AlertKeys = {
    host: undefined,
    users: [],
    usersAreTargets: alert.details?.['correlation'] !== undefined && alert.tactics.some((t) => /credential/i.test(t)),
    strong: [],
    weak: [],
    from: NONE,
    to: NONE,
    toUsers: NONE,
    extIps: NONE,
    domains: NONE,
    nodes: [],
    source: alert.detector.kind === 'ioc' ? 'indicator' : 'host',
    learned: undefined,
  };
  // Lists that most alerts leave empty are made when something goes in.
  let from: string[] | undefined;
  let to: string[] | undefined;
  let toUsers: string[] | undefined;
  let extIps: string[] | undefined;
  let domains: string[] | undefined;
  const ents = alert.entities;
  // The host the alert is about: a host entity that is not a remote target.
  for (const e of ents) {
    if (e.type !== 'host' || e.role === 'target' || e.role === 'remote') continue;
    k.host = assets.hostOf(e.value) ?? hostName(e.value);
    break;
  }
  const netCategory = NETWORK_CATEGORIES.has(logsourceCategory(alert) ?? '');
  if (k.host === undefined) {
    // A network alert: put it on the internal end (the source, else the destination).
    let src: string | undefined;
    let dst: string | undefined;
    for (const e of ents) {
      if (e.type !== 'ip' || !isInternalIp(e.value)) continue;
      if (e.role === 'destination') dst ??= e.value;
      else src ??= e.value;
    }
    const own = src ?? dst;
    if (own !== undefined) {
      k.host = hostOfIp(own, assets, learned);
      if (k.source === 'host') k.source = 'network';
      if (src !== undefined && dst !== undefined) {
        const other = hostOfIp(dst, assets, learned);
        if (other !== k.host) (to ??= []).push(other);
      }
    }
  }
  const host = k.host;
  let nonSystemProcess = false;
  const add = (id: string, type: EntityType, value: string): void => {
    k.nodes.push({ id, type, value });
  };
  // Node ids are the link keys themselves: one string per entity and alert, not two.
  const hostKey = host === undefined ? undefined : `h:${host}`;
  if (hostKey !== undefined && host !== undefined) add(hostKey, 'host', host);
  for (const e of ents) {
    const raw = e.value;
    switch (e.type) {
      case 'host': {
        const h = assets.hostOf(raw) ?? hostName(raw);
        if (h !== host) {
          if (e.role === 'target' || e.role === 'remote') (to ??= []).push(h);
          add(`h:${h}`, 'host', h);
        }
        break;
      }
      case 'ip': {
        const ip = raw.trim().toLowerCase();
        if (isInternalIp(ip)) {
          if (host === undefined) break;
          if (netCategory && e.role === 'source') {
            if (assets.hostOfIp(ip) === undefined && k.source === 'host') k.learned = [ip, host];
            break;
          }
          const other = hostOfIp(ip, assets, learned);
          if (other === host) break;
          if (e.role === 'destination' || e.role === 'target') {
            if (k.source === 'host') (to ??= []).push(other);
          } else (from ??= []).push(other);
          add(`h:${other}`, 'host', other);
        } else {
          const xk = `x:${ip}`;
          k.strong.push(xk);
          (extIps ??= []).push(ip);
          add(xk, 'ip', ip);
        }
        break;
      }
      case 'user': {
        const u = accountOf(raw);
        if (u === '') break;
        if (e.role === 'target' && to !== undefined) {
          // Not an account acting here: the one the activity will use on the remote target.
          toUsers ??= [];
          if (!toUsers.includes(u)) toUsers.push(u);
          break;
        }
        if (k.users.includes(u)) break;
        k.users.push(u);
        if (host !== undefined) k.strong.push(`hu:${host}|${u}`);
        const uk = `u:${u}`;
        if (!isLocalBuiltin(u)) k.weak.push(uk);
        add(uk, 'user', u);
        break;
      }
      case 'process':
      case 'file': {
        const { lower: v, system } = pathOf(raw);
        if (e.role === 'guid' || e.role === 'parent-guid') {
          if (host !== undefined) k.strong.push(`pg:${host}|${v}`);
          break;
        }
        if (system || host === undefined) break;
        if (e.type === 'process' && e.role !== 'parent' && e.role !== 'target') nonSystemProcess = true;
        const ak = `a:${host}|${v}`;
        k.strong.push(ak);
        add(ak, e.type, raw);
        break;
      }
      case 'registry':
        if (host !== undefined) k.strong.push(`r:${host}|${raw.trim().toLowerCase()}`);
        break;
      case 'domain': {
        const d = raw.trim().toLowerCase().replace(/\.$/, '');
        const dk = `d:${d}`;
        k.strong.push(dk);
        (domains ??= []).push(d);
        add(dk, 'domain', d);
        break;
      }
      case 'url': {
        k.strong.push(`url:${raw.trim()}`);
        const h = urlHost(raw);
        if (h !== undefined && !isInternalIp(h)) {
          if (/^[\d.]+$/.test(h) || h.includes(':')) {
            k.strong.push(`x:${h}`);
            extIps ??= [];
            if (!extIps.includes(h)) extIps.push(h);
          } else {
            k.strong.push(`d:${h}`);
            domains ??= [];
            if (!domains.includes(h)) domains.push(h);
          }
        }
        break;
      }
      case 'hash':
        break;
    }
  }
  // Hashes tie hosts together only when they are of a program outside the system folders.
  if (nonSystemProcess) {
    for (const e of ents) if (e.type === 'hash') k.strong.push(`hs:${e.value.trim().toLowerCase()}`);
  }
  if (hostKey !== undefined) k.weak.push(hostKey);
  if (from) k.from = from;
  if (to) k.to = to;
  if (toUsers) k.toUsers = toUsers;
  if (extIps) k.extIps = extIps;
  if (domains) k.domains = domains;
  return k;
}
