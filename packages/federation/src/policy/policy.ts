/**
 * @module
 * The sharing policy, enforced by the sender. One pure function decides whether one object may go
 * to one peer, given its TLP, the originator's signed terms and how far it has travelled; the
 * sync engine calls it for every object and peer (and audits each answer), and receivers call
 * it again on what they receive to refuse and report anything a sender should not have sent.
 *
 * TLP 2.0: CLEAR anyone, relays allowed; GREEN the community, relays only within it; AMBER only
 * the named recipients and never relayed automatically; AMBER+STRICT only the named recipients,
 * never relayed; RED never synced automatically and never relayed: only an analyst's explicit
 * send from the originator to named recipients. The MISP distribution applies on top, with
 * MISP's downgrade on each transfer.
 */
import type { TlpLevel } from '@intersoc/cti';
import { effectiveDistribution, floorTlp, type Distribution, type SharingTerms } from './terms.js';

/** The peer an object would go to. */
export interface PolicyRecipient {
  readonly nodeId: string;
  /** Communities the sender knows the peer to belong to. */
  readonly communities: readonly string[];
  /** False once the peer is revoked or removed. */
  readonly active: boolean;
}

/** One decision's input. */
export interface PolicyInput {
  /** Strictest TLP among the object's markings, if any. */
  readonly tlp: TlpLevel | undefined;
  readonly terms: SharingTerms;
  /** Transfers already made: 0 at the originator, 1 at its direct recipients, ... */
  readonly hops: number;
  /** Nodes that already hold the object (originator and relays). */
  readonly holders: readonly string[];
  readonly recipient: PolicyRecipient;
  /** An analyst's explicit send rather than automatic sync or relay. */
  readonly explicit: boolean;
  /** TLP of objects with no TLP marking and no floor in the terms. */
  readonly unmarkedTlp: TlpLevel;
}

/** A decision with its reason (always given: decisions are audited). */
export interface PolicyDecision {
  readonly allow: boolean;
  readonly reason: string;
  /** TLP the decision applied. */
  readonly tlp: TlpLevel;
  /** Distribution in force at the sender. */
  readonly distribution: Distribution;
}

/** Decides whether one object may go to one recipient. */
export function decide(input: PolicyInput): PolicyDecision {
  const tlp = floorTlp(input.tlp, input.terms.tlp) ?? input.unmarkedTlp;
  const distribution = effectiveDistribution(input.terms.distribution, input.hops);
  const r = input.recipient;
  const deny = (reason: string): PolicyDecision => ({ allow: false, reason, tlp, distribution });
  if (!r.active) return deny('recipient is revoked or not a peer');
  if (input.holders.includes(r.nodeId)) return deny('recipient already holds it (loop)');

  switch (distribution) {
    case 'organisation':
      return deny(
        input.hops === 0
          ? 'distribution: your organisation only'
          : `distribution ${input.terms.distribution} does not reach ${input.hops + 1} hops`,
      );
    case 'group':
      if (!input.terms.group?.members.includes(r.nodeId))
        return deny(`distribution: not a member of sharing group ${input.terms.group?.name ?? '?'}`);
      break;
    case 'community':
    case 'connected':
    case 'all':
      break;
  }

  const named = input.terms.recipients?.includes(r.nodeId) === true;
  switch (tlp) {
    case 'clear':
      break;
    case 'green': {
      const shared = r.communities.some((c) => input.terms.communities?.includes(c) === true);
      if (!shared) return deny('TLP:GREEN: recipient is outside the community');
      break;
    }
    case 'amber':
      if (!named) return deny('TLP:AMBER: recipient is not a named recipient');
      if (input.hops > 0 && !input.explicit) return deny('TLP:AMBER is never relayed automatically');
      break;
    case 'amber+strict':
      if (!named) return deny('TLP:AMBER+STRICT: recipient is not a named recipient');
      if (input.hops > 0) return deny('TLP:AMBER+STRICT is never relayed');
      break;
    case 'red':
      if (input.hops > 0) return deny('TLP:RED is never relayed');
      if (!input.explicit) return deny('TLP:RED is never synced automatically');
      if (!named) return deny('TLP:RED: recipient is not a named recipient');
      break;
  }
  return { allow: true, reason: 'allowed', tlp, distribution };
}
