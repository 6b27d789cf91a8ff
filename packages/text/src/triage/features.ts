/**
 * @module
 * Features of an alert for the triage model: what the alert says (rule, level, tactics,
 * techniques, detector kind, entity kinds, words of its summary such as the command line), who
 * and what it is about (an admin, service or system account; a program in a user-writable folder;
 * an external address; the hour), and its context in the tenant's recent alert stream (how many
 * other rules and tactics fired on the same host in the last two hours, how often the rule fired
 * in the last day, whether it is the rule's first time on the host). Context only looks back, so
 * scoring a new alert needs nothing from the future.
 */
import type { Alert } from '@intersoc/core';

const HOUR = 3_600_000;
const PRIVATE = /^(10\.|127\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|169\.254\.|::1$|f[cd]|fe80)/i;
const USER_DIRS =
  /\\(users|documents and settings)\\[^\\]+\\(appdata|downloads|desktop|documents)\\|\\temp\\|\\users\\public\\|\/tmp\/|\/dev\/shm\/|\/var\/tmp\//i;
const SYSTEM_DIRS = /\\windows\\(system32|syswow64)\\|\\program files|^\/(usr\/)?s?bin\//i;

/** What the stream says about an alert's surroundings. */
export interface AlertContext {
  readonly rulesOnHost2h: number;
  readonly tacticsOnHost2h: number;
  readonly ruleCount24h: number;
  readonly firstOnHost: boolean;
}

const bucket = (n: number, cuts: readonly number[]): string => {
  let i = 0;
  while (i < cuts.length && n >= (cuts[i] as number)) i++;
  return i === 0 ? `<${cuts[0]}` : i === cuts.length ? `>=${cuts[i - 1]}` : `${cuts[i - 1]}-${cuts[i]}`;
};

/** The host an alert is about (first host entity), lower case. */
export function hostOf(a: Alert): string {
  return (a.entities.find((e) => e.type === 'host')?.value ?? '').toLowerCase().split('.')[0] ?? '';
}

/** Named features of an alert in its context. */
export function alertFeatures(a: Alert, c: AlertContext): string[] {
  const f: string[] = [`rule=${a.detector.ruleId}`, `kind=${a.detector.kind}`, `sev=${a.severity}`, 'bias'];
  for (const t of a.tactics) f.push(`tactic=${t.toLowerCase()}`);
  for (const t of a.techniques) {
    const id = t.toUpperCase();
    f.push(`tech=${id}`);
    if (id.includes('.')) f.push(`tech=${id.split('.')[0] ?? ''}`);
  }
  for (const w of new Set((a.detector.ruleTitle.toLowerCase().match(/[a-z0-9]{3,}/g) ?? []).slice(0, 20)))
    f.push(`title:${w}`);
  for (const w of new Set((a.summary.toLowerCase().match(/[a-z][a-z0-9_.-]{2,30}/g) ?? []).slice(0, 40)))
    f.push(`word:${w}`);
  for (const e of a.entities) {
    f.push(`entity=${e.type}`);
    const v = e.value.toLowerCase();
    if (e.type === 'user') {
      if (/(^|\\)(adm|admin|administrator)[-_]?|domain admins/.test(v)) f.push('user:admin');
      if (/svc|service|\$$/.test(v)) f.push('user:service');
      if (/system|local service|network service|^root$/.test(v)) f.push('user:system');
    }
    if ((e.type === 'process' || e.type === 'file') && USER_DIRS.test(v)) f.push('path:user-writable');
    if ((e.type === 'process' || e.type === 'file') && SYSTEM_DIRS.test(v)) f.push('path:system');
    if (e.type === 'ip' && !PRIVATE.test(v)) f.push(`ip:external:${e.role ?? 'any'}`);
    if (e.type === 'ip' && PRIVATE.test(v)) f.push(`ip:internal:${e.role ?? 'any'}`);
  }
  const hour = new Date(a.time).getUTCHours();
  f.push(hour >= 7 && hour < 19 ? 'time:day' : 'time:night');
  f.push(`ctx:rules-on-host=${bucket(c.rulesOnHost2h, [1, 2, 3, 5])}`);
  f.push(`ctx:tactics-on-host=${bucket(c.tacticsOnHost2h, [1, 2, 3])}`);
  f.push(`ctx:rule-per-day=${bucket(c.ruleCount24h, [2, 5, 20, 100])}`);
  if (c.firstOnHost) f.push('ctx:first-time-on-host');
  return f;
}

/** Follows a tenant's alert stream in time order and gives each alert its context. */
export class AlertContextTracker {
  private readonly recent: Alert[] = [];
  private readonly seen = new Set<string>();
  private readonly ruleTimes = new Map<string, number[]>();

  /** The context of `a` from the alerts seen before it; then takes `a` in. */
  next(a: Alert): AlertContext {
    const host = hostOf(a);
    while (this.recent.length > 0 && (this.recent[0] as Alert).time < a.time - 24 * HOUR) this.recent.shift();
    const rules = new Set<string>();
    const tactics = new Set<string>();
    for (const r of this.recent) {
      if (r.time < a.time - 2 * HOUR || hostOf(r) !== host || host === '') continue;
      if (r.detector.ruleId !== a.detector.ruleId) rules.add(r.detector.ruleId);
      for (const t of r.tactics) tactics.add(t);
    }
    const times = (this.ruleTimes.get(a.detector.ruleId) ?? []).filter((t) => t >= a.time - 24 * HOUR);
    const key = `${host}\0${a.detector.ruleId}`;
    const c: AlertContext = {
      rulesOnHost2h: rules.size,
      tacticsOnHost2h: tactics.size,
      ruleCount24h: times.length,
      firstOnHost: !this.seen.has(key),
    };
    times.push(a.time);
    this.ruleTimes.set(a.detector.ruleId, times);
    this.seen.add(key);
    this.recent.push(a);
    return c;
  }
}
