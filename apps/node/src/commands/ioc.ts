/**
 * @module
 * `intersoc ioc match --indicators PATH EVENTS...`: the pipeline's indicator matching, offline.
 * Indicators come from STIX bundles, MISP events, MISP feed folders, CSV or free-text feeds;
 * events are JSON lines or JSON files (plain or .gz). Windows events get the node's Windows
 * ECS projection; other JSON is read as nested fields, whose ECS-named keys form the projection.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Command } from 'commander';
import {
  AppError,
  ECS_FIELDS,
  eventId,
  flattenInto,
  parseTime,
  type AlertDraft,
  type EcsFields,
  type FlatFields,
  type SocEvent,
} from '@intersoc/core';
import { loadIndicators, loadWarninglists, WarninglistIndex } from '@intersoc/cti';
import { IocDetector, IocIndex } from '@intersoc/detect';
import { parseWindowsObject } from '@intersoc/ingest';
import { expandPaths } from './ingest.js';

const ECS_SET = new Set<string>(ECS_FIELDS);

function records(file: string): unknown[] {
  const buf = readFileSync(file);
  const text = (file.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8');
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) return JSON.parse(trimmed) as unknown[];
  const out: unknown[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      // not JSON: skipped, and counted by the caller as unparsed
      out.push(undefined);
    }
  }
  return out;
}

function toEvent(rec: unknown, file: string, i: number): SocEvent | undefined {
  if (!rec || typeof rec !== 'object') return undefined;
  const raw = JSON.stringify(rec);
  const win = parseWindowsObject(rec);
  let fields: FlatFields;
  let ecs: EcsFields;
  let time: number | undefined;
  if (win.ok) {
    ({ fields, ecs } = win.value);
    time = win.value.time;
  } else {
    fields = {};
    flattenInto(fields, rec);
    const e: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(fields))
      if (ECS_SET.has(k) && (typeof v === 'string' || typeof v === 'number')) e[k] = v;
    ecs = e as EcsFields;
    time = parseTime(fields['@timestamp'] ?? fields['timestamp'] ?? fields['time']);
  }
  const t = time ?? Date.now();
  return {
    id: eventId('cli', `${file}:${i}`, raw),
    time: t,
    ingested: Date.now(),
    tenant: 'cli',
    source: { format: win.ok ? 'windows' : 'json', kind: 'file', name: file },
    raw,
    fields,
    ecs,
  };
}

/** Adds the `ioc` subcommand group. */
export function register(program: Command): void {
  const ioc = program.command('ioc').description('indicator matching');
  ioc
    .command('match')
    .description('match events against indicators, as the pipeline detector does')
    .requiredOption('--indicators <paths...>', 'STIX/MISP JSON, MISP feed folders, CSV or text feeds')
    .argument('<events...>', 'event files or directories (JSON lines or JSON, plain or .gz)')
    .option('--warninglists <dir>', 'MISP warninglists folder: suppress known false positives')
    .option('--no-decay', 'ignore the decay model (validity and revocation still apply)')
    .option('--json', 'print the alerts as a JSON array')
    .action(
      async (
        eventPaths: string[],
        opts: { indicators: string[]; warninglists?: string; decay: boolean; json?: boolean },
      ) => {
        const wl = opts.warninglists ? new WarninglistIndex(loadWarninglists(opts.warninglists)) : undefined;
        const set = await loadIndicators(expandPaths(opts.indicators), wl ? { warninglists: wl } : {});
        if (set.simple.length === 0 && set.patterns.length === 0)
          throw new AppError('VALIDATION', 'no usable indicators found');
        const index = new IocIndex();
        let skipped = 0;
        for (const s of set.simple) if (index.add(s) === undefined) skipped++;
        const detector = new IocDetector({ index, patterns: set.patterns, ...(opts.decay ? {} : { decay: false }) });
        const alerts: AlertDraft[] = [];
        let events = 0;
        let unparsed = 0;
        for (const file of expandPaths(eventPaths)) {
          const batch: SocEvent[] = [];
          records(file).forEach((r, i) => {
            const e = toEvent(r, file, i);
            if (e) batch.push(e);
            else unparsed++;
          });
          events += batch.length;
          for (let at = 0; at < batch.length; at += 5000) alerts.push(...detector.detect(batch.slice(at, at + 5000)));
        }
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(alerts)}\n`);
        } else {
          for (const a of alerts)
            process.stdout.write(`${new Date(a.time).toISOString()} ${a.severity} ${a.summary}\n`);
          process.stdout.write(
            `${index.size} indicators (+${set.patterns.length} patterns, ${set.rejected.length + skipped} unusable), ${events} events, ${unparsed} unparsed, ${alerts.length} alerts\n`,
          );
        }
      },
    );
}
