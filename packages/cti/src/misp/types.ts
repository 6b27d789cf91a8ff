/**
 * @module
 * The MISP core format (events, attributes, objects, tags, galaxies, sightings), validated at the
 * edge with zod. Schemas are lax where MISP is: numbers arrive as strings, fields are optional,
 * unknown fields are kept.
 */
import { z } from 'zod';

const str = z.union([z.string(), z.number()]).transform((v) => String(v));
const bool = z
  .union([z.boolean(), z.string(), z.number()])
  .transform((v) => v === true || v === 1 || v === '1' || v === 'true');

/** A tag. */
export const MispTagSchema = z.looseObject({ name: z.string(), colour: z.string().optional() });
/** A sighting. */
export const MispSightingSchema = z.looseObject({
  uuid: z.string().optional(),
  type: str.optional(),
  timestamp: str.optional(),
  date_sighting: str.optional(),
  source: z.string().optional(),
  value: z.string().optional(),
  Organisation: z.looseObject({ name: z.string().optional(), uuid: z.string().optional() }).optional(),
});
/** A galaxy cluster. */
export const MispGalaxyClusterSchema = z.looseObject({
  uuid: z.string().optional(),
  type: z.string().optional(),
  value: z.string(),
  tag_name: z.string().optional(),
  description: z.string().optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
});
/** A galaxy with its clusters. */
export const MispGalaxySchema = z.looseObject({
  uuid: z.string().optional(),
  name: z.string().optional(),
  type: z.string(),
  namespace: z.string().optional(),
  description: z.string().optional(),
  GalaxyCluster: z.array(MispGalaxyClusterSchema).default([]),
});
/** An attribute. */
export const MispAttributeSchema = z.looseObject({
  uuid: z.string().optional(),
  type: z.string(),
  category: z.string().optional(),
  value: str,
  to_ids: bool.optional(),
  comment: z.string().optional(),
  timestamp: str.optional(),
  first_seen: z.string().nullish(),
  last_seen: z.string().nullish(),
  object_relation: z.string().nullish(),
  disable_correlation: bool.optional(),
  Tag: z.array(MispTagSchema).optional(),
  Sighting: z.array(MispSightingSchema).optional(),
  Galaxy: z.array(MispGalaxySchema).optional(),
});
/** An object reference. */
export const MispObjectReferenceSchema = z.looseObject({
  uuid: z.string().optional(),
  object_uuid: z.string().optional(),
  referenced_uuid: z.string(),
  relationship_type: z.string(),
  comment: z.string().optional(),
});
/** An object. */
export const MispObjectSchema = z.looseObject({
  uuid: z.string().optional(),
  name: z.string(),
  'meta-category': z.string().optional(),
  template_uuid: z.string().optional(),
  template_version: str.optional(),
  description: z.string().optional(),
  comment: z.string().optional(),
  timestamp: str.optional(),
  Attribute: z.array(MispAttributeSchema).default([]),
  ObjectReference: z.array(MispObjectReferenceSchema).optional(),
});
/** An event. */
export const MispEventSchema = z.looseObject({
  uuid: z.string().optional(),
  info: z.string().default(''),
  date: z.string().optional(),
  threat_level_id: str.optional(),
  analysis: str.optional(),
  timestamp: str.optional(),
  publish_timestamp: str.optional(),
  published: bool.optional(),
  Orgc: z.looseObject({ name: z.string().optional(), uuid: z.string().optional() }).optional(),
  Tag: z.array(MispTagSchema).optional(),
  Attribute: z.array(MispAttributeSchema).default([]),
  Object: z.array(MispObjectSchema).default([]),
  Galaxy: z.array(MispGalaxySchema).optional(),
  Sighting: z.array(MispSightingSchema).optional(),
});

export type MispTag = z.infer<typeof MispTagSchema>;
export type MispSighting = z.infer<typeof MispSightingSchema>;
export type MispGalaxyCluster = z.infer<typeof MispGalaxyClusterSchema>;
export type MispGalaxy = z.infer<typeof MispGalaxySchema>;
export type MispAttribute = z.infer<typeof MispAttributeSchema>;
export type MispObjectReference = z.infer<typeof MispObjectReferenceSchema>;
export type MispObject = z.infer<typeof MispObjectSchema>;
export type MispEvent = z.infer<typeof MispEventSchema>;
