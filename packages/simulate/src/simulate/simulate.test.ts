import { createHash } from 'node:crypto';
import { isAppError } from '@intersoc/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS } from '../catalogue/scenarios.js';
import { TECHNIQUES } from '../catalogue/techniques.js';
import type { SimRecord } from '../types.js';
import { simulate } from './simulate.js';

const START = Date.UTC(2024, 4, 6); // a Monday, 00:00 UTC
const HOUR = 3_600_000;
const DOC_RANGES = ['192.0.2.', '198.51.100.', '203.0.113.'];

function digest(records: Iterable<SimRecord>): { count: number; hash: string } {
  const h = createHash('sha256');
  let count = 0;
  for (const r of records) {
    h.update(`${r.time}|${r.format}|${r.source}|${r.host}|${r.label}|${r.scenario ?? ''}|${r.record}\n`);
    count++;
  }
  return { count, hash: h.digest('hex') };
}

function isDocumentationIp(ip: string): boolean {
  return DOC_RANGES.some((p) => ip.startsWith(p));
}

function isPrivateIp(ip: string): boolean {
  return ip.startsWith('10.') || ip.startsWith('192.168.') || ip.startsWith('127.');
}

/** The carrier key of a record: `<log>:<event id | audit type | program | port | qtype | method>`. */
function carrierKey(r: SimRecord): string {
  const log = r.source.split('/')[2] ?? '';
  if (r.format === 'windows') return `${log}:${String((JSON.parse(r.record) as { EventID: number }).EventID)}`;
  if (r.format === 'auditd') return `${log}:${r.record.slice(5, r.record.indexOf(' '))}`;
  if (r.format === 'syslog') return `${log}:${r.record.split(' ')[3] ?? ''}`;
  const o = JSON.parse(r.record) as Record<string, string | number>;
  if (log === 'conn') return `${log}:${Number(o['id.resp_p']) > 49151 ? 'dynamic' : String(o['id.resp_p'])}`;
  return `${log}:${String(log === 'dns' ? o['qtype_name'] : o['method'])}`;
}

function listedCarriers(id: string): Set<string> {
  const t = TECHNIQUES.find((x) => x.id === id);
  return new Set((t?.carriers ?? []).flatMap((c) => c.events.map((e) => `${c.log}:${String(e)}`)));
}

describe('simulate: determinism', () => {
  it('gives byte-identical output for the same seed and options', () => {
    const a = digest(simulate({ seed: 42, hours: 6, start: START }));
    const b = digest(simulate({ seed: 42, hours: 6, start: START }));
    expect(a.count).toBeGreaterThan(1_000);
    expect(b).toEqual(a);
  });

  it('gives different output for a different seed', () => {
    const a = digest(simulate({ seed: 42, hours: 6, start: START }));
    const b = digest(simulate({ seed: 43, hours: 6, start: START }));
    expect(b.hash).not.toBe(a.hash);
  });

  it('keeps the attack stories in place when only the background volume changes', () => {
    const attacks = (intensity: number): string[] =>
      [...simulate({ seed: 9, hours: 6, start: START, intensity })]
        .filter((r) => r.label !== 'benign' && r.format === 'auditd')
        .map((r) => `${r.time} ${r.label}`);
    const quiet = attacks(0.5);
    expect(quiet.length).toBeGreaterThan(0);
    expect(attacks(2)).toEqual(quiet);
  });
});

describe('simulate: a default 24-hour run', () => {
  let records: SimRecord[] = [];
  beforeAll(() => {
    records = [...simulate({ seed: 1, hours: 24, start: START })];
  });

  it('has the volume of a small office (1,000-5,000 events per hour)', () => {
    expect(records.length).toBeGreaterThan(1_000 * 24);
    expect(records.length).toBeLessThan(5_000 * 24);
  });

  it('is sorted by time and stays inside the window', () => {
    let last = START;
    const unordered: SimRecord[] = [];
    for (const r of records) {
      if (r.time < last) unordered.push(r);
      last = r.time;
    }
    expect(unordered).toEqual([]);
    expect(records[0]?.time).toBeGreaterThanOrEqual(START);
    expect(last).toBeLessThan(START + 24 * HOUR);
  });

  it('labels every record, benign being the large majority', () => {
    const known = new Set(['benign', ...TECHNIQUES.map((t) => t.id)]);
    let benign = 0;
    const bad: SimRecord[] = [];
    for (const r of records) {
      if (!known.has(r.label)) bad.push(r);
      if (r.label === 'benign') {
        benign++;
        if (r.scenario !== undefined) bad.push(r);
      } else if (!/^[a-z-]+#\d+$/.test(r.scenario ?? '')) {
        bad.push(r);
      }
    }
    expect(bad).toEqual([]);
    expect(benign / records.length).toBeGreaterThan(0.85);
  });

  it('contains every catalogued technique and every story', () => {
    const labels = new Set(records.map((r) => r.label));
    for (const t of TECHNIQUES) expect(labels.has(t.id), t.id).toBe(true);
    const stories = new Set(records.flatMap((r) => (r.scenario === undefined ? [] : [r.scenario])));
    expect([...stories].sort()).toEqual(SCENARIOS.map((s) => `${s.id}#1`).sort());
  });

  it('labels each story only with the techniques its catalogue entry lists', () => {
    const stray = new Set<string>();
    for (const r of records) {
      if (r.scenario === undefined) continue;
      const story = SCENARIOS.find((s) => r.scenario?.startsWith(`${s.id}#`));
      if (story?.techniques.includes(r.label) !== true) stray.add(`${r.scenario} ${r.label}`);
    }
    expect([...stray]).toEqual([]);
  });

  it('puts each technique only where its catalogue entry says', () => {
    const unlisted = new Set<string>();
    for (const r of records) {
      if (r.label === 'benign') continue;
      const key = carrierKey(r);
      if (!listedCarriers(r.label).has(key)) unlisted.add(`${r.label} ${key}`);
    }
    expect([...unlisted]).toEqual([]);
  });

  it('names sources demo/<host>/<log> and uses all four formats from several hosts', () => {
    const hosts = new Set<string>();
    const logs = new Set<string>();
    const misnamed: string[] = [];
    for (const r of records) {
      const [demo, host, log, extra] = r.source.split('/');
      if (demo !== 'demo' || host !== r.host || extra !== undefined) misnamed.push(r.source);
      hosts.add(r.host);
      logs.add(log ?? '');
    }
    expect(misnamed).toEqual([]);
    expect([...logs].sort()).toEqual(['auditd', 'conn', 'dns', 'http', 'security', 'syslog', 'sysmon', 'system']);
    expect(new Set(records.map((r) => r.format))).toEqual(new Set(['windows', 'syslog', 'auditd', 'zeek']));
    // 8 logging hosts by default plus the network sensor.
    expect(hosts.size).toBe(9);
  });

  it('writes Windows events as flat NXLog JSON', () => {
    const channels = new Map<string, Set<number>>();
    const bad: string[] = [];
    for (const r of records) {
      if (r.format !== 'windows') continue;
      const o = JSON.parse(r.record) as Record<string, unknown>;
      if (
        !r.record.startsWith('{"Keywords":-9') ||
        o['@timestamp'] !== new Date(r.time).toISOString() ||
        o['Hostname'] !== `${r.host}.corp.example.com` ||
        typeof o['EventID'] !== 'number' ||
        typeof o['Message'] !== 'string'
      ) {
        bad.push(r.record);
      }
      const channel = String(o['Channel']);
      const ids = channels.get(channel) ?? new Set<number>();
      ids.add(o['EventID'] as number);
      channels.set(channel, ids);
    }
    expect(bad).toEqual([]);
    expect([...(channels.get('Microsoft-Windows-Sysmon/Operational') ?? [])].sort((a, b) => a - b)).toEqual([
      1, 3, 7, 10, 11, 12, 13, 22,
    ]);
    const security = channels.get('Security') ?? new Set<number>();
    for (const id of [4624, 4625, 4634, 4672, 4688, 4697, 4698, 4720, 4768, 4769, 5140, 5145]) {
      expect(security.has(id), String(id)).toBe(true);
    }
    expect(channels.get('System')).toEqual(new Set([7045]));
  });

  it('writes Zeek logs as JSON lines whose ts is the record time', () => {
    const paths = new Set<string>();
    const bad: string[] = [];
    const states = new Set(['SF', 'S0', 'REJ', 'RSTO', 'RSTR', 'SH', 'OTH']);
    for (const r of records) {
      if (r.format !== 'zeek') continue;
      const o = JSON.parse(r.record) as Record<string, unknown>;
      const path = String(o['_path']);
      paths.add(path);
      if (
        !r.source.endsWith(`/${path}`) ||
        Math.round((o['ts'] as number) * 1000) !== r.time ||
        !/^C[0-9A-Za-z]{17}$/.test(String(o['uid'])) ||
        typeof o['id.orig_h'] !== 'string' ||
        !Number.isInteger(o['id.resp_p']) ||
        (path === 'conn' && !states.has(String(o['conn_state'])))
      ) {
        bad.push(r.record);
      }
    }
    expect(bad).toEqual([]);
    expect(paths).toEqual(new Set(['conn', 'dns', 'http']));
  });

  it('writes RFC 5424 syslog lines and raw auditd lines', () => {
    const syslog = /^<(\d{1,3})>1 (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00) ([\w.-]+) (\S+) (\d+|-) - - .*\S/;
    const audit = /^type=([A-Z_]+) msg=audit\((\d+)\.(\d{3}):(\d+)\): \S/;
    const types = new Set<string>();
    const bad: string[] = [];
    for (const r of records) {
      if (r.format === 'syslog') {
        const m = syslog.exec(r.record);
        if (m === null || Date.parse(m[2] ?? '') !== r.time || m[3] !== r.host || Number(m[1]) >= 192)
          bad.push(r.record);
      } else if (r.format === 'auditd') {
        const m = audit.exec(r.record);
        if (m === null || Number(m[2]) * 1000 + Number(m[3]) !== r.time) bad.push(r.record);
        types.add(m?.[1] ?? '');
      }
    }
    expect(bad).toEqual([]);
    for (const t of [
      'SYSCALL',
      'EXECVE',
      'CWD',
      'PATH',
      'PROCTITLE',
      'USER_AUTH',
      'USER_LOGIN',
      'CRED_ACQ',
      'USER_START',
      'ADD_USER',
    ]) {
      expect(types.has(t), t).toBe(true);
    }
  });

  it('dumps credentials the way the tools do: Sysmon 10 on lsass.exe with broad access', () => {
    const access = records
      .filter((r) => r.label === 'T1003.001' && r.record.includes('"EventID":10,'))
      .map((r) => JSON.parse(r.record) as Record<string, string>);
    expect(access.length).toBeGreaterThan(0);
    for (const o of access) {
      expect(o['TargetImage']).toMatch(/\\lsass\.exe$/i);
      expect(['0x1fffff', '0x1010', '0x1410', '0x1438']).toContain(o['GrantedAccess']);
    }
    // Benign readers of lsass only ask for limited rights.
    const benign = records
      .filter((r) => r.label === 'benign' && r.record.includes('"EventID":10,'))
      .map((r) => JSON.parse(r.record) as Record<string, string>);
    expect(benign.length).toBeGreaterThan(0);
    for (const o of benign) expect(['0x1000', '0x1400', '0x3000']).toContain(o['GrantedAccess']);
  });

  it('brute-forces from one documentation-range address: 4625 bursts, then a 4624', () => {
    const events = records
      .filter((r) => r.label === 'T1110.001' && r.format === 'windows')
      .map((r) => JSON.parse(r.record) as Record<string, unknown>);
    const failures = events.filter((o) => o['EventID'] === 4625);
    const success = events.filter((o) => o['EventID'] === 4624);
    expect(failures.length).toBeGreaterThanOrEqual(40);
    expect(success.length).toBeGreaterThan(0);
    const sources = new Set(failures.map((o) => String(o['IpAddress'])));
    expect(sources.size).toBe(1);
    expect(isDocumentationIp([...sources][0] ?? '')).toBe(true);
    const lastFailure = Math.max(...failures.map((o) => Date.parse(String(o['@timestamp']))));
    const firstSuccess = Math.min(...success.map((o) => Date.parse(String(o['@timestamp']))));
    expect(firstSuccess).toBeGreaterThan(lastFailure);
    const sshd = records.filter(
      (r) => r.label === 'T1110.001' && r.format === 'syslog' && r.record.includes('Failed password'),
    );
    expect(sshd.length).toBeGreaterThan(20);
  });

  it('keeps attackers in documentation ranges and the estate in RFC 1918', () => {
    const bad: string[] = [];
    for (const r of records) {
      if (r.format !== 'zeek' || !r.source.endsWith('/conn')) continue;
      const o = JSON.parse(r.record) as Record<string, string>;
      const external = [o['id.orig_h'] ?? '', o['id.resp_h'] ?? ''].filter((ip) => !isPrivateIp(ip));
      const wrong = r.label === 'benign' ? external.some(isDocumentationIp) : !external.every(isDocumentationIp);
      if (wrong) bad.push(`${r.label} ${r.record}`);
    }
    expect(bad).toEqual([]);
  });

  it('exfiltrates hundreds of MB to a rare external address', () => {
    const flows = records
      .filter((r) => (r.label === 'T1048' || r.label === 'T1041') && r.source.endsWith('/conn'))
      .map((r) => JSON.parse(r.record) as Record<string, number | string>)
      .filter((f) => f['proto'] === 'tcp');
    expect(flows.length).toBeGreaterThanOrEqual(3);
    for (const f of flows) expect(Number(f['orig_bytes'])).toBeGreaterThan(5e7);
  });
});

describe('simulate: window and options', () => {
  it('fits every story into a one-hour window', () => {
    const stories = new Set<string>();
    for (const r of simulate({ seed: 3, hours: 1, start: START + 9 * HOUR })) {
      if (r.scenario !== undefined) stories.add(r.scenario);
    }
    expect(stories.size).toBe(SCENARIOS.length);
  });

  it('repeats each story once per simulated day', () => {
    const stories = new Set<string>();
    for (const r of simulate({ seed: 4, hours: 48, start: START, intensity: 0.2 })) {
      if (r.scenario !== undefined) stories.add(r.scenario);
    }
    expect(stories.size).toBe(2 * SCENARIOS.length);
    expect(stories.has('ssh-intrusion#2')).toBe(true);
  });

  it('shows every catalogued carrier of every technique over a few runs', () => {
    const seen = new Set<string>();
    for (const seed of [1, 2, 3]) {
      for (const r of simulate({ seed, hours: 24, start: START, intensity: 0.2 })) {
        if (r.label !== 'benign') seen.add(`${r.label} ${carrierKey(r)}`);
      }
    }
    const missing = TECHNIQUES.flatMap((t) =>
      [...listedCarriers(t.id)].filter((k) => !seen.has(`${t.id} ${k}`)).map((k) => `${t.id} ${k}`),
    );
    expect(missing).toEqual([]);
  });

  it('scales the estate with hosts and the background with intensity', () => {
    const count = (o: { hosts?: number; intensity?: number }): { hosts: number; records: number } => {
      const hosts = new Set<string>();
      let n = 0;
      for (const r of simulate({ seed: 5, hours: 4, start: START + 8 * HOUR, ...o })) {
        hosts.add(r.host);
        n++;
      }
      return { hosts: hosts.size, records: n };
    };
    const small = count({ hosts: 5, intensity: 1 });
    const big = count({ hosts: 12, intensity: 1 });
    const busy = count({ hosts: 5, intensity: 3 });
    expect(small.hosts).toBe(6);
    expect(big.hosts).toBe(13);
    expect(big.records).toBeGreaterThan(small.records);
    expect(busy.records).toBeGreaterThan(small.records * 1.5);
  });

  it('streams: the first records of a long window come without generating the rest', () => {
    const it = simulate({ seed: 6, hours: 24 * 365, start: START });
    const first: SimRecord[] = [];
    for (const r of it) {
      first.push(r);
      if (first.length === 2_000) break;
    }
    expect(first).toHaveLength(2_000);
    expect((first[1_999]?.time ?? Infinity) - START).toBeLessThan(24 * HOUR);
  });

  it('defaults the start to the hour before now', () => {
    const before = Date.now();
    const first = simulate({ seed: 7, hours: 1 }).next();
    expect(first.done).toBe(false);
    if (first.done === true) return;
    expect(first.value.time).toBeGreaterThanOrEqual(before - HOUR - 1_000);
    expect(first.value.time).toBeLessThanOrEqual(Date.now());
  });

  it('rejects invalid options with a VALIDATION error', () => {
    for (const bad of [
      { seed: -1, hours: 1 },
      { seed: 1, hours: 0 },
      { seed: 1, hours: 1, hosts: 2 },
      { seed: 1.5, hours: 1 },
    ]) {
      let caught: unknown;
      try {
        simulate(bad);
      } catch (err) {
        caught = err;
      }
      expect(isAppError(caught, 'VALIDATION'), JSON.stringify(bad)).toBe(true);
    }
  });
});
