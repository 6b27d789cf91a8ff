/**
 * @module
 * What a baseline learns from one normalised event, read in the parse threads. Stateless per
 * event: the state lives in the baseline stage on the writer thread (`BaselineEngine`), which
 * sees every thread's observations of a tenant. Reads the entity model's ECS fields (`host.name`,
 * `user.name`, `process.parent.name`...) plus a few original Windows fields that ECS has no name
 * for (`LogonType`, `ServiceName`, `TaskName`). Linux events (auditd, systemd and cron syslog
 * lines) go through `LinuxTracker` (`linux.ts`), which keeps pid → program per host for auditd.
 */
import type { AlertDraft, Detector, SocEvent } from '@intersoc/core';
import { baseName, LinuxTracker } from './linux.js';
import {
  HOUR_MS,
  type BaselineObservation,
  type NoveltyObservation,
  type RateKind,
  type RateObservation,
} from './types.js';

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

/** The host an event is about: `host.name`, else the sending peer (auditd lines carry no host unless `node=`). */
export function hostOf(e: SocEvent): string | undefined {
  return (text(e.ecs['host.name']) ?? text(e.ecs['host.hostname']) ?? text(e.source.peer))?.toLowerCase();
}

/** The `source` rate entity of an event: its host and format, plus the Windows channel. */
export function sourceOf(e: SocEvent, host: string): string {
  const channel = text(e.ecs['winlog.channel']);
  return `${host}/${e.source.format}${channel ? `:${channel.toLowerCase()}` : ''}`;
}

/**
 * How a Linux logon happened: `ssh/publickey` from sshd's "Accepted publickey for ..." line, the
 * program for an auditd USER_LOGIN record (`sshd`, `login`, `gdm-session-worker`).
 */
function linuxMethod(e: SocEvent, action: string): string {
  if (action === 'ssh_login') {
    const m = /^Accepted (\S+) for /.exec(text(e.ecs['message']) ?? '');
    return m?.[1] ? `ssh/${m[1]}` : 'ssh';
  }
  const exe = text(e.ecs['process.executable']);
  return exe ? baseName(exe) : 'login';
}

/** The observations of one event (novelty only; rates are counted by `BaselineObserver`). */
export function noveltyObservations(e: SocEvent, linux?: LinuxTracker): NoveltyObservation[] {
  const ecs = e.ecs;
  const host = hostOf(e);
  const code = text(ecs['event.code']);
  const action = text(ecs['event.action']);
  const out: NoveltyObservation[] = [];
  const base = { type: 'novelty' as const, tenant: e.tenant, time: e.time, eventId: e.id };
  // Linux: auditd lineage, systemd units, cron jobs (windows events never reach the tracker).
  if (linux && host && e.source.format !== 'windows' && ecs['winlog.channel'] === undefined) {
    linux.observe(e, host, out);
    if (out.length > 0) return out;
  }
  // Process starts with their parent (Sysmon 1, Security 4688, any source that names both).
  // Linux sources name programs by path (Sysmon for Linux, auditd): the path is the item, so
  // /tmp/bash is not /usr/bin/bash. Windows keeps names (its baselines were learned on them).
  const childExe = text(ecs['process.executable']);
  const parentExe = text(ecs['process.parent.executable']);
  const paths = childExe?.startsWith('/') === true && parentExe?.startsWith('/') === true;
  const child = paths ? childExe : text(ecs['process.name']);
  const parent = paths ? parentExe : text(ecs['process.parent.name']);
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
      // Linux paths are case-sensitive.
      item: paths ? `${parent}>${child}` : `${parent.toLowerCase()}>${child.toLowerCase()}`,
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
    const unix = action === 'ssh_login' || action === 'user_login';
    if (user && (windows || unix)) {
      const rawType = windows ? text(f['LogonType']) : linuxMethod(e, action ?? '');
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
      // Linux hosts: the users who log on to each (a service account that never used ssh before
      // has no history of its own to judge; the host it logs on to has).
      if (host && unix) {
        const label = text(ecs['user.name']) ?? user;
        out.push({ ...base, kind: 'logon-user', entity: host, item: user, label, context });
      }
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
  /**
   * @param linux Process lineage of the Linux hosts whose events this thread parses. The node
   *   passes the thread's one tracker (`threadLinuxTracker()`), so rebuilding the detectors on a
   *   rule reload keeps it; a fresh tracker by default.
   */
  constructor(readonly linux: LinuxTracker = new LinuxTracker()) {}
  private readonly rates = new Map<string, { o: RateObservation & { count: number }; ids: string[] }>();

  detect(events: readonly SocEvent[]): readonly AlertDraft[] {
    for (const e of events) {
      for (const o of noveltyObservations(e, this.linux)) this.novelty.push(o);
      const hour = Math.floor(e.time / HOUR_MS);
      const host = hostOf(e);
      if (host) {
        this.count(e, 'host', host, hour);
        this.count(e, 'source', sourceOf(e, host), hour);
      }
      const user = personUser(text(e.ecs['user.name']));
      if (user) this.count(e, 'user', user, hour);
    }
    return [];
  }

  private count(e: SocEvent, kind: RateKind, entity: string, hour: number): void {
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
