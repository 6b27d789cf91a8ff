/**
 * @module
 * Offline hunting: runs a rule set over records (from files) and produces a timeline in the
 * spirit of Hayabusa's, one row per rule match, with counts by level and rule. Correlation rules
 * run over the matches sorted by event time once all records are read, so files can be given in
 * any order.
 */
import { SEVERITIES, isoTime, type EcsFields, type FlatFields, type Severity } from '@intersoc/core';
import { EventView } from '../compile/event-view.js';
import { CorrelationEngine } from '../correlation/engine.js';
import { fieldValueOf } from '../detector/sigma-detector.js';
import type { SigmaRuleSet } from '../ruleset/rule-set.js';
import type { CompiledRule } from '../ruleset/types.js';

/** One record to hunt in. */
export interface HuntRecord {
  readonly fields: FlatFields;
  readonly ecs?: EcsFields;
  readonly format?: string;
  /** Event time, epoch ms (0 when unknown). */
  readonly time: number;
  readonly id: string;
  readonly sourceFile: string;
}

/** A timeline row. */
export interface TimelineRow {
  readonly Timestamp: string;
  readonly Computer: string;
  readonly Channel: string;
  readonly EventID: string;
  readonly Level: Severity;
  readonly RuleTitle: string;
  readonly RuleID: string;
  readonly MitreTactics: string;
  readonly MitreTechniques: string;
  readonly Details: string;
  readonly SourceFile: string;
}

/** The columns of a timeline, in order. */
export const TIMELINE_COLUMNS: readonly (keyof TimelineRow)[] = [
  'Timestamp',
  'Computer',
  'Channel',
  'EventID',
  'Level',
  'RuleTitle',
  'RuleID',
  'MitreTactics',
  'MitreTechniques',
  'Details',
  'SourceFile',
];

const DETAIL_FIELDS = [
  'CommandLine',
  'Image',
  'ParentImage',
  'NewProcessName',
  'ParentProcessName',
  'TargetFilename',
  'TargetObject',
  'Details',
  'QueryName',
  'DestinationIp',
  'DestinationPort',
  'ImageLoaded',
  'TargetImage',
  'ScriptBlockText',
  'ServiceName',
  'ImagePath',
  'TargetUserName',
  'SubjectUserName',
  'IpAddress',
  'User',
  'message',
];

function first(v: string | readonly string[] | null | undefined): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : v.join(',');
}

function details(rule: { meta: { fields: readonly string[] } }, view: EventView): string {
  const names = rule.meta.fields.length > 0 ? rule.meta.fields : DETAIL_FIELDS;
  const parts: string[] = [];
  for (const n of names) {
    const v = first(view.text(n));
    if (v === '') continue;
    parts.push(`${n}: ${v.length > 300 ? `${v.slice(0, 297)}...` : v}`);
    if (parts.length >= 6) break;
  }
  return parts.join(' ¦ ');
}

/** Summary counts of a hunt. */
export interface HuntSummary {
  records: number;
  matches: number;
  byLevel: Record<Severity, number>;
  byRule: Map<string, { title: string; level: Severity; count: number }>;
}

/** Runs a rule set over records and yields timeline rows as matches occur (correlations last). */
export class Hunt {
  readonly summary: HuntSummary = {
    records: 0,
    matches: 0,
    byLevel: Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>,
    byRule: new Map(),
  };
  private readonly ruleSet: SigmaRuleSet;
  private readonly engine: CorrelationEngine | undefined;
  private readonly pending: {
    rule: CompiledRule;
    time: number;
    id: string;
    values: Record<string, string>;
    file: string;
    computer: string;
    channel: string;
  }[] = [];
  private readonly fieldsOfInterest: string[];

  constructor(ruleSet: SigmaRuleSet) {
    this.ruleSet = ruleSet;
    this.engine = ruleSet.correlations.length > 0 ? new CorrelationEngine(ruleSet.correlations) : undefined;
    const fields = new Set<string>();
    for (const c of ruleSet.correlations) {
      for (const g of c.groupBy) fields.add(g);
      for (const f of c.field) fields.add(f);
      for (const m of c.aliases.values()) for (const f of m.values()) fields.add(f);
    }
    this.fieldsOfInterest = [...fields];
  }

  private count(title: string, key: string, level: Severity): void {
    this.summary.matches++;
    this.summary.byLevel[level]++;
    const r = this.summary.byRule.get(key);
    if (r) r.count++;
    else this.summary.byRule.set(key, { title, level, count: 1 });
  }

  /** Matches one record; returns its timeline rows. */
  push(rec: HuntRecord): TimelineRow[] {
    this.summary.records++;
    const view = new EventView({
      fields: rec.fields,
      ...(rec.ecs ? { ecs: rec.ecs } : {}),
      ...(rec.format ? { format: rec.format } : {}),
    });
    let rules: CompiledRule[];
    try {
      rules = this.ruleSet.match(view);
    } catch {
      return [];
    }
    const rows: TimelineRow[] = [];
    const computer = first(view.text('Computer')) || first(view.text('host.name')) || first(view.text('Hostname'));
    const channel = first(view.text('Channel'));
    for (const rule of rules) {
      if (rule.alert) {
        this.count(rule.title, rule.key, rule.level);
        rows.push({
          Timestamp: rec.time > 0 ? isoTime(rec.time) : '',
          Computer: computer,
          Channel: channel,
          EventID: first(view.text('EventID')),
          Level: rule.level,
          RuleTitle: rule.title,
          RuleID: rule.id ?? rule.key,
          MitreTactics: rule.tactics.join(' '),
          MitreTechniques: rule.techniques.join(' '),
          Details: details(rule, view),
          SourceFile: rec.sourceFile,
        });
      }
      if (this.engine?.consumes(rule.key)) {
        const get = fieldValueOf(view);
        const values: Record<string, string> = {};
        for (const f of this.fieldsOfInterest) {
          const v = get(f);
          if (v !== undefined) values[f] = v;
        }
        this.pending.push({ rule, time: rec.time, id: rec.id, values, file: rec.sourceFile, computer, channel });
      }
    }
    return rows;
  }

  /** Runs the correlations over all buffered matches in time order; returns their rows. */
  finish(): TimelineRow[] {
    const engine = this.engine;
    if (!engine) return [];
    const rows: TimelineRow[] = [];
    const byEvent = new Map<string, (typeof this.pending)[number]>();
    const sorted = [...this.pending].sort((a, b) => a.time - b.time);
    const hits = [];
    for (const p of sorted) {
      byEvent.set(p.id, p);
      hits.push(...engine.push({ source: p.rule.key, time: p.time, eventIds: [p.id], value: (f) => p.values[f] }));
    }
    hits.push(...engine.flush());
    for (const h of hits) {
      const c = h.correlation;
      if (!c.alert) continue;
      this.count(c.title, c.key, c.level);
      const last = byEvent.get(h.eventIds[h.eventIds.length - 1] ?? '');
      const group = Object.entries(h.groupValues)
        .map(([k, v]) => `${k}: ${v ?? ''}`)
        .join(' ¦ ');
      rows.push({
        Timestamp: h.time > 0 && h.time < 8.64e15 ? isoTime(h.time) : '',
        Computer: last?.computer ?? '',
        Channel: last?.channel ?? '',
        EventID: '',
        Level: c.level,
        RuleTitle: c.title,
        RuleID: c.id ?? c.key,
        MitreTactics: c.tactics.join(' '),
        MitreTechniques: c.techniques.join(' '),
        Details: `${c.type} = ${Math.round(h.value * 100) / 100}${group ? ` ¦ ${group}` : ''} ¦ events: ${h.eventIds.length}`,
        SourceFile: last?.file ?? '',
      });
    }
    return rows;
  }
}

/** Quotes a CSV cell. */
export function csvCell(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

/** A timeline row as a CSV line. */
export function csvRow(row: TimelineRow): string {
  return TIMELINE_COLUMNS.map((c) => csvCell(String(row[c]))).join(',');
}
