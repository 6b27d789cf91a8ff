/**
 * @module
 * The short form of an incident that `intersoc incidents list` prints.
 */
import { isoTime } from '@intersoc/core';
import type { Incident, IncidentSummary } from './types.js';

/** `{id, title, severity, score, status, hosts, users, tactics, techniques, rsit, alert_count, first_seen, last_seen}`. */
export function incidentSummary(i: Incident): IncidentSummary {
  return {
    id: i.id,
    title: i.title,
    severity: i.severity,
    score: i.score,
    status: i.status,
    hosts: i.hosts,
    users: i.users,
    tactics: i.tactics,
    techniques: i.techniques,
    rsit: { class: i.rsit.class, type: i.rsit.type },
    alert_count: i.alertCount,
    first_seen: isoTime(i.firstSeen),
    last_seen: isoTime(i.lastSeen),
  };
}
