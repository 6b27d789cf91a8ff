/**
 * @module
 * Cross-SOC sightings. When this node's events match an indicator that came from a peer, the
 * detection is aggregated per indicator and, at the next sync, returned to the originator as a
 * STIX sighting: count, first and last seen, and the matched context (host, user, addresses)
 * pseudonymised under the community key. It goes as TLP:AMBER to the originator alone (or, when
 * the originator is not a peer, to the peer that delivered the indicator).
 */
import type { Alert } from '@intersoc/core';
import { TLP_V2_MARKINGS } from '@intersoc/cti';
import { stixIdentityId } from '../identity/identity.js';
import { uuidv5 } from '../internal/uuid.js';
import type { ContextEntity, LocalSighting } from '../store/sightings.js';
import type { FedContext } from './context.js';
import { place, termsFor, type ShareReport } from './share.js';

/** Records detections of peers' indicators; returns how many alerts were about them. */
export function noteAlerts(fx: FedContext, alerts: readonly Alert[]): number {
  let n = 0;
  for (const a of alerts) {
    if (a.tenant !== fx.config.tenant || a.detector.kind !== 'ioc') continue;
    const indicator = a.detector.ruleId;
    const reporters = fx.state.reportersOf(a.tenant, indicator);
    const first = reporters[0];
    if (!first) continue;
    n++;
    const context: ContextEntity[] = a.entities
      .filter((e) => e.type === 'host' || e.type === 'user' || e.type === 'ip')
      .map((e) => ({ type: e.type, value: e.value, ...(e.role === undefined ? {} : { role: e.role }) }));
    const isFirst = fx.state.recordLocalSighting({
      tenant: a.tenant,
      indicator,
      origin: first.origin,
      via: first.sender,
      count: Math.max(1, a.eventIds.length),
      first: a.time,
      last: a.time,
      context,
    });
    // A confirmed indicator raises the trust of whoever vouched for it, once per indicator.
    if (isFirst) {
      const vouching = fx.peers.get(first.origin) ? first.origin : first.sender;
      if (fx.peers.get(vouching)?.status === 'active') fx.peers.feedback(vouching, 'confirmation');
    }
  }
  return n;
}

/** The STIX sighting of a local aggregate (one id per indicator; each return is a new version). */
export function sightingObject(fx: FedContext, s: LocalSighting): Record<string, unknown> {
  const me = stixIdentityId(fx.me);
  const created = new Date(s.first).toISOString();
  const now = new Date(Math.max(fx.now(), s.first)).toISOString();
  return {
    type: 'sighting',
    spec_version: '2.1',
    id: `sighting--${uuidv5(`sighting:${fx.me}:${s.indicator}`)}`,
    created,
    modified: now,
    created_by_ref: me,
    sighting_of_ref: s.indicator,
    first_seen: created,
    last_seen: new Date(s.last).toISOString(),
    count: Math.min(s.count, 999_999_999),
    where_sighted_refs: [me],
    object_marking_refs: [TLP_V2_MARKINGS.amber],
    x_intersoc_context: s.context,
  };
}

/** Returns pending sightings to their originators; what could not be addressed stays pending. */
export function returnSightings(fx: FedContext): ShareReport | undefined {
  if (!fx.config.sightings.returnToOrigin) return undefined;
  const pending = fx.state.pendingSightings(fx.config.tenant);
  if (pending.length === 0) return undefined;
  const items = [];
  const sent: string[] = [];
  for (const s of pending) {
    const origin = fx.peers.get(s.origin);
    const via = fx.peers.get(s.via);
    const to = origin?.status === 'active' ? [s.origin] : via?.status === 'active' ? [s.origin, s.via] : [];
    if (to.length === 0) continue;
    items.push({
      kind: 'original' as const,
      core: sightingObject(fx, s),
      terms: termsFor(fx, { distribution: 'community', tlp: 'amber', recipients: to }),
    });
    sent.push(s.indicator);
  }
  if (items.length === 0) return undefined;
  const report = place(fx, items, { actor: 'system', explicit: false, ledger: false, action: 'federation.sightings' });
  fx.state.markSightingsSent(fx.config.tenant, sent);
  return report;
}
