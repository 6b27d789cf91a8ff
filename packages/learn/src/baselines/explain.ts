/**
 * @module
 * Baseline alerts: what is new, against which history, on which entity, and the ATT&CK technique
 * where the departure has an obvious one (a new scheduled task is T1053.005 whatever its name; a
 * new parent → child pair only when the child is an interpreter or a proxy binary).
 */
import type { AlertDraft, Entity, Severity } from '@intersoc/core';
import type { RateBand } from './rate.js';
import { baseName } from './linux.js';
import { DAY_MS, type NoveltyKind, type NoveltyObservation, type RateKind } from './types.js';

/** The history an alert is judged against. */
export interface History {
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly observations: number;
  readonly distinct: number;
}

const CHILD_TECHNIQUES: Readonly<Record<string, { technique: string; tactics: string[] }>> = {
  'powershell.exe': { technique: 'T1059.001', tactics: ['execution'] },
  'pwsh.exe': { technique: 'T1059.001', tactics: ['execution'] },
  'cmd.exe': { technique: 'T1059.003', tactics: ['execution'] },
  'wscript.exe': { technique: 'T1059.005', tactics: ['execution'] },
  'cscript.exe': { technique: 'T1059.005', tactics: ['execution'] },
  'mshta.exe': { technique: 'T1218.005', tactics: ['defense-evasion'] },
  'rundll32.exe': { technique: 'T1218.011', tactics: ['defense-evasion'] },
  'regsvr32.exe': { technique: 'T1218.010', tactics: ['defense-evasion'] },
  'wmic.exe': { technique: 'T1047', tactics: ['execution'] },
  'schtasks.exe': { technique: 'T1053.005', tactics: ['execution', 'persistence'] },
  'sc.exe': { technique: 'T1543.003', tactics: ['persistence'] },
  bash: { technique: 'T1059.004', tactics: ['execution'] },
  sh: { technique: 'T1059.004', tactics: ['execution'] },
  python: { technique: 'T1059.006', tactics: ['execution'] },
  python3: { technique: 'T1059.006', tactics: ['execution'] },
  dash: { technique: 'T1059.004', tactics: ['execution'] },
  zsh: { technique: 'T1059.004', tactics: ['execution'] },
  perl: { technique: 'T1059', tactics: ['execution'] },
  nc: { technique: 'T1059', tactics: ['execution', 'command-and-control'] },
  ncat: { technique: 'T1059', tactics: ['execution', 'command-and-control'] },
  curl: { technique: 'T1105', tactics: ['command-and-control'] },
  wget: { technique: 'T1105', tactics: ['command-and-control'] },
  crontab: { technique: 'T1053.003', tactics: ['execution', 'persistence'] },
  systemctl: { technique: 'T1543.002', tactics: ['persistence'] },
  useradd: { technique: 'T1136.001', tactics: ['persistence'] },
};
const OFFICE = new Set(['winword.exe', 'excel.exe', 'powerpnt.exe', 'outlook.exe', 'msaccess.exe', 'mspub.exe']);
/** Server programs that should not start shells: a new child of one is how a web shell shows. */
const SERVERS = new Set([
  'nginx',
  'apache2',
  'httpd',
  'php-fpm',
  'php',
  'java',
  'node',
  'w3wp.exe',
  'postgres',
  'mysqld',
  'tomcat',
  'sqlservr.exe',
]);
const SHELLS = new Set([
  'bash',
  'sh',
  'dash',
  'zsh',
  'cmd.exe',
  'powershell.exe',
  'pwsh.exe',
  'python',
  'python3',
  'perl',
]);

const NOUN: Readonly<Record<NoveltyKind, string>> = {
  'process-pair': 'parent → child process',
  'logon-source': 'logon source address',
  'logon-type': 'logon type',
  'logon-host': 'host logged on to',
  'logon-user': 'user logging on',
  service: 'service',
  task: 'scheduled task',
  cron: 'cron job',
};
const NOUNS: Readonly<Record<NoveltyKind, string>> = {
  'process-pair': 'parent → child processes',
  'logon-source': 'logon source addresses',
  'logon-type': 'logon types',
  'logon-host': 'hosts logged on to',
  'logon-user': 'users logging on',
  service: 'services',
  task: 'scheduled tasks',
  cron: 'cron jobs',
};
const OBSERVED: Readonly<Record<NoveltyKind, string>> = {
  'process-pair': 'process starts',
  'logon-source': 'logons',
  'logon-type': 'logons',
  'logon-host': 'logons',
  'logon-user': 'logons',
  service: 'service starts and installs',
  task: 'task creations',
  cron: 'cron runs',
};

function attackOf(o: NoveltyObservation): { techniques: string[]; tactics: string[]; severity: Severity } {
  switch (o.kind) {
    case 'process-pair': {
      const [parentItem = '', childItem = ''] = o.item.split('>');
      // Items are lower-case names (Windows) or paths (Linux); techniques go by program name.
      const parent = baseName(parentItem).toLowerCase();
      const child = baseName(childItem).toLowerCase();
      const techniques: string[] = [];
      const tactics = new Set<string>();
      const c = CHILD_TECHNIQUES[child];
      if (c) {
        techniques.push(c.technique);
        c.tactics.forEach((t) => tactics.add(t));
      }
      if (OFFICE.has(parent)) {
        techniques.push('T1204.002');
        tactics.add('execution');
      }
      if (SERVERS.has(parent) && SHELLS.has(child)) {
        techniques.push('T1505.003');
        tactics.add('persistence');
      }
      return { techniques, tactics: [...tactics], severity: techniques.length > 0 ? 'medium' : 'low' };
    }
    case 'logon-source':
      return { techniques: ['T1078'], tactics: ['initial-access', 'defense-evasion'], severity: 'low' };
    case 'logon-type':
      return o.item.startsWith('10 ')
        ? { techniques: ['T1021.001', 'T1078'], tactics: ['lateral-movement'], severity: 'medium' }
        : { techniques: ['T1078'], tactics: ['defense-evasion'], severity: 'low' };
    case 'logon-host':
      return { techniques: ['T1021', 'T1078'], tactics: ['lateral-movement'], severity: 'low' };
    case 'logon-user':
      return o.context?.['logon.type']?.startsWith('ssh') === true
        ? { techniques: ['T1021.004', 'T1078'], tactics: ['lateral-movement', 'initial-access'], severity: 'medium' }
        : { techniques: ['T1078'], tactics: ['initial-access', 'defense-evasion'], severity: 'low' };
    case 'task':
      return { techniques: ['T1053.005'], tactics: ['execution', 'persistence'], severity: 'medium' };
    case 'cron':
      return { techniques: ['T1053.003'], tactics: ['execution', 'persistence'], severity: 'medium' };
    case 'service':
      return o.context?.['service.source'] === 'systemd'
        ? { techniques: ['T1543.002'], tactics: ['persistence', 'privilege-escalation'], severity: 'medium' }
        : { techniques: ['T1543.003'], tactics: ['persistence', 'privilege-escalation'], severity: 'medium' };
  }
}

function days(ms: number): number {
  return Math.max(0, Math.floor(ms / DAY_MS));
}

/** "30 days", "1 day", or hours when the history is younger than a day. */
function span(ms: number): string {
  const d = days(ms);
  if (d >= 1) return `${d} day${d === 1 ? '' : 's'}`;
  const h = Math.max(1, Math.round(ms / 3_600_000));
  return `${h} hour${h === 1 ? '' : 's'}`;
}

function historyText(h: History, now: number, kind: NoveltyKind): string {
  const noun = h.distinct === 1 ? NOUN[kind] : NOUNS[kind];
  return `${span(now - h.firstSeen)} of history since ${new Date(h.firstSeen).toISOString().slice(0, 10)}: ${h.observations} ${OBSERVED[kind]}, ${h.distinct} distinct ${noun}`;
}

function entitiesOf(o: NoveltyObservation): Entity[] {
  const hostKinds: readonly NoveltyKind[] = ['process-pair', 'service', 'task', 'cron'];
  if (o.kind === 'logon-user') {
    const out: Entity[] = [
      { type: 'host', value: o.entity, role: 'target' },
      { type: 'user', value: o.label },
    ];
    const ip = o.context?.['source.ip'];
    if (ip) out.push({ type: 'ip', value: ip, role: 'source' });
    return out;
  }
  if (hostKinds.includes(o.kind)) {
    const out: Entity[] = [{ type: 'host', value: o.entity }];
    const [parent, child] = o.label.split(' → ');
    if (o.kind === 'process-pair' && parent && child) {
      out.push({ type: 'process', value: parent, role: 'parent' }, { type: 'process', value: child });
    }
    const u = o.context?.['user.name'];
    if (u && o.kind !== 'service' && o.kind !== 'task') out.push({ type: 'user', value: u });
    return out;
  }
  const out: Entity[] = [{ type: 'user', value: o.entity }];
  const host = o.context?.['host.name'];
  if (host) out.push({ type: 'host', value: host, role: 'target' });
  const ip = o.context?.['source.ip'];
  if (ip) out.push({ type: 'ip', value: ip, role: 'source' });
  return out;
}

/** The sentence that says what is new: "first time in 30 days that WINWORD.EXE started powershell.exe on wks-04". */
export function noveltySentence(o: NoveltyObservation, h: History): string {
  const within = span(o.time - h.firstSeen);
  switch (o.kind) {
    case 'process-pair': {
      const [parent, child] = o.label.split(' → ');
      return `first time in ${within} that ${parent} started ${child} on ${o.entity}`;
    }
    case 'logon-source':
      return `first logon of ${o.entity} from ${o.label} in ${within}`;
    case 'logon-type':
      return `first logon of ${o.entity} with logon type ${o.label} in ${within}`;
    case 'logon-host':
      return `first logon of ${o.entity} to ${o.label} in ${within}`;
    case 'logon-user': {
      const how = o.context?.['logon.type'];
      const from = o.context?.['source.ip'];
      return `first logon of ${o.label} to ${o.entity} in ${within}${how ? ` (${how}${from ? ` from ${from}` : ''})` : ''}`;
    }
    case 'service':
      return o.context?.['service.source'] === 'systemd'
        ? `first time in ${within} that systemd unit ${o.label} started on ${o.entity}`
        : `first time in ${within} that service ${o.label} was installed on ${o.entity}`;
    case 'task':
      return `first time in ${within} that scheduled task ${o.label} was created on ${o.entity}`;
    case 'cron':
      return `first time in ${within} that cron ran "${o.label}" as ${o.context?.['user.name'] ?? '?'} on ${o.entity}`;
  }
}

/** The alert for an item never seen for an entity past its warm-up. */
export function noveltyAlert(o: NoveltyObservation, h: History): AlertDraft {
  const a = attackOf(o);
  return {
    time: o.time,
    detector: {
      kind: 'baseline',
      ruleId: `baseline:${o.kind}`,
      ruleTitle: `New ${NOUN[o.kind]} for this ${o.kind.startsWith('logon') && o.kind !== 'logon-user' ? 'user' : 'host'}`,
    },
    severity: a.severity,
    tactics: a.tactics,
    techniques: a.techniques,
    entities: entitiesOf(o),
    eventIds: [o.eventId],
    summary: `${noveltySentence(o, h)} (${historyText(h, o.time, o.kind)})`,
    details: {
      baseline: {
        kind: o.kind,
        entity: o.entity,
        new: o.label,
        history: {
          firstSeen: new Date(h.firstSeen).toISOString(),
          lastSeen: new Date(h.lastSeen).toISOString(),
          days: days(o.time - h.firstSeen),
          observations: h.observations,
          distinct: h.distinct,
        },
      },
      ...(o.context ? { context: o.context } : {}),
    },
  };
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** The alert for an hour whose event count left its seasonal band. */
export function rateAlert(
  tenantKind: RateKind,
  entity: string,
  hour: number,
  count: number,
  band: RateBand,
  firstHour: number,
  eventIds: readonly string[],
  partial: boolean,
): AlertDraft {
  const start = new Date(hour * 3_600_000);
  const weekday = WEEKDAYS[(((Math.floor(hour / 24) + 3) % 7) + 7) % 7] as string;
  const hh = String(start.getUTCHours()).padStart(2, '0');
  const high = count > band.upper;
  const r = (x: number): number => Math.round(x);
  const seasonText =
    band.season === 'week'
      ? `the same hour on ${band.history} previous ${weekday}s`
      : `${hh}:00 on ${band.history} previous days`;
  const observedDays = days((hour - firstHour) * 3_600_000);
  return {
    time: (hour + 1) * 3_600_000 - 1,
    detector: {
      kind: 'baseline',
      ruleId: `baseline:rate-${tenantKind}`,
      ruleTitle: `Event rate of a ${tenantKind} outside its seasonal band`,
    },
    severity: 'low',
    tactics: [],
    techniques: [],
    entities: [{ type: tenantKind === 'user' ? 'user' : 'host', value: entity }],
    eventIds,
    summary:
      `${tenantKind} ${entity}: ${count} events ${partial ? 'so far ' : ''}in ${weekday} ${start.toISOString().slice(0, 10)} ${hh}:00–${hh}:59 UTC, ` +
      `${high ? 'above' : 'below'} its band ${r(band.lower)}–${r(band.upper)} (expected ${r(band.expected)}), learned from ${seasonText} ` +
      `(${observedDays} days observed)`,
    details: {
      baseline: {
        kind: `rate-${tenantKind}`,
        entity,
        hour: start.toISOString(),
        count,
        direction: high ? 'above' : 'below',
        band: {
          lower: band.lower,
          upper: band.upper,
          expected: band.expected,
          season: band.season,
          history: band.history,
        },
        observedDays,
      },
    },
  };
}
