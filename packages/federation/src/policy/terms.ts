/**
 * @module
 * Sharing terms: what the originating node decided about how far a batch of objects may travel.
 * They are signed with the objects, so every relay and recipient applies the same rules. TLP
 * comes from each object's markings (the terms can only make it stricter); the MISP distribution
 * level, sharing group, named recipients and PAP come from the terms.
 */
import { z } from 'zod';
import { PAP_LEVELS, TLP_LEVELS, type TlpLevel } from '@intersoc/cti';
import { NAME_PATTERN, NODE_ID_PATTERN } from '../identity/identity.js';

/** MISP distribution levels, in MISP's order (0–4). */
export const DISTRIBUTIONS = ['organisation', 'community', 'connected', 'all', 'group'] as const;
/** A MISP distribution level. */
export type Distribution = (typeof DISTRIBUTIONS)[number];

const NodeId = z.string().regex(NODE_ID_PATTERN, 'not a node id');

/** A sharing group: a named set of member nodes, carried with the objects it governs. */
export const SharingGroupSchema = z
  .object({
    name: z.string().regex(NAME_PATTERN),
    members: z.array(NodeId).min(1).max(1024),
  })
  .strict();
/** A sharing group. */
export type SharingGroup = z.infer<typeof SharingGroupSchema>;

/** The terms of a share. */
export const SharingTermsSchema = z
  .object({
    distribution: z.enum(DISTRIBUTIONS),
    /** TLP floor for the batch: objects marked less strictly (or unmarked) travel as this. */
    tlp: z.enum(TLP_LEVELS).optional(),
    /** Named recipient organisations (TLP:AMBER, AMBER+STRICT and RED reach only these). */
    recipients: z.array(NodeId).max(1024).optional(),
    /** Required when distribution is `group`. */
    group: SharingGroupSchema.optional(),
    /** The originator's communities: the reach of TLP:GREEN. */
    communities: z.array(z.string().regex(NAME_PATTERN)).max(32).optional(),
    pap: z.enum(PAP_LEVELS).optional(),
  })
  .strict()
  .refine((t) => t.distribution !== 'group' || t.group !== undefined, {
    message: 'distribution "group" needs a sharing group',
  });
/** Sharing terms. */
export type SharingTerms = z.infer<typeof SharingTermsSchema>;

/**
 * The distribution in force after `hops` transfers, with MISP's downgrade on sync: `connected`
 * becomes `community` at the first recipient and `organisation` at the second; `community`
 * becomes `organisation` at the first. `all` and `group` keep their level.
 */
export function effectiveDistribution(d: Distribution, hops: number): Distribution {
  if (hops <= 0) return d;
  if (d === 'connected') return hops === 1 ? 'community' : 'organisation';
  if (d === 'community') return 'organisation';
  return d;
}

/** The strictest of a TLP level and the terms' floor. */
export function floorTlp(level: TlpLevel | undefined, floor: TlpLevel | undefined): TlpLevel | undefined {
  if (level === undefined) return floor;
  if (floor === undefined) return level;
  return TLP_LEVELS.indexOf(level) >= TLP_LEVELS.indexOf(floor) ? level : floor;
}
