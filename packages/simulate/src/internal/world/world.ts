/**
 * @module
 * The simulated organisation: an Active Directory domain with a domain controller, a file
 * server and workstations, a few Linux servers, users and admins, a network sensor, and the
 * attackers' infrastructure on documentation address ranges. Built once per run from the seed.
 */
import type { Rng } from '../engine/prng.js';
import { FIRST_NAMES, LAST_NAMES } from './names.js';

/** A running process as Sysmon and the Security log see it. */
export interface Proc {
  readonly pid: number;
  readonly guid: string;
  readonly image: string;
  readonly cmd: string;
  /** `DOMAIN\user` as Sysmon prints it. */
  readonly user: string;
  /** SID of the account the process runs as. */
  readonly sid: string;
  readonly logonId: string;
  readonly integrity: 'Low' | 'Medium' | 'High' | 'System';
  readonly session: number;
  readonly cwd: string;
}

/** A domain (or local) account. */
export interface Account {
  readonly sam: string;
  readonly domain: string;
  readonly sid: string;
}

/** A person with a domain account, maybe an admin account, and maybe a Linux login. */
export interface User extends Account {
  readonly first: string;
  readonly last: string;
  /** Separate domain-admin account of IT staff (`adm-<sam>`). */
  readonly adminAccount?: Account;
  /** Linux uid on the servers (IT staff only). */
  readonly linuxUid?: number;
}

/** Mutable per-host counters and running processes. */
export interface WinState {
  nextPid: number;
  procCounter: number;
  logonCounter: number;
  readonly records: Record<'security' | 'sysmon' | 'system', number>;
  /** Explorer of the interactive user, when someone is logged on. */
  shell: Proc | undefined;
  shellLogonId: string | undefined;
  /** Long-running user applications that open network connections. */
  readonly apps: Proc[];
}

/** A Windows host. */
export interface WinHost {
  readonly kind: 'windows';
  readonly name: string;
  readonly fqdn: string;
  readonly ip: string;
  readonly role: 'workstation' | 'dc' | 'file-server';
  /** Machine SID prefix (local accounts). */
  readonly machineSid: string;
  /** The computer's domain account (`NAME$`). */
  readonly machineAccount: Account;
  /** First group of Sysmon process GUIDs on this host. */
  readonly guidPrefix: string;
  /** Last group of Sysmon process GUIDs (varies by boot). */
  readonly guidSuffix: string;
  readonly build: string;
  readonly system: {
    /** The kernel's `System` process (pid 4), owner of SMB connections. */
    readonly kernel: Proc;
    readonly winlogon: Proc;
    readonly lsass: Proc;
    readonly services: Proc;
    readonly wininit: Proc;
    readonly svchost: Proc;
    readonly wmiprvse: Proc;
    readonly defender: Proc;
    readonly sysmonPid: number;
  };
  /** Primary user of a workstation. */
  owner: User | undefined;
  readonly state: WinState;
}

/** A Linux server. */
export interface LinuxHost {
  readonly kind: 'linux';
  readonly name: string;
  readonly ip: string;
  readonly role: 'web' | 'db' | 'app';
  readonly state: { nextPid: number; auditSerial: number; session: number; readonly sshdPid: number };
}

/** An internet service benign traffic goes to. */
export interface Service {
  readonly domain: string;
  readonly ips: readonly string[];
  readonly port: number;
}

/** Attacker infrastructure of one run (documentation ranges, RFC 5737). */
export interface Adversary {
  readonly rdpGuesser: string;
  readonly sshGuesser: string;
  readonly c2: string;
  readonly c2Domain: string;
  readonly exfil: string;
  readonly exfilDomain: string;
  readonly stager: string;
}

/** The whole simulated estate. */
export interface World {
  readonly netbios: string;
  readonly dnsDomain: string;
  readonly domainSid: string;
  readonly dc: WinHost;
  readonly fs: WinHost;
  readonly workstations: readonly WinHost[];
  readonly windows: readonly WinHost[];
  readonly linux: readonly LinuxHost[];
  readonly users: readonly User[];
  /** IT staff (have admin accounts and Linux logins). */
  readonly admins: readonly User[];
  readonly sensor: string;
  readonly collector: string;
  readonly adversary: Adversary;
  /** VPN address pool for users without a workstation of their own. */
  readonly vpnPrefix: string;
}

/** Sizes the estate: at least a DC, a file server, one workstation and one Linux server. */
export function layout(hosts: number): { workstations: number; linux: number } {
  const linux = hosts >= 12 ? 3 : hosts >= 7 ? 2 : 1;
  return { workstations: Math.max(1, hosts - 2 - linux), linux };
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function sidPart(rng: Rng): number {
  return rng.int(1_000_000_000, 4_200_000_000);
}

function proc(
  host: { guidPrefix: string; guidSuffix: string },
  pid: number,
  image: string,
  cmd: string,
  n: number,
): Proc {
  const counter = n.toString(16).padStart(4, '0');
  return {
    pid,
    guid: `{${host.guidPrefix}-${counter}-5f00-${counter.slice(2)}${counter.slice(0, 2)}-${host.guidSuffix}}`,
    image,
    cmd,
    user: 'NT AUTHORITY\\SYSTEM',
    sid: 'S-1-5-18',
    logonId: '0x3e7',
    integrity: 'System',
    session: 0,
    cwd: 'C:\\Windows\\system32\\',
  };
}

function winHost(
  rng: Rng,
  name: string,
  ip: string,
  role: WinHost['role'],
  dnsDomain: string,
  domainSid: string,
  rid: number,
): WinHost {
  const guidPrefix = rng.hex(8);
  const guidSuffix = `000000000${rng.int(3, 9)}00`;
  const g = { guidPrefix, guidSuffix };
  const sys = 'C:\\Windows\\System32\\';
  const server = role !== 'workstation';
  const pid = (lo: number, hi: number): number => rng.int(lo / 4, hi / 4) * 4;
  return {
    kind: 'windows',
    name,
    fqdn: `${name}.${dnsDomain}`,
    ip,
    role,
    machineSid: `S-1-5-21-${sidPart(rng)}-${sidPart(rng)}-${sidPart(rng)}`,
    machineAccount: { sam: `${name}$`, domain: 'CORP', sid: `${domainSid}-${rid}` },
    guidPrefix,
    guidSuffix,
    build: server ? '10.0.17763.1' : '10.0.19041.1',
    system: {
      kernel: { ...proc(g, 4, 'System', '', 1), cwd: '' },
      winlogon: proc(g, pid(560, 640), `${sys}winlogon.exe`, 'winlogon.exe', 10),
      lsass: proc(g, pid(600, 800), `${sys}lsass.exe`, 'C:\\Windows\\system32\\lsass.exe', 12),
      services: proc(g, pid(580, 700), `${sys}services.exe`, 'C:\\Windows\\system32\\services.exe', 11),
      wininit: proc(g, pid(480, 560), `${sys}wininit.exe`, 'wininit.exe', 9),
      svchost: proc(g, pid(800, 1400), `${sys}svchost.exe`, 'C:\\Windows\\system32\\svchost.exe -k netsvcs -p', 21),
      wmiprvse: proc(g, pid(3000, 4000), `${sys}wbem\\WmiPrvSE.exe`, 'C:\\Windows\\system32\\wbem\\wmiprvse.exe', 60),
      defender: proc(
        g,
        pid(2800, 3600),
        'C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.23110.3-0\\MsMpEng.exe',
        '"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.23110.3-0\\MsMpEng.exe"',
        48,
      ),
      sysmonPid: pid(2400, 2800),
    },
    state: {
      nextPid: 4000 + rng.int(0, 500) * 4,
      procCounter: 0x100,
      logonCounter: rng.int(0x30000, 0x90000),
      records: {
        security: rng.int(100_000, 900_000),
        sysmon: rng.int(100_000, 900_000),
        system: rng.int(5_000, 40_000),
      },
      apps: [],
      shell: undefined,
      shellLogonId: undefined,
    },
    owner: undefined,
  };
}

function uniqueSam(rng: Rng, taken: Set<string>): { first: string; last: string; sam: string } {
  for (;;) {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    let sam = `${first[0] ?? 'x'}${last}`.toLowerCase();
    for (let n = 2; taken.has(sam); n++) sam = `${first[0] ?? 'x'}${last}${n}`.toLowerCase();
    taken.add(sam);
    return { first, last, sam };
  }
}

/**
 * Attacker infrastructure drawn from `rng` (documentation ranges, RFC 5737). The world has one;
 * each attack story instance draws its own, since separate intrusions are separate actors.
 */
export function makeAdversary(rng: Rng): Adversary {
  const doc = (prefix: string): string => `${prefix}.${rng.int(10, 250)}`;
  return {
    rdpGuesser: doc('203.0.113'),
    sshGuesser: doc('192.0.2'),
    c2: doc('198.51.100'),
    c2Domain: rng.pick(['cdn-telemetry.example.net', 'update-check.example.org', 'static-assets.example.net']),
    exfil: doc('203.0.113'),
    exfilDomain: rng.pick(['files-share.example.org', 'backup-sync.example.net']),
    stager: doc('198.51.100'),
  };
}

/** Builds the estate for a run. */
export function buildWorld(rng: Rng, hosts: number, users: number): World {
  const netbios = 'CORP';
  const dnsDomain = 'corp.example.com';
  const domainSid = `S-1-5-21-${sidPart(rng)}-${sidPart(rng)}-${sidPart(rng)}`;
  const dc = winHost(rng, 'DC-01', '10.10.1.10', 'dc', dnsDomain, domainSid, 1000);
  const fs = winHost(rng, 'FS-01', '10.10.1.20', 'file-server', dnsDomain, domainSid, 1103);
  const shape = layout(hosts);
  const workstations: WinHost[] = [];
  const octets = new Set<number>();
  for (let i = 1; i <= shape.workstations; i++) {
    let o = rng.int(20, 250);
    while (octets.has(o)) o = o >= 250 ? 20 : o + 1;
    octets.add(o);
    workstations.push(winHost(rng, `WKS-${pad2(i)}`, `10.10.20.${o}`, 'workstation', dnsDomain, domainSid, 3000 + i));
  }
  const roles: LinuxHost['role'][] = ['web', 'db', 'app'];
  const linux: LinuxHost[] = [];
  for (let i = 0; i < shape.linux; i++) {
    const role = roles[i % roles.length] ?? 'app';
    linux.push({
      kind: 'linux',
      name: `${role}-01`,
      ip: `10.10.2.${10 + i}`,
      role,
      state: {
        nextPid: rng.int(20_000, 40_000),
        auditSerial: rng.int(10_000, 200_000),
        session: rng.int(20, 400),
        sshdPid: rng.int(600, 1200),
      },
    });
  }
  const taken = new Set<string>();
  const people: User[] = [];
  const count = Math.max(2, users);
  for (let i = 0; i < count; i++) {
    const { first, last, sam } = uniqueSam(rng, taken);
    const rid = 1104 + i;
    const it = i < 2;
    people.push({
      sam,
      domain: netbios,
      sid: `${domainSid}-${rid}`,
      first,
      last,
      ...(it ? { adminAccount: { sam: `adm-${sam}`, domain: netbios, sid: `${domainSid}-${5000 + i}` } } : {}),
      ...(it ? { linuxUid: 1001 + i } : {}),
    });
  }
  workstations.forEach((w, i) => {
    w.owner = people[i % people.length];
  });
  const adversary = makeAdversary(rng);
  return {
    netbios,
    dnsDomain,
    domainSid,
    dc,
    fs,
    workstations,
    windows: [dc, fs, ...workstations],
    linux,
    users: people,
    admins: people.filter((u) => u.adminAccount !== undefined),
    sensor: 'nsm-01',
    collector: `wec.${dnsDomain}`,
    adversary,
    vpnPrefix: '10.10.100',
  };
}
