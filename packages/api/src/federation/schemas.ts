/**
 * @module
 * HTTP shapes of the federation routes.
 */
import { z } from 'zod';

/** A node id: 128 bits of the key fingerprint, hex. */
export const NodeIdParam = z.string().regex(/^[0-9a-f]{32}$/, 'not a node id');
/** A community or sharing-group name. */
export const NameParam = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, 'lower-case letters, digits, _ . -');
/** A STIX id. */
export const StixIdParam = z.string().regex(/^[a-z][a-z0-9-]{0,62}--[0-9a-f-]{36}$/, 'not a STIX id');

export const PeerSchema = z
  .object({
    nodeId: z.string(),
    name: z.string(),
    sector: z.string(),
    country: z.string(),
    communities: z.array(z.string()).readonly(),
    endpoint: z.string().optional(),
    reliability: z.string().describe('admiralty grade A–F'),
    trust: z.number().describe('0 to 1'),
    status: z.string(),
    confirmations: z.number().int(),
    falsePositives: z.number().int(),
    lastContact: z.number().optional(),
    lastError: z.string().optional(),
  })
  .meta({ id: 'FederationPeer' });

export const NodeSchema = z
  .object({
    nodeId: z.string(),
    name: z.string(),
    sector: z.string(),
    country: z.string(),
    communities: z.array(z.string()).readonly(),
    endpoint: z.string().optional(),
    publicKey: z.string(),
    tenant: z.string(),
    card: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'FederationNode' });

export const AddPeerSchema = z.object({
  card: z.record(z.string(), z.unknown()).describe('the peer card it printed with `intersoc node card`'),
  reliability: z.enum(['A', 'B', 'C', 'D', 'E', 'F']).optional(),
  communities: z.array(NameParam).max(32).optional(),
  endpoint: z.url().optional().describe('overrides the endpoint in the card'),
});

export const ShareSchema = z
  .object({
    ids: z.array(StixIdParam).min(1).max(10_000).optional(),
    types: z
      .array(z.string().regex(/^[a-z][a-z0-9-]{0,62}$/))
      .max(64)
      .optional(),
    distribution: z.enum(['organisation', 'community', 'connected', 'all', 'group']).optional(),
    tlp: z.enum(['clear', 'green', 'amber', 'amber+strict', 'red']).optional(),
    recipients: z.array(NodeIdParam).max(1024).optional(),
    group: NameParam.optional(),
    pap: z.enum(['clear', 'green', 'amber', 'red']).optional(),
    explicit: z.boolean().optional(),
  })
  .refine((s) => s.ids !== undefined || s.types !== undefined, { message: 'name ids or types' });

export const ShareResultSchema = z
  .object({
    run: z.string(),
    objects: z.number().int(),
    withheld: z.array(z.object({ id: z.string(), reason: z.string() })).readonly(),
    queued: z.record(z.string(), z.number().int()),
    decisions: z.number().int(),
    denied: z.number().int(),
  })
  .meta({ id: 'FederationShareResult' });

export const SyncResultSchema = z.object({
  peer: z.string(),
  pushed: z.number().int(),
  pulled: z.object({ added: z.number().int(), duplicates: z.number().int(), rejected: z.number().int() }),
  error: z.string().optional(),
});

export const QuarantinedSchema = z.object({
  id: z.string(),
  type: z.string(),
  name: z.string().optional(),
  confidence: z.number(),
  reporters: z.array(z.string()).readonly(),
});

export const LookupSchema = z.object({
  kind: z.enum(['ip', 'domain', 'url', 'email', 'hash']),
  value: z.string().min(1).max(2048),
});

export const LookupAnswerSchema = z.object({
  peer: z.string(),
  name: z.string(),
  seen: z.boolean().optional(),
  error: z.string().optional(),
});

export const LandedSchema = z.object({
  indicator: z.string(),
  peer: z.string(),
  count: z.number().int(),
  first: z.number(),
  last: z.number(),
});

export const RejectionSchema = z.object({
  time: z.number(),
  peer: z.string(),
  objectId: z.string(),
  code: z.string(),
  reason: z.string(),
});

export const DecisionSchema = z.object({
  time: z.number(),
  run: z.string(),
  objectId: z.string(),
  version: z.string(),
  peer: z.string(),
  allowed: z.boolean(),
  reason: z.string(),
  tlp: z.string(),
  distribution: z.string(),
  hops: z.number().int(),
});

export const GroupSchema = z.object({ name: z.string(), members: z.array(z.string()).readonly() });

export const ProvenanceSchema = z
  .object({
    id: z.string(),
    version: z.string(),
    origin: z.string(),
    chain: z
      .array(
        z.object({
          node: z.string(),
          to: z.string(),
          signed: z.number().describe('epoch seconds'),
          expires: z.number().describe('epoch seconds'),
          explicit: z.boolean(),
          terms: z.record(z.string(), z.unknown()).optional(),
        }),
      )
      .readonly(),
  })
  .meta({ id: 'FederationProvenance' });
