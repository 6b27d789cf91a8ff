/**
 * @module
 * The simulated estate as asset inventory entries, so `intersoc demo` leaves a node whose
 * incidents know which host is the domain controller and which address is whose.
 */
import type { AssetInput } from '@intersoc/correlate';
import type { SimEstate } from '@intersoc/simulate';

/** Inventory entries of the demo's hosts and accounts. */
export function estateAssets(estate: SimEstate): AssetInput[] {
  const hosts: AssetInput[] = estate.hosts.map((h) => ({
    kind: 'host',
    name: h.name,
    aliases: h.fqdn === undefined ? [] : [h.fqdn],
    ips: [h.ip],
    criticality: h.criticality,
    role: h.role,
    ...(h.owner === undefined ? {} : { owner: h.owner }),
    tags: [h.os, 'demo'],
    source: 'demo',
  }));
  const accounts: AssetInput[] = estate.accounts.map((a) => ({
    kind: 'user',
    name: a.name,
    aliases: [`${a.domain}\\${a.name}`],
    criticality: a.admin ? 'high' : 'medium',
    role: a.admin ? 'admin' : 'user',
    tags: ['demo'],
    source: 'demo',
  }));
  return [...hosts, ...accounts];
}
