/**
 * @module
 * Builds an incident from a known set of alerts, outside the stream: after an analyst splits an
 * incident, both halves are summarised again from their alerts with the same rules the builder
 * uses (title, score, graph, timeline, classification).
 */
import type { Alert } from '@intersoc/core';
import { EMPTY_ASSETS } from '../assets/asset-index.js';
import type { AssetLookup } from '../assets/types.js';
import { RulesClassifier, type IncidentClassifier } from '../classify/classifier.js';
import { alertKeys } from './keys.js';
import { IncidentState } from './state.js';
import type { Incident } from './types.js';

/** The incident `id` made of exactly `alerts`. */
export function summarizeIncident(
  o: {
    readonly tenant: string;
    readonly id: string;
    readonly created: number;
    readonly now: number;
    readonly assets?: AssetLookup;
    readonly classifier?: IncidentClassifier;
  },
  alerts: readonly Alert[],
): Incident {
  const assets = o.assets ?? EMPTY_ASSETS;
  const state = new IncidentState(o.id, o.tenant, o.created);
  const learned = new Map<string, string>();
  for (const a of [...alerts].sort((x, y) => x.time - y.time)) {
    const k = alertKeys(a, assets, learned);
    if (k.learned) learned.set(k.learned[0], k.learned[1]);
    state.add(a, k);
  }
  return state.snapshot(o.now, assets, o.classifier ?? new RulesClassifier());
}
