/**
 * @module
 * The SOC network view over the node's federation: peers with their trust, what was shared and
 * when (sharing decisions), items quarantined or refused with their reasons, and sightings of
 * our indicators at peers. Without a federation (no node identity) the view says that peering
 * is not configured; a tenant other than the federation's own sees the same.
 */
import { isAppError, type AuthContext } from '@intersoc/core';
import type { FederationService, SocNetwork, SocNetworkService } from '@intersoc/api';

const NOT_CONFIGURED: SocNetwork = {
  configured: false,
  detail: 'peering is not configured on this node: create a node identity and add peers (intersoc federation)',
  peers: [],
  exchanges: [],
  quarantined: [],
  sightings: [],
};

/** Decisions read for the exchange history. */
const DECISIONS = 500;

/** The SOC network service; `federation` is undefined while the node has no identity. */
export function socNetworkService(federation: FederationService | undefined): SocNetworkService {
  return {
    async status(ctx: AuthContext) {
      if (!federation) return NOT_CONFIGURED;
      let peers;
      try {
        peers = await federation.peers(ctx);
      } catch (err) {
        // The federation acts for one tenant; the others have no peering of their own.
        if (isAppError(err) && err.code === 'FORBIDDEN') {
          return { ...NOT_CONFIGURED, detail: 'peering is configured for another tenant of this node' };
        }
        throw err;
      }
      const [decisions, quarantine, rejections, sightings] = await Promise.all([
        federation.decisions(ctx, { limit: DECISIONS }),
        federation.quarantine(ctx),
        federation.rejections(ctx, 100),
        federation.sightings(ctx),
      ]);
      // One exchange per sharing run and peer: how many objects went, and when.
      const runs = new Map<string, { peer: string; objects: number; time: number }>();
      for (const d of decisions) {
        if (!d.allowed) continue;
        const key = `${d.run}\0${d.peer}`;
        const r = runs.get(key) ?? { peer: d.peer, objects: 0, time: d.time };
        r.objects++;
        r.time = Math.max(r.time, d.time);
        runs.set(key, r);
      }
      const name = new Map(peers.map((p) => [p.nodeId, p.name]));
      return {
        configured: true,
        peers: peers.map((p) => ({ id: p.nodeId, name: p.name, trust: p.trust, status: p.status })),
        exchanges: [...runs.values()]
          .sort((a, b) => b.time - a.time)
          .map((r) => ({
            peer: name.get(r.peer) ?? r.peer,
            direction: 'sent' as const,
            objects: r.objects,
            time: r.time,
          })),
        quarantined: [
          ...quarantine.map((q) => ({
            peer: q.reporters.map((r) => name.get(r) ?? r).join(', '),
            id: q.id,
            reason: `quarantined for review (confidence ${q.confidence})${q.name ? `: ${q.name}` : ''}`,
          })),
          ...rejections.map((r) => ({
            peer: name.get(r.peer) ?? r.peer,
            id: r.objectId,
            reason: `rejected: ${r.code}: ${r.reason}`,
            time: r.time,
          })),
        ],
        sightings: sightings.map((s) => ({
          peer: name.get(s.peer) ?? s.peer,
          indicator: s.indicator,
          count: s.count,
          last: s.last,
        })),
      };
    },
  };
}
