/**
 * @module
 * `intersoc incidents list|show`: the incidents the node built from its alerts. Catches up on
 * alerts committed since the incident stage last ran first, so it works right after
 * `intersoc demo` or `intersoc ingest`, with or without a server running.
 */
import type { Command } from 'commander';
import { AppError, isoTime, SEVERITIES, systemContext, type Severity } from '@intersoc/core';
import { incidentSummary, INCIDENT_STATUSES, type Incident, type IncidentStatus } from '@intersoc/correlate';
import { configFor, dataOptions, intArg, tenantArg, type DataFlags } from '../node/options.js';
import { withIncidents } from '../node/incidents/offline.js';

interface ListFlags extends DataFlags {
  readonly tenant?: string;
  readonly status?: string;
  readonly minSeverity?: string;
  readonly limit?: string;
  readonly q?: string;
}

function statuses(v: string | undefined): IncidentStatus[] | undefined {
  if (v === undefined) return undefined;
  const list = v.split(',').map((s) => s.trim());
  for (const s of list) {
    if (!(INCIDENT_STATUSES as readonly string[]).includes(s))
      throw new AppError('VALIDATION', `--status: ${s} is not one of ${INCIDENT_STATUSES.join(', ')}`);
  }
  return list as IncidentStatus[];
}

function severity(v: string | undefined): Severity | undefined {
  if (v === undefined) return undefined;
  if (!(SEVERITIES as readonly string[]).includes(v)) throw new AppError('VALIDATION', `--min-severity: ${v}`);
  return v as Severity;
}

/** Human-readable detail of one incident. */
export function describeIncident(i: Incident): string {
  const lines = [
    `${i.title}`,
    `  id ${i.id}  status ${i.status}${i.caseId ? ` (case ${i.caseId})` : ''}${i.mergedInto ? ` → ${i.mergedInto}` : ''}`,
    `  severity ${i.severity}, score ${i.score} (alert ${i.scoreParts.severity} × asset ${i.scoreParts.criticality} × confidence ${i.scoreParts.confidence} × spread ${i.scoreParts.spread})`,
    `  RSIT ${i.rsit.classLabel} / ${i.rsit.typeLabel} — ${i.rsit.reason}`,
    `  ${i.alertCount} alerts from ${isoTime(i.firstSeen)} to ${isoTime(i.lastSeen)} (${i.sources.join(', ')})`,
    `  hosts: ${i.hosts.join(', ') || '-'}`,
    `  users: ${i.users.join(', ') || '-'}`,
    ...(i.ips.length > 0 ? [`  external: ${i.ips.join(', ')}`] : []),
    `  ATT&CK: ${i.tactics.join(' → ')}`,
    `          ${i.techniques.join(', ')}`,
    '  timeline:',
    ...i.timeline.map(
      (e) =>
        `    ${isoTime(e.time)} ${e.severity.padEnd(8)} ${e.rule}${e.host ? ` on ${e.host}` : ''}${e.count > 1 ? ` ×${e.count}` : ''}`,
    ),
    '  graph:',
    ...i.graph.edges
      .filter((e) => e.kind !== 'observed' || e.alerts > 1)
      .slice(0, 30)
      .map((e) => `    ${e.source} -${e.kind}-> ${e.target} (${e.alerts} alerts, e.g. ${e.evidence[0] ?? ''})`),
    ...(i.links.length > 0 ? ['  other SOCs:', ...i.links.map((l) => `    ${l.peer} ${l.kind} ${l.observable}`)] : []),
  ];
  return `${lines.join('\n')}\n`;
}

/** Adds the `incidents` subcommand. */
export function register(program: Command): void {
  const cmd = program.command('incidents').description('incidents built from alerts (list, show)');
  dataOptions(
    cmd
      .command('list')
      .description('list incidents, most recent activity first')
      .option('--tenant <name>', 'tenant')
      .option('--status <list>', 'comma-separated: open,case,closed,merged')
      .option('--min-severity <level>', 'informational, low, medium, high or critical')
      .option('--q <text>', 'text in title, hosts, users, addresses, techniques')
      .option('--limit <n>', 'maximum incidents', '100'),
  ).action((flags: ListFlags) => {
    const config = configFor(flags);
    const ctx = systemContext(tenantArg(flags.tenant, config));
    const st = statuses(flags.status);
    const min = severity(flags.minSeverity);
    withIncidents(config, ({ stage }) => {
      const page = stage.incidents.list(ctx, {
        limit: intArg('limit', flags.limit, 100),
        ...(st ? { statuses: st } : {}),
        ...(min ? { minSeverity: min } : {}),
        ...(flags.q ? { q: flags.q } : {}),
      });
      const items = page.items.map(incidentSummary);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(items)}\n`);
        return;
      }
      if (items.length === 0) process.stdout.write('no incidents\n');
      for (const i of items) {
        process.stdout.write(
          `${i.id.slice(0, 12)}  ${i.severity.padEnd(13)} ${String(i.score).padStart(3)}  ${i.status.padEnd(6)} ${String(i.alert_count).padStart(5)} alerts  ${i.rsit.class}/${i.rsit.type}\n    ${i.title}\n`,
        );
      }
    });
  });

  dataOptions(
    cmd
      .command('show')
      .description('one incident: score, classification, ATT&CK chain, timeline, entity graph')
      .argument('<id>', 'incident id (or a unique prefix)')
      .option('--tenant <name>', 'tenant'),
  ).action((id: string, flags: DataFlags & { readonly tenant?: string }) => {
    const config = configFor(flags);
    const ctx = systemContext(tenantArg(flags.tenant, config));
    withIncidents(config, ({ stage }) => {
      let inc = stage.incidents.get(ctx, id);
      if (!inc && /^[0-9a-f]{4,31}$/.test(id)) {
        const all = stage.incidents.list(ctx, { statuses: [...INCIDENT_STATUSES], limit: 1000 }).items;
        const hits = all.filter((x) => x.id.startsWith(id));
        if (hits.length > 1) throw new AppError('VALIDATION', `prefix ${id} matches ${hits.length} incidents`);
        inc = hits[0];
      }
      if (!inc) throw new AppError('NOT_FOUND', `no incident ${id}`);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ ...inc, alerts: stage.incidents.alerts(ctx, inc.id) })}\n`);
        return;
      }
      process.stdout.write(describeIncident(inc));
    });
  });
}
