/**
 * @module
 * Schemas of the dependency model, for everything that arrives from outside (JSON files, API
 * bodies, shared STIX). Limits keep an untrusted document within bounded memory.
 */
import { z } from 'zod';
import { DEPENDENCY_TYPES, ENTITY_KINDS, type DependencyType, type EntityKind } from './types.js';

/** Entity and graph ids: printable, no control characters, at most 256 characters. */
export const ID_PATTERN = /^[^\u0000-\u001f\u007f]{1,256}$/;

/** Graph names: like tenant names, safe in URLs and file names. */
export const GRAPH_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Most entities and dependencies one graph may hold. */
export const MAX_ENTITIES = 2_000_000;
export const MAX_DEPENDENCIES = 5_000_000;

const Hours = z.number().finite().min(0).max(1e6);

/** Buffers per dependency type, in hours. */
export const BuffersSchema = z
  .object({ physical: Hours, cyber: Hours, geographic: Hours, logical: Hours })
  .partial()
  .strict();

/** An entity as JSON gives it (defaults filled). */
export const EntitySchema = z
  .object({
    id: z.string().regex(ID_PATTERN, 'not an entity id'),
    kind: z.enum(ENTITY_KINDS as [EntityKind, ...EntityKind[]]).default('asset'),
    name: z.string().max(512).optional(),
    sector: z.string().max(128).optional(),
    org: z.string().regex(ID_PATTERN).optional(),
    location: z.string().max(256).optional(),
    minInputs: z.number().int().min(1).max(1_000_000).default(1),
    buffers: BuffersSchema.default({}),
    asset: z.string().max(256).optional(),
    peer: z
      .string()
      .regex(/^[0-9a-f]{32}$/, 'a federation node id (32 hex digits)')
      .optional(),
    lat: z.number().finite().min(-90).max(90).optional(),
    lon: z.number().finite().min(-180).max(180).optional(),
  })
  .strict();

/** A dependency as JSON gives it (defaults filled). */
export const DependencySchema = z
  .object({
    source: z.string().regex(ID_PATTERN, 'not an entity id'),
    target: z.string().regex(ID_PATTERN, 'not an entity id'),
    type: z.enum(DEPENDENCY_TYPES as [DependencyType, ...DependencyType[]]).default('physical'),
    strength: z.number().finite().min(0).max(1).default(1),
    ttiHours: Hours.default(0),
    recoveryHours: Hours.default(0),
  })
  .strict();

/** A graph document. */
export const GraphDataSchema = z
  .object({
    entities: z.array(EntitySchema).max(MAX_ENTITIES).default([]),
    dependencies: z.array(DependencySchema).max(MAX_DEPENDENCIES),
  })
  .strict();
