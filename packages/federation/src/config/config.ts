/**
 * @module
 * Federation settings, read from `<data>/federation.json` (all optional). The node's core
 * configuration schema is strict and owned elsewhere, so federation keeps its own file; the
 * shape is the `federation` section it may later become.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AppError, TENANT_PATTERN } from '@intersoc/core';
import { TLP_LEVELS } from '@intersoc/cti';
import { NAME_PATTERN } from '../identity/identity.js';
import { PERSONAL_KINDS } from '../privacy/classify.js';
import { DISTRIBUTIONS } from '../policy/terms.js';

const Action = z.enum(['keep', 'pseudonymise', 'remove']);

/** The settings. */
export const FederationConfigSchema = z
  .object({
    /** Tenant whose intelligence the federation shares and receives into. */
    tenant: z.string().regex(TENANT_PATTERN).default('default'),
    /** Seconds between sync rounds (push, pull, sighting returns). */
    syncIntervalSeconds: z.number().int().min(1).max(86_400).default(60),
    /** Lifetime of attestations, days: older shares are refused as expired. */
    attestationTtlDays: z.number().int().min(1).max(400).default(30),
    /** Tolerated clock difference between nodes, seconds. */
    clockSkewSeconds: z.number().int().min(5).max(3600).default(300),
    /** TLP applied to objects without a TLP marking. */
    unmarkedTlp: z.enum(TLP_LEVELS).default('amber'),
    /** Distribution of a share that names none. */
    defaultDistribution: z.enum(DISTRIBUTIONS).default('community'),
    /** Largest TAXII body accepted from a peer, bytes. */
    maxContentLength: z
      .number()
      .int()
      .min(4096)
      .max(1 << 30)
      .default(16 * 1024 * 1024),
    /** Objects per pushed envelope. */
    pushBatch: z.number().int().min(1).max(10_000).default(1000),
    /** Requests a peer may make per minute before it gets 429. */
    requestsPerMinute: z.number().int().min(1).max(1_000_000).default(1200),
    /** Private-lookup evaluations a peer may ask per minute. */
    lookupsPerMinute: z.number().int().min(1).max(100_000).default(120),
    /** Most transfers an object may have made. */
    maxHops: z.number().int().min(1).max(16).default(6),
    /** Relay received objects to other peers when the policy allows it. */
    autoRelay: z.boolean().default(true),
    quarantine: z
      .object({
        minConfidence: z.number().min(0).max(100).default(30),
        minTrust: z.number().min(0).max(1).default(0.2),
      })
      .prefault({}),
    sightings: z
      .object({
        /** Return sightings of peers' indicators to their originators. */
        returnToOrigin: z.boolean().default(true),
      })
      .prefault({}),
    privacy: z
      .object({
        kinds: z
          .object(
            Object.fromEntries(PERSONAL_KINDS.map((k) => [k, Action.default('pseudonymise')])) as Record<
              (typeof PERSONAL_KINDS)[number],
              z.ZodDefault<typeof Action>
            >,
          )
          .prefault({}),
        freeText: z.enum(['keep', 'scrub', 'remove']).default('scrub'),
        fields: z.record(z.string(), Action).default({}),
        internalNetworks: z.array(z.string()).optional(),
        internalSuffixes: z.array(z.string()).optional(),
        /** Community whose key pseudonymises (default: the node's first community with a key). */
        community: z.string().regex(NAME_PATTERN).optional(),
      })
      .prefault({}),
  })
  .strict();
/** Validated settings. */
export type FederationConfig = z.infer<typeof FederationConfigSchema>;

/** File name of the settings inside the data directory. */
export const FEDERATION_CONFIG_FILE = 'federation.json';

/** Reads the settings (defaults when the file is absent). */
export function loadFederationConfig(dataDir: string, overrides: Record<string, unknown> = {}): FederationConfig {
  const file = path.join(dataDir, FEDERATION_CONFIG_FILE);
  let raw: unknown = {};
  if (existsSync(file)) {
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new AppError('CONFIG', `${file}: ${(err as Error).message}`);
    }
  }
  const r = FederationConfigSchema.safeParse({ ...(raw as object), ...overrides });
  if (!r.success) {
    const i = r.error.issues[0];
    throw new AppError('CONFIG', `${file}: ${i ? `${i.path.join('.')}: ${i.message}` : 'invalid'}`);
  }
  return r.data;
}
