/**
 * @module
 * Runs detectors over a batch of parsed events, one tenant at a time, and turns their drafts into
 * alerts with deterministic ids. Shared by the embedded stage (`Processor`) and the scale-out
 * detect role (`roles/detect-worker.ts`), so both raise the same alerts for the same events.
 */
import { stableId, type Alert, type AlertDraft, type Detector, type SocEvent } from '@intersoc/core';
import { mergeProcessTwins } from './process-twins.js';

/** An alert from a draft: deterministic id so replays do not duplicate alerts. */
export function toAlert(tenant: string, d: AlertDraft): Alert {
  return { ...d, id: stableId(tenant, d.detector.kind, d.detector.ruleId, ...d.eventIds), tenant, created: Date.now() };
}

/**
 * The alerts of `detectors` over `events`. A failing detector is reported through `onError`
 * and skipped; the other detectors still run.
 */
export async function runDetectors(
  detectors: readonly Detector[],
  events: readonly SocEvent[],
  onError?: (detector: string, err: unknown) => void,
): Promise<Alert[]> {
  const alerts: Alert[] = [];
  if (detectors.length === 0) return alerts;
  // Detectors see one tenant at a time, so alerts can never mix tenants' events.
  for (const [tenant, group] of groupByTenant(events)) {
    let byId: Map<string, SocEvent> | undefined;
    for (const d of detectors) {
      let drafts: readonly AlertDraft[];
      try {
        drafts = await d.detect(group);
      } catch (err) {
        onError?.(d.id, err);
        continue;
      }
      // A rule that matched both the Sysmon 1 and the 4688 of one process start raises one alert.
      if (drafts.length > 1) drafts = mergeProcessTwins(drafts, (byId ??= new Map(group.map((e) => [e.id, e]))));
      for (const a of drafts) alerts.push(toAlert(tenant, a));
    }
  }
  return alerts;
}

function groupByTenant(events: readonly SocEvent[]): Map<string, SocEvent[]> {
  const out = new Map<string, SocEvent[]>();
  for (const e of events) {
    const g = out.get(e.tenant);
    if (g) g.push(e);
    else out.set(e.tenant, [e]);
  }
  return out;
}
