/**
 * @module
 * Cascade warnings between SOCs: a STIX 2.1 custom object `x-intersoc-cascade-warning` that says
 * what failed (or is expected to), which of the recipient's entities it threatens, when (hours
 * and an absolute time) and with what confidence (the Monte Carlo probability, 0–100 as STIX
 * `confidence`). It travels through the federation like any shared object: signed by its
 * origin, under the sender's sharing policy (TLP:AMBER to the named recipient by default, so it
 * is never relayed automatically); a receiving SOC that is itself a supplier relays the cascade
 * with a new warning of its own (`hops` + 1), never the original object.
 */
import { z } from 'zod';
import { uuidv5 } from '../internal/uuid.js';
import { ID_PATTERN } from '../model/schema.js';

/** The STIX type of a warning. */
export const WARNING_TYPE = 'x-intersoc-cascade-warning';

/** One failed (or failing) entity a warning names. */
export interface WarningFailure {
  readonly entity: string;
  readonly sector?: string;
  readonly org?: string;
  /** Hours after the warning's `origin_time`. */
  readonly hours: number;
}

/** One threatened entity of the recipient. */
export interface WarningThreat {
  readonly entity: string;
  readonly org: string;
  /** Expected hours to impact after `origin_time`. */
  readonly hours: number;
  /** 0–1. */
  readonly probability: number;
}

/** What a warning carries. */
export interface CascadeWarning {
  readonly id: string;
  /** Organisation entity id of the sender and its sector. */
  readonly fromOrg: string;
  readonly fromSector?: string;
  /** Organisation the warning is for and its federation node id. */
  readonly toOrg: string;
  readonly toPeer: string;
  /** When the first failure happened (ISO time). */
  readonly originTime: string;
  readonly failed: readonly WarningFailure[];
  readonly threatened: readonly WarningThreat[];
  /** 0–100. */
  readonly confidence: number;
  /** 0 when the sender saw the failure; +1 per SOC that relayed the cascade. */
  readonly hops: number;
  /** Organisations the cascade went through, first first. */
  readonly path: readonly string[];
  readonly summary: string;
}

const Failure = z.object({
  entity: z.string().regex(ID_PATTERN),
  sector: z.string().max(128).optional(),
  org: z.string().regex(ID_PATTERN).optional(),
  hours: z.number().min(0).max(1e6),
});
const Threat = z.object({
  entity: z.string().regex(ID_PATTERN),
  org: z.string().regex(ID_PATTERN),
  hours: z.number().min(0).max(1e6),
  probability: z.number().min(0).max(1),
});

/** The custom properties of a warning as received (validated before use). */
export const WarningBodySchema = z.object({
  from_org: z.string().regex(ID_PATTERN),
  from_sector: z.string().max(128).optional(),
  to_org: z.string().regex(ID_PATTERN),
  to_peer: z.string().regex(/^[0-9a-f]{32}$/),
  origin_time: z.iso.datetime({ offset: true }),
  failed: z.array(Failure).min(1).max(1000),
  threatened: z.array(Threat).min(1).max(10_000),
  hops: z.number().int().min(0).max(16),
  path: z.array(z.string().regex(ID_PATTERN)).max(17),
});

const WarningObjectSchema = z.object({
  type: z.literal(WARNING_TYPE),
  id: z.string().regex(/^x-intersoc-cascade-warning--[0-9a-f-]{36}$/),
  name: z.string().max(1024).optional(),
  confidence: z.number().int().min(0).max(100).optional(),
  x_intersoc_cascade: WarningBodySchema,
});

/** The STIX id of a warning: one per origin failure, recipient and hop. */
export function warningId(key: string, toPeer: string, hops: number): string {
  return `${WARNING_TYPE}--${uuidv5(`warning\u0000${key}\u0000${toPeer}\u0000${hops}`)}`;
}

/** The STIX object of a warning. */
export function warningToStix(
  w: CascadeWarning,
  o: { readonly time: string; readonly createdBy?: string; readonly markings?: readonly string[] },
): Record<string, unknown> {
  return {
    type: WARNING_TYPE,
    spec_version: '2.1',
    id: w.id,
    created: o.time,
    modified: o.time,
    ...(o.createdBy ? { created_by_ref: o.createdBy } : {}),
    ...(o.markings && o.markings.length > 0 ? { object_marking_refs: [...o.markings] } : {}),
    name: w.summary,
    confidence: w.confidence,
    x_intersoc_cascade: {
      from_org: w.fromOrg,
      ...(w.fromSector !== undefined ? { from_sector: w.fromSector } : {}),
      to_org: w.toOrg,
      to_peer: w.toPeer,
      origin_time: w.originTime,
      failed: w.failed,
      threatened: w.threatened,
      hops: w.hops,
      path: w.path,
    },
  };
}

/** Reads a warning from a STIX object; undefined (with the reason) when it is not a valid one. */
export function warningFromStix(o: unknown): { ok: true; value: CascadeWarning } | { ok: false; reason: string } {
  const r = WarningObjectSchema.safeParse(o);
  if (!r.success) return { ok: false, reason: r.error.issues[0]?.message ?? 'invalid warning' };
  const b = r.data.x_intersoc_cascade;
  return {
    ok: true,
    value: {
      id: r.data.id,
      fromOrg: b.from_org,
      ...(b.from_sector !== undefined ? { fromSector: b.from_sector } : {}),
      toOrg: b.to_org,
      toPeer: b.to_peer,
      originTime: b.origin_time,
      failed: b.failed.map((f) => ({
        entity: f.entity,
        hours: f.hours,
        ...(f.sector ? { sector: f.sector } : {}),
        ...(f.org ? { org: f.org } : {}),
      })),
      threatened: b.threatened,
      confidence: r.data.confidence ?? Math.round(Math.max(...b.threatened.map((t) => t.probability)) * 100),
      hops: b.hops,
      path: b.path,
      summary: r.data.name ?? `cascade warning from ${b.from_org}`,
    },
  };
}
