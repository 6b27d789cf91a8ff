/**
 * @module
 * The cascade settings of a node (`<data>/cascade.json`, all optional).
 */
import { z } from 'zod';
import { GRAPH_NAME_PATTERN, ID_PATTERN } from '../model/schema.js';

/** Settings. */
export const CascadeSettingsSchema = z
  .object({
    /** This node's organisation entity id (else: the organisation whose `peer` is this node). */
    org: z.string().regex(ID_PATTERN).optional(),
    /** Monte Carlo runs behind an incident's probabilities and a warning's confidence. */
    runs: z.number().int().min(0).max(10_000).default(500),
    /** Send cascade warnings to the SOCs of threatened organisations. */
    warn: z.boolean().default(true),
    /** Warnings below this probability are not sent. */
    minProbability: z.number().min(0).max(1).default(0.05),
    /** Horizon of a warning, hours: later threats are not sent. */
    horizonHours: z.number().min(0).max(8760).default(168),
    /** TLP of warnings and shared edges: `amber` (named recipients only) or `amber+strict`. */
    tlp: z.enum(['amber', 'amber+strict']).default('amber'),
    /** Graph that dependencies shared by peers are merged into. */
    sharedGraph: z.string().regex(GRAPH_NAME_PATTERN).default('shared'),
    /** Most dependencies × Monte Carlo runs one what-if may cost (bounds the time of a request). */
    maxWork: z.number().int().min(1).default(5_000_000),
  })
  .strict();

/** Parsed settings. */
export type CascadeSettings = z.infer<typeof CascadeSettingsSchema>;
