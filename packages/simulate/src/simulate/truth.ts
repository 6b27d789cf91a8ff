/**
 * @module
 * Ground truth of a run: per attack chain (story instance) the hosts, accounts and techniques it
 * involved and when it ran, collected from the records as they stream by; and the estate as an
 * inventory would list it.
 */
import { isoTime } from '@intersoc/core';
import type { World } from '../internal/world/world.js';
import type { SimChain, SimEstate, SimRecord, SimTruth } from '../types.js';

interface Acc {
  readonly hosts: Set<string>;
  readonly techniques: Set<string>;
  start: number;
  end: number;
}

/** Collects chains from records. */
export class TruthCollector {
  private readonly chains = new Map<string, Acc>();
  private readonly ipHost = new Map<string, string>();

  constructor(
    private readonly world: World,
    private readonly involved: ReadonlyMap<string, ReadonlySet<string>>,
  ) {
    for (const h of [...world.windows, ...world.linux]) this.ipHost.set(h.ip, h.name);
  }

  /** Takes one record into account. */
  see(r: SimRecord): void {
    if (r.scenario === undefined) return;
    let c = this.chains.get(r.scenario);
    if (!c) {
      c = { hosts: new Set(), techniques: new Set(), start: r.time, end: r.time };
      this.chains.set(r.scenario, c);
    }
    c.techniques.add(r.label);
    c.start = Math.min(c.start, r.time);
    c.end = Math.max(c.end, r.time);
    if (r.host !== this.world.sensor) {
      c.hosts.add(r.host);
      return;
    }
    // Network records: the estate's hosts at either end of the connection.
    try {
      const o = JSON.parse(r.record) as Record<string, unknown>;
      for (const k of ['id.orig_h', 'id.resp_h']) {
        const h = this.ipHost.get(String(o[k]));
        if (h !== undefined) c.hosts.add(h);
      }
    } catch {
      // a record the simulator wrote is always JSON; nothing to add otherwise
    }
  }

  /** The chains seen so far, by start time. */
  truth(): SimTruth {
    const chains: SimChain[] = [...this.chains.entries()]
      .sort((a, b) => a[1].start - b[1].start || a[0].localeCompare(b[0]))
      .map(([id, c]) => ({
        id,
        hosts: [...c.hosts].sort(),
        users: [...(this.involved.get(id) ?? [])].sort(),
        techniques: [...c.techniques].sort(),
        start: isoTime(c.start),
        end: isoTime(c.end),
      }));
    return { chains };
  }
}

const ROLE: Readonly<Record<string, [string, SimEstate['hosts'][number]['criticality']]>> = {
  dc: ['domain-controller', 'critical'],
  'file-server': ['file-server', 'high'],
  workstation: ['workstation', 'medium'],
  web: ['web-server', 'high'],
  db: ['database-server', 'high'],
  app: ['app-server', 'medium'],
};

/** The estate of a world. */
export function estateOf(w: World): SimEstate {
  return {
    dnsDomain: w.dnsDomain,
    sensor: w.sensor,
    hosts: [
      ...w.windows.map((h) => {
        const [role, criticality] = ROLE[h.role] ?? ['server', 'medium'];
        return {
          name: h.name,
          fqdn: h.fqdn,
          ip: h.ip,
          os: 'windows' as const,
          role,
          criticality,
          ...(h.owner === undefined ? {} : { owner: h.owner.sam }),
        };
      }),
      ...w.linux.map((h) => {
        const [role, criticality] = ROLE[h.role] ?? ['server', 'medium'];
        return { name: h.name, ip: h.ip, os: 'linux' as const, role, criticality };
      }),
    ],
    accounts: [
      ...w.users.map((u) => ({ name: u.sam, domain: u.domain, admin: false })),
      ...w.admins.flatMap((u) =>
        u.adminAccount === undefined ? [] : [{ name: u.adminAccount.sam, domain: u.adminAccount.domain, admin: true }],
      ),
    ],
  };
}
