/**
 * @module
 * What a baseline learns from one normalised event, read in the parse threads. Stateless per
 * event: the state lives in the baseline stage on the writer thread (`BaselineEngine`), which
 * sees every thread's observations of a tenant. Reads the entity model's ECS fields (`host.name`,
 * `user.name`, `process.parent.name`...) plus a few original Windows fields that ECS has no name
 * for (`LogonType`, `ServiceName`, `TaskName`).
 */
import type { AlertDraft, Detector, SocEvent } from '@intersoc/core';
import { HOUR_MS, type BaselineObservation, type NoveltyObservation, type RateObservation } from './types.js';

const CONTEXT_MAX = 300;
/** Event ids kept per rate bucket (enough to open the hour's first events from the alert). */
const RATE_IDS = 3;

/** Windows logon types by number (4624 `LogonType`). */
const LOGON_TYPES: Readonly<Record<string, string>> = {
  '2': 'Interactive',
  '3': 'Network',
  '4': 'Batch',
  '5': 'Service',
  '7': 'Unlock',
  '8': 'NetworkCleartext',
  '9': 'NewCredentials',
  '10': 'RemoteInteractive',
  '11': 'CachedInteractive',
};

/** Accounts of the machine itself: they log on everywhere, all the time, and are nobody's behaviour. */
const SERVICE_ACCOUNTS = new Set(['system', 'local service', 'network service', 'anonymous logon', '-', 'n/a']);

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

function clip(s: string): string {
  return s.length > CONTEXT_MAX ? `${s.slice(0, CONTEXT_MAX)}…` : s;
}

/** A user name worth a baseline (not a machine account, not a built-in service identity). */
export function personUser(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const u = name.toLowerCase();
  if (u.endsWith('$') || SERVICE_ACCOUNTS.has(u) || /^(dwm|umfd)-\d+$/.test(u)) return undefined;
  return u;
}

/** The observations of one event (novelty only; rates are counted by `BaselineObserver`). */
export function noveltyObservations(e: SocEvent): NoveltyObservation[] {
  const ecs = e.ecs;
  const host = text(ecs['host.name'])?.toLowerCase();
  const code = text(ecs['event.code']);
  const action = text(ecs['event.action']);
  const out: NoveltyObservation[] = [];
  const base = { type: 'novelty' as const, tenant: e.tenant, time: e.time, eventId: e.id };
  // Process starts with their parent (Sysmon 1, Security 4688, any source that names both).
  const child = text(ecs['process.name']);
  const parent = text(ecs['process.parent.name']);
  if (host && child && parent && (action === 'process-created' || action === 'process_started' || code === '1')) {
    const context: Record<string, string> = {};
    const cmd = text(ecs['process.command_line']);
    if (cmd) context['process.command_line'] = clip(cmd);
    const user = text(ecs['user.name']);
    if (user) context['user.name'] = user;
    out.push({
      ...base,
      kind: 'process-pair',
      entity: host,
      item: `${parent.toLowerCase()}>${child.toLowerCase()}`,
      label: `${parent} → ${child}`,
      context,
    });
    return out;
  }
  const f = e.fields;
  // Successful logons: Windows 4624, sshd "Accepted ...", auditd USER_LOGIN.
  if (text(ecs['event.category']) === 'authentication' && text(ecs['event.outcome']) === 'success') {
    const user = personUser(text(ecs['user.name']));
    const windows = code === '4624';
    const linux = action === 'ssh_login' || action === 'user_login';
    if (user && (windows || linux)) {
      const rawType = windows ? text(f['LogonType']) : action === 'ssh_login' ? 'ssh' : 'login';
      const type =
        rawType === undefined ? undefined : LOGON_TYPES[rawType] ? `${rawType} (${LOGON_TYPES[rawType]})` : rawType;
      const ip = text(ecs['source.ip']);
      const context: Record<string, string> = {};
      if (host) context['host.name'] = host;
      if (type) context['logon.type'] = type;
      if (ip && ip !== '-') {
        context['source.ip'] = ip;
        out.push({ ...base, kind: 'logon-source', entity: user, item: ip.toLowerCase(), label: ip, context });
      }
      if (type) out.push({ ...base, kind: 'logon-type', entity: user, item: type.toLowerCase(), label: type, context });
      if (host) out.push({ ...base, kind: 'logon-host', entity: user, item: host, label: host, context });
    }
    return out;
  }
  if (!host) return out;
  // Services installed (System 7045, Security 4697) and scheduled tasks created (4698, Task Scheduler 106).
  const channel = text(ecs['winlog.channel'])?.toLowerCase();
  if (code === '7045' || code === '4697') {
    const name = text(f['ServiceName']);
    if (name) {
      const image = text(f['ImagePath']) ?? text(f['ServiceFileName']) ?? text(ecs['file.path']);
      const context: Record<string, string> = image ? { 'service.image': clip(image) } : {};
      out.push({ ...base, kind: 'service', entity: host, item: name.toLowerCase(), label: name, context });
    }
  } else if (code === '4698' || (code === '106' && channel?.includes('taskscheduler'))) {
    const name = text(f['TaskName']);
    if (name) out.push({ ...base, kind: 'task', entity: host, item: name.toLowerCase(), label: name });
  }
  return out;
}

/**
 * The baseline kind of pipeline detector: raises nothing itself; it queues each event's
 * observations, and counts events per host and user and clock hour, for `takeObservations()`.
 * The processor hands them to the baseline stage with the batch.
 */
export class BaselineObserver implements Detector {
  readonly kind = 'baseline';
  readonly id = 'baseline:observer';
  private novelty: BaselineObservation[] = [];
  private readonly rates = new Map<string, { o: RateObservation & { count: number }; ids: string[] }>();

  detect(events: readonly SocEvent[]): readonly AlertDraft[] {
    for (const e of events) {
      for (const o of noveltyObservations(e)) this.novelty.push(o);
      const hour = Math.floor(e.time / HOUR_MS);
      const host = text(e.ecs['host.name'])?.toLowerCase();
      if (host) this.count(e, 'host', host, hour);
      const user = personUser(text(e.ecs['user.name']));
      if (user) this.count(e, 'user', user, hour);
    }
    return [];
  }

  private count(e: SocEvent, kind: 'host' | 'user', entity: string, hour: number): void {
    const key = `${e.tenant}\u0000${kind}\u0000${entity}\u0000${hour}`;
    const r = this.rates.get(key);
    if (r) {
      r.o.count++;
      if (r.ids.length < RATE_IDS) r.ids.push(e.id);
      return;
    }
    const ids = [e.id];
    this.rates.set(key, { o: { type: 'rate', tenant: e.tenant, kind, entity, hour, count: 1, eventIds: ids }, ids });
  }

  /** Observations since the last call. */
  takeObservations(): BaselineObservation[] {
    const out = this.novelty;
    this.novelty = [];
    for (const r of this.rates.values()) out.push(r.o);
    this.rates.clear();
    return out;
  }
}
