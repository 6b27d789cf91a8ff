/**
 * @module
 * Silence alerts: a host, or one host's stream of one format (`web-01/auditd`), that reported
 * steadily at these hours and has gone quiet. The alert says since when, for how long, and the
 * history that made the silence unlikely (the share of past hours at that slot with events, on
 * how many past days or weeks). Stopping a log source is a classic defence evasion (T1562.001
 * disables a sensor, T1070.002 clears Linux logs), though most silences are broken forwarders.
 */
import type { AlertDraft, Entity } from '@intersoc/core';
import type { Activity } from './rate.js';
import { HOUR_MS, type RateKind } from './types.js';

/** A silent stretch: its first and latest silent hours (epoch hours), its log chance, the latest slot's activity. */
export interface SilentStretch {
  readonly from: number;
  readonly to: number;
  /** Hours of the stretch at which the entity steadily reported (the others were excused). */
  readonly steady: number;
  readonly logP: number;
  readonly last: Activity;
}

function hourText(hour: number): string {
  return `${new Date(hour * HOUR_MS).toISOString().slice(0, 13).replace('T', ' ')}:00`;
}

/** `2026-01-19 10:00–12:59`, with the end's date when the stretch crosses midnight. */
function stretchText(from: number, to: number): string {
  const end = hourText(to);
  const sameDay = Math.floor(from / 24) === Math.floor(to / 24);
  return `${hourText(from)}–${sameDay ? end.slice(11, 13) : end.slice(0, 13)}:59`;
}

/** "1 in 2,900": the chance of the stretch, rounded to two significant figures. */
function oneIn(logP: number): string {
  const n = Math.exp(-logP);
  if (!Number.isFinite(n) || n > 1e12) return 'less than 1 in a trillion';
  const digits = Math.max(0, Math.floor(Math.log10(n)) - 1);
  const r = Math.round(n / 10 ** digits) * 10 ** digits;
  return `1 in ${r.toLocaleString('en-US')}`;
}

/** Splits a `source` entity (`host/format`) into its parts. */
export function sourceParts(entity: string): { host: string; format: string } {
  // Host names hold no '/', Windows channels do (Microsoft-Windows-Sysmon/Operational).
  const at = entity.indexOf('/');
  return at < 0 ? { host: entity, format: '' } : { host: entity.slice(0, at), format: entity.slice(at + 1) };
}

/**
 * The alert for a host or source that fell silent against a steady history. `eventIds` are the
 * first events of its last hour with events (what it sent last; they also keep each silent
 * stretch's alert id distinct).
 */
export function silenceAlert(
  kind: RateKind,
  entity: string,
  s: SilentStretch,
  firstHour: number,
  eventIds: readonly string[],
): AlertDraft {
  const hours = s.to - s.from + 1;
  const observedDays = Math.floor((s.to - firstHour) / 24);
  const { host, format } = kind === 'source' ? sourceParts(entity) : { host: entity, format: '' };
  const who = kind === 'source' ? `${format} events from ${host}` : `host ${host}`;
  const seasonText =
    s.last.season === 'week'
      ? `the same hour of the week on ${s.last.history} previous weeks`
      : `the same hour on ${s.last.history} previous days`;
  const pct = Math.round(s.last.share * 100);
  const entities: Entity[] = [{ type: 'host', value: host }];
  return {
    time: (s.to + 1) * HOUR_MS - 1,
    detector: {
      kind: 'baseline',
      ruleId: `baseline:silence-${kind}`,
      ruleTitle: kind === 'source' ? 'A steady log source went silent' : 'A steady host went silent',
    },
    severity: kind === 'source' ? 'medium' : 'low',
    tactics: ['defense-evasion'],
    techniques: ['T1562.001'],
    entities,
    eventIds,
    summary:
      `${who}: none for ${hours} hour${hours === 1 ? '' : 's'} (${stretchText(s.from, s.to)} UTC, ` +
      `last event in the hour from ${hourText(s.from - 1)})` +
      (s.steady === hours ? '' : `, ${s.steady} of them at hours when it steadily reported`) +
      `; the latest had events in ${pct}% of ${seasonText}; ` +
      `chance of such a silence under that history ${oneIn(s.logP)} (${observedDays} days observed)`,
    details: {
      baseline: {
        kind: `silence-${kind}`,
        entity,
        host,
        ...(format ? { format } : {}),
        silentFrom: new Date(s.from * HOUR_MS).toISOString(),
        silentHours: hours,
        steadyHours: s.steady,
        chance: Math.exp(s.logP),
        history: { season: s.last.season, history: s.last.history, share: s.last.share },
        observedDays,
      },
    },
  };
}
