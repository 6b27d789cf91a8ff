/**
 * @module
 * What the baselines learn from normalised Linux events: parent → child process pairs from auditd
 * execve records, systemd units started (auditd `SERVICE_START`, systemd's syslog lines) and cron
 * jobs run (cron's syslog lines). Auditd writes one record per line and names only the parent's
 * pid (`ppid`), not its program, so `LinuxTracker` keeps, per host, the executable each pid was
 * last seen running: every audit record with `pid` and `exe` (execve, and the PAM records sshd
 * and cron write from the very processes that later start shells and jobs) teaches it. The
 * tracker lives in a parse thread, which sees a file or a TCP stream whole and in order; a pid
 * whose program it never saw leaves the pair unresolved (counted, not guessed).
 */
import type { SocEvent } from '@intersoc/core';
import type { NoveltyObservation } from './types.js';

const CONTEXT_MAX = 300;
/** Pids remembered per host (a busy host forks thousands an hour; older pids are reused anyway). */
const PIDS_PER_HOST = 8_192;
/** Hosts remembered per parse thread. */
const HOSTS = 2_048;

/** execve and execveat by audit architecture (x86_64, i386, aarch64, arm, ppc64le, s390x). */
const EXEC_SYSCALLS: Readonly<Record<string, readonly string[]>> = {
  c000003e: ['59', '322'],
  '40000003': ['11', '358'],
  c00000b7: ['221', '281'],
  '40000028': ['11', '387'],
  c0000015: ['11', '362'],
  '80000016': ['11', '354'],
};

/** Programs whose syslog lines report systemd units and cron jobs. */
const SYSTEMD = new Set(['systemd', 'init']);
const CRON = new Set(['cron', 'crond', 'CRON', 'CROND']);

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

function clip(s: string): string {
  return s.length > CONTEXT_MAX ? `${s.slice(0, CONTEXT_MAX)}…` : s;
}

/** The last path segment: `/usr/sbin/sshd` → `sshd`. */
export function baseName(path: string): string {
  const at = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return at < 0 ? path : path.slice(at + 1);
}

/**
 * The canonical key of a unit or job name: lower case, long hex runs and numbers replaced, so
 * `session-42.scope`, `run-r3f2a9c0d.service` and `user@1000.service` do not look new each time.
 */
export function unitKey(name: string): string {
  return name
    .toLowerCase()
    .replace(/[0-9a-f]{8,}/g, '*')
    .replace(/\d+/g, '#');
}

/**
 * The unit of a systemd "Started"/"Starting" line: `nginx.service` from
 * `Started nginx.service - A high performance web server...`, the description from older
 * systemd (`Started Daily apt download activities.`); undefined for session scopes and slices,
 * which come and go with every logon.
 */
export function systemdUnit(message: string): string | undefined {
  const m = /^Start(?:ed|ing) (.+?)(?:\.\.\.|\.)?$/.exec(message.trim());
  if (!m?.[1]) return undefined;
  const body = m[1];
  const unit = /^(\S+\.(?:service|timer|socket|path|mount|target|scope|slice))(?: - .*)?$/.exec(body)?.[1];
  if (unit !== undefined) return /\.(scope|slice)$/.test(unit) ? undefined : unit;
  if (/^(session \d+ of user |user (manager|runtime directory|slice) )/i.test(body)) return undefined;
  return body;
}

/** `(root) CMD (   cd / && run-parts --report /etc/cron.hourly)` → user and command. */
export function cronJob(message: string): { user: string; command: string } | undefined {
  const m = /^\((\S+)\) CMD \((.*)\)\s*$/.exec(message.trim());
  if (!m?.[1] || m[2] === undefined) return undefined;
  const command = m[2].trim().replace(/\s+/g, ' ');
  return command === '' ? undefined : { user: m[1], command };
}

type Out = NoveltyObservation[];

/** Per-parse-thread state for Linux process lineage; stateless for everything else. */
export class LinuxTracker {
  /** `tenant \0 host` → pid → executable (insertion order is recency: re-set entries move last). */
  private readonly hosts = new Map<string, Map<string, string>>();
  /** The last execve pair, so the next EXECVE record of the same serial adds the command line. */
  private pending: { key: string; serial: string; context: Record<string, string> } | undefined;
  /** Execs whose parent's program was never seen (the pair cannot be named). */
  unresolved = 0;

  /** Adds the observations of one Linux event for `host` (lower case) to `out`. */
  observe(e: SocEvent, host: string, out: Out): void {
    const f = e.fields;
    const ecs = e.ecs;
    const base = { type: 'novelty' as const, tenant: e.tenant, time: e.time, eventId: e.id };
    const serial = text(f['audit.serial']);
    if (serial !== undefined) {
      this.audit(e, host, serial, out);
      return;
    }
    const app = text(ecs['process.name']);
    const message = text(ecs['message']);
    if (app === undefined || message === undefined) return;
    if (SYSTEMD.has(app)) {
      const unit = systemdUnit(message);
      if (unit !== undefined)
        out.push({
          ...base,
          kind: 'service',
          entity: host,
          item: unitKey(unit),
          label: unit,
          context: { 'service.source': 'systemd' },
        });
    } else if (CRON.has(app)) {
      const job = cronJob(message);
      if (job !== undefined)
        out.push({
          ...base,
          kind: 'cron',
          entity: host,
          item: `${job.user.toLowerCase()}:${job.command}`,
          label: job.command,
          context: { 'user.name': job.user, 'process.command_line': clip(job.command) },
        });
    }
  }

  private audit(e: SocEvent, host: string, serial: string, out: Out): void {
    const f = e.fields;
    const ecs = e.ecs;
    const type = text(f['type']);
    const key = `${e.tenant}\u0000${host}`;
    const pid = text(f['pid']);
    const exe = text(ecs['process.executable']);
    if (type === 'EXECVE') {
      const p = this.pending;
      const cmd = text(ecs['process.command_line']);
      if (p && p.key === key && p.serial === serial && cmd) p.context['process.command_line'] = clip(cmd);
      return;
    }
    if (type === 'SYSCALL' && pid !== undefined && exe !== undefined && isExec(f) && text(f['success']) === 'yes') {
      const ppid = text(f['ppid']);
      const parent = ppid === undefined ? undefined : this.hosts.get(key)?.get(ppid);
      this.remember(key, pid, exe);
      if (parent === undefined) {
        this.unresolved++;
        return;
      }
      const context: Record<string, string> = { 'process.pid': pid };
      if (ppid !== undefined) context['process.parent.pid'] = ppid;
      const user = text(ecs['user.name']) ?? text(f['auid']);
      if (user) context['user.name'] = user;
      this.pending = { key, serial, context };
      out.push({
        type: 'novelty',
        tenant: e.tenant,
        time: e.time,
        eventId: e.id,
        kind: 'process-pair',
        entity: host,
        item: `${parent}>${exe}`,
        label: `${parent} → ${exe}`,
        context,
      });
      return;
    }
    if (pid !== undefined && exe !== undefined) this.remember(key, pid, exe);
    if (type === 'SERVICE_START' && text(ecs['event.outcome']) === 'success') {
      const unit = text(f['unit']);
      if (unit !== undefined && !/\.(scope|slice)$/.test(unit))
        out.push({
          type: 'novelty',
          tenant: e.tenant,
          time: e.time,
          eventId: e.id,
          kind: 'service',
          entity: host,
          item: unitKey(unit.includes('.') ? unit : `${unit}.service`),
          label: unit,
          context: { 'service.source': 'systemd' },
        });
    }
  }

  private remember(key: string, pid: string, exe: string): void {
    let pids = this.hosts.get(key);
    if (pids === undefined) {
      if (this.hosts.size >= HOSTS) {
        const oldest = this.hosts.keys().next().value;
        if (oldest !== undefined) this.hosts.delete(oldest);
      }
      pids = new Map();
      this.hosts.set(key, pids);
    }
    pids.delete(pid);
    pids.set(pid, exe);
    if (pids.size > PIDS_PER_HOST) {
      const oldest = pids.keys().next().value;
      if (oldest !== undefined) pids.delete(oldest);
    }
  }
}

let threadTracker: LinuxTracker | undefined;

/**
 * The tracker of the calling thread (module state is per worker thread): detectors rebuilt on a
 * rule reload keep the lineage learned so far.
 */
export function threadLinuxTracker(): LinuxTracker {
  threadTracker ??= new LinuxTracker();
  return threadTracker;
}

/** A SYSCALL record of execve/execveat (numbered per architecture, or named in enriched logs). */
function isExec(f: SocEvent['fields']): boolean {
  const named = text(f['SYSCALL']);
  if (named !== undefined) return named === 'execve' || named === 'execveat';
  const arch = text(f['arch'])?.toLowerCase();
  const nr = text(f['syscall']);
  if (nr === 'execve' || nr === 'execveat') return true;
  return arch !== undefined && nr !== undefined && (EXEC_SYSCALLS[arch]?.includes(nr) ?? false);
}
