/**
 * @module
 * The alerts of `bench incidents`: a deterministic generator of alert lines with the entity
 * overlap of a real estate (2,000 hosts with their owners, a few hundred admin and service
 * accounts that touch many hosts, popular external destinations, programs in system and user
 * folders, attack stories that move laterally between hosts), in time order.
 */
import type { Alert, Entity, Severity } from '@intersoc/core';

/** Deterministic xorshift32 in [0, 1). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4_294_967_296;
  };
}

interface Rule {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly tactics: readonly string[];
  readonly techniques: readonly string[];
}

const TACTICS: readonly [string, string][] = [
  ['execution', 'T1059.001'],
  ['persistence', 'T1547.001'],
  ['discovery', 'T1087.002'],
  ['credential-access', 'T1003.001'],
  ['lateral-movement', 'T1021.002'],
  ['command-and-control', 'T1071.001'],
  ['exfiltration', 'T1048'],
  ['defense-evasion', 'T1070.001'],
];
const SEVERITIES: readonly Severity[] = ['informational', 'low', 'low', 'medium', 'medium', 'high', 'critical'];

/** Generates alert lines with realistic entity overlap, in time order. */
export class AlertGenerator {
  private readonly r = rng(0x1ac1d);
  private readonly rules: Rule[] = [];
  private n = 0;
  private time = Date.UTC(2025, 0, 1);
  private story: { hosts: string[]; user: string; ip: string; left: number; step: number } | undefined;

  constructor(
    private readonly hosts = 2_000,
    private readonly span = 30 * 86_400_000,
    private readonly total = 1_000_000,
  ) {
    for (let i = 0; i < 60; i++) {
      const [tactic, technique] = TACTICS[i % TACTICS.length] ?? ['execution', 'T1059'];
      this.rules.push({
        id: `rule-${i}`,
        title: `Rule ${i}: ${tactic}`,
        severity: SEVERITIES[i % SEVERITIES.length] ?? 'low',
        tactics: [tactic],
        techniques: [technique],
      });
    }
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.r() * list.length)] as T;
  }

  /** Popular items more often (a rough Zipf over `n`). */
  private zipf(n: number): number {
    return Math.min(n - 1, Math.floor(n * this.r() ** 3));
  }

  private host(i: number): string {
    return `WKS-${String(i).padStart(4, '0')}.corp.example.com`;
  }

  next(): string {
    this.n++;
    this.time += Math.floor((this.span / this.total) * 2 * this.r());
    const e: Entity[] = [];
    let rule: Rule;
    if (this.story === undefined && this.r() < 1 / 1_500) {
      const start = this.zipf(this.hosts);
      this.story = {
        hosts: [this.host(start), this.host((start + 1 + this.zipf(50)) % this.hosts)],
        user: `user${start}`,
        ip: `203.0.113.${Math.floor(this.r() * 250)}`,
        left: 10 + Math.floor(this.r() * 30),
        step: 0,
      };
    }
    if (this.story !== undefined && this.r() < 0.3) {
      const s = this.story;
      const onSecond = s.step > s.left / 2;
      rule = this.rules[(s.step * 3) % this.rules.length] ?? this.pick(this.rules);
      e.push({ type: 'host', value: onSecond ? (s.hosts[1] ?? '') : (s.hosts[0] ?? '') });
      e.push({ type: 'user', value: `CORP\\${s.user}` });
      e.push({ type: 'process', value: `C:\\Users\\${s.user}\\AppData\\Roaming\\svc${this.n % 7}.exe` });
      if (this.r() < 0.4) e.push({ type: 'ip', value: s.ip, role: 'destination' });
      if (onSecond && this.r() < 0.3)
        e.push({ type: 'ip', value: `10.1.${s.hosts[0]?.slice(4, 6)}.1`, role: 'source' });
      s.step++;
      if (s.step >= s.left) this.story = undefined;
    } else {
      rule = this.rules[this.zipf(this.rules.length)] ?? this.pick(this.rules);
      const h = this.zipf(this.hosts);
      e.push({ type: 'host', value: this.host(h) });
      // Mostly the host's owner; sometimes an admin or service account seen on many hosts.
      const u = this.r();
      e.push({
        type: 'user',
        value: u < 0.8 ? `CORP\\user${h}` : u < 0.95 ? `CORP\\adm-${this.zipf(40)}` : 'NT AUTHORITY\\SYSTEM',
      });
      e.push({
        type: 'process',
        value:
          this.r() < 0.85
            ? `C:\\Windows\\System32\\${this.pick(['cmd.exe', 'powershell.exe', 'rundll32.exe', 'schtasks.exe'])}`
            : `C:\\Users\\user${h}\\AppData\\Local\\${this.pick(['OneDrive', 'Teams', 'Zoom'])}\\app.exe`,
      });
      if (this.r() < 0.2)
        e.push({ type: 'ip', value: `142.250.${this.zipf(200)}.${this.zipf(250)}`, role: 'destination' });
      if (this.r() < 0.1)
        e.push({ type: 'hash', value: (this.n % 5_000).toString(16).padStart(64, 'a'), role: 'sha256' });
    }
    const alert: Alert = {
      id: `a${this.n.toString(36)}`,
      tenant: 'bench',
      created: this.time,
      time: this.time,
      detector: { kind: 'sigma', ruleId: rule.id, ruleTitle: rule.title },
      severity: rule.severity,
      tactics: rule.tactics,
      techniques: rule.techniques,
      entities: e,
      eventIds: [`${this.n.toString(16).padStart(32, '0')}`],
      summary: `${rule.title} on ${e[0]?.value ?? ''}`,
      details: { rule: rule.id, logsource: { product: 'windows', category: 'process_creation' } },
    };
    return JSON.stringify(alert);
  }
}
