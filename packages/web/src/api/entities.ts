/**
 * @module
 * The dashboard's client for host and user pages (`GET /api/entities/:kind/:name`).
 */
import { request } from './client';
import type { IncidentBrief } from './incidents';
import type { TriagedAlert } from './types';

/** Kinds of entity with a page. */
export type EntityKind = 'host' | 'user';

/** An entry of the asset inventory. */
export interface AssetEntry {
  readonly kind: EntityKind;
  readonly name: string;
  readonly aliases: readonly string[];
  readonly ips: readonly string[];
  readonly criticality: 'low' | 'medium' | 'high' | 'critical';
  readonly role?: string;
  readonly owner?: string;
  readonly tags: readonly string[];
  readonly source: string;
  readonly updated: number;
}

/** A host's or user's page. */
export interface EntityProfile {
  readonly kind: EntityKind;
  readonly name: string;
  readonly query: string;
  readonly asset?: AssetEntry;
  readonly lastSeen?: number;
  readonly sources: readonly { readonly format: string; readonly name: string; readonly count: number }[];
  readonly alerts: readonly TriagedAlert[];
  readonly moreAlerts: boolean;
  readonly incidents: readonly IncidentBrief[];
  readonly activity: {
    readonly from: number;
    readonly to: number;
    readonly bucketMs: number;
    readonly counts: readonly number[];
    readonly total: number;
    readonly partial: boolean;
  };
}

/** The page of one host or user. */
export function entityProfile(
  kind: EntityKind,
  name: string,
  q: { days?: number } = {},
  o: { signal?: AbortSignal } = {},
): Promise<EntityProfile> {
  return request<EntityProfile>('GET', `/api/entities/${kind}/${encodeURIComponent(name)}`, { query: q, ...o });
}
