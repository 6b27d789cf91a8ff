/**
 * @module
 * One alert per process start. Windows logs a start twice when both Sysmon (event 1) and the
 * Security audit (4688) are on, and a `process_creation` Sigma rule matches both: the two drafts
 * of one rule on the same host, pid and program, at most two seconds apart, become one alert with
 * both events (the Sysmon one first: it carries the GUID and hashes). Twins split across two
 * detection batches stay two alerts.
 */
import type { AlertDraft, Entity, SocEvent } from '@intersoc/core';

/** A Sysmon 1 and its 4688 twin are written within this many ms of each other. */
const TWIN_MS = 2_000;

function startKey(d: AlertDraft, events: ReadonlyMap<string, SocEvent>): string | undefined {
  if (d.eventIds.length !== 1) return undefined;
  const e = events.get(d.eventIds[0] ?? '');
  if (!e || e.ecs['event.action'] !== 'process-created') return undefined;
  const host = e.ecs['host.name'];
  const pid = e.ecs['process.pid'];
  const exe = e.ecs['process.executable'];
  if (host === undefined || pid === undefined || typeof exe !== 'string') return undefined;
  return `${d.detector.kind}\0${d.detector.ruleId}\0${host}\0${pid}\0${exe.toLowerCase()}`;
}

function mergeEntities(a: readonly Entity[], b: readonly Entity[]): Entity[] {
  const out = [...a];
  const seen = new Set(a.map((e) => `${e.type}\0${e.value.toLowerCase()}\0${e.role ?? ''}`));
  for (const e of b) {
    const k = `${e.type}\0${e.value.toLowerCase()}\0${e.role ?? ''}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(e);
    }
  }
  return out;
}

/**
 * Merges the drafts of one detector that describe one process start. `events` holds the batch's
 * events by id; drafts it cannot place are returned as they are, in their order.
 */
export function mergeProcessTwins(drafts: readonly AlertDraft[], events: ReadonlyMap<string, SocEvent>): AlertDraft[] {
  if (drafts.length < 2) return [...drafts];
  const out: (AlertDraft | undefined)[] = [];
  const open = new Map<string, { index: number; time: number; sysmon: boolean }[]>();
  for (const d of drafts) {
    const key = startKey(d, events);
    if (key === undefined) {
      out.push(d);
      continue;
    }
    const e = events.get(d.eventIds[0] ?? '') as SocEvent;
    const sysmon = e.ecs['process.entity_id'] !== undefined;
    const list = open.get(key) ?? [];
    const twin = list.find((x) => Math.abs(x.time - d.time) <= TWIN_MS && x.sysmon !== sysmon);
    if (twin) {
      const kept = out[twin.index] as AlertDraft;
      const [first, second] = twin.sysmon ? [kept, d] : [d, kept];
      out[twin.index] = {
        ...first,
        time: Math.min(first.time, second.time),
        eventIds: [...first.eventIds, ...second.eventIds],
        entities: mergeEntities(first.entities, second.entities),
      };
      // A start has one twin: the merged draft takes no third.
      list.splice(list.indexOf(twin), 1);
      continue;
    }
    list.push({ index: out.length, time: d.time, sysmon });
    open.set(key, list);
    out.push(d);
  }
  return out.filter((d): d is AlertDraft => d !== undefined);
}
