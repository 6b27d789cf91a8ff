/**
 * @module
 * A scenario as one trainee replays it: its records (times ending now, hosts and users renamed
 * for the run) and its ground truth in the same names. A simulator scenario is generated twice,
 * deterministically: once for the truth (attacker-made accounts are known only when the chains
 * are done) and once, renamed, for the trainee, so nothing is held in memory in between. A
 * records scenario (a labelled dataset or a closed incident) is shifted so its last record is
 * now.
 */
import { simulation, techniqueById, type SimRecord } from '@intersoc/simulate';
import type { Scenario } from '../exercise/schema.js';
import { Renamer } from './rename.js';
import { shiftRecord } from './timeshift.js';

/** A scenario's ground truth, in the names one trainee sees. */
export interface ScenarioTruth {
  readonly first_host?: string;
  readonly initial_technique?: string;
  readonly attack_hosts: readonly string[];
  readonly attack_users: readonly string[];
  readonly techniques: readonly string[];
}

/** One record to ingest. */
export interface ReplayRecord {
  readonly format: string;
  readonly source: string;
  readonly host: string;
  readonly record: string;
  readonly label?: string;
}

/** A scenario ready to replay for one run. */
export interface Replay {
  readonly truth: ScenarioTruth;
  /** The rename map (original, lower-case → the trainee's name). */
  readonly names: Readonly<Record<string, string>>;
  readonly start: number;
  readonly end: number;
  /** The records, renamed and in time order; iterate once. */
  records(): Iterable<ReplayRecord>;
}

const HOUR = 3_600_000;

function simulatorTruth(seed: number, hours: number, start: number) {
  const run = simulation({ seed, hours, start });
  let first: SimRecord | undefined;
  const order: { scenario: string; label: string }[] = [];
  for (const r of run.records) {
    if (r.label === 'benign' || r.scenario === undefined) continue;
    if (!first && r.host !== run.estate.sensor) first = r;
    if (first && r.scenario === first.scenario) order.push({ scenario: r.scenario, label: r.label });
  }
  const chains = run.truth().chains;
  // The initial-access step of the first chain when it has one, else its first technique.
  const initial =
    order.find((o) => techniqueById(o.label)?.tactics.includes('initial-access'))?.label ?? order[0]?.label;
  return {
    estate: run.estate,
    first: first?.host,
    initial,
    hosts: [...new Set(chains.flatMap((c) => c.hosts))].sort(),
    users: [...new Set(chains.flatMap((c) => c.users))].sort(),
    techniques: [...new Set(chains.flatMap((c) => c.techniques))].sort(),
  };
}

function renamedTruth(r: Renamer, t: Omit<ScenarioTruth, never>): ScenarioTruth {
  return {
    ...(t.first_host === undefined ? {} : { first_host: r.name(t.first_host) }),
    ...(t.initial_technique === undefined ? {} : { initial_technique: t.initial_technique }),
    attack_hosts: t.attack_hosts.map((h) => r.name(h)),
    attack_users: t.attack_users.map((u) => r.name(u)),
    techniques: t.techniques,
  };
}

/** Prepares `scenario` for the run whose seed is `runSeed`, ending at `now`. */
export function prepareReplay(scenario: Scenario, runSeed: string, now = Date.now()): Replay {
  if (scenario.kind === 'simulator') {
    const start = now - scenario.hours * HOUR;
    const t = simulatorTruth(scenario.seed, scenario.hours, start);
    const renamer = new Renamer({
      seed: runSeed,
      hosts: [...t.estate.hosts.flatMap((h) => [h.name]), ...t.hosts],
      users: [...t.estate.accounts.map((a) => a.name), ...t.users, ...t.estate.hosts.flatMap((h) => h.owner ?? [])],
    });
    return {
      truth: renamedTruth(renamer, {
        ...(t.first === undefined ? {} : { first_host: t.first }),
        ...(t.initial === undefined ? {} : { initial_technique: t.initial }),
        attack_hosts: t.hosts,
        attack_users: t.users,
        techniques: t.techniques,
      }),
      names: Object.fromEntries(renamer.map),
      start,
      end: now,
      *records() {
        for (const r of simulation({ seed: scenario.seed, hours: scenario.hours, start }).records) {
          yield {
            format: r.format,
            source: renamer.text(r.source),
            host: renamer.name(r.host),
            record: renamer.record(r.format, r.record),
            label: r.label,
          };
        }
      },
    };
  }
  const times = scenario.records.map((r) => shiftRecord(r.format, r.record, 0).time);
  const known = times.filter((x): x is number => x !== undefined);
  const last = known.length > 0 ? Math.max(...known) : now;
  const first = known.length > 0 ? Math.min(...known) : now;
  const delta = now - last;
  const renamer = new Renamer({
    seed: runSeed,
    hosts: [...scenario.names.hosts, ...scenario.truth.attack_hosts],
    users: [...scenario.names.users, ...scenario.truth.attack_users],
  });
  const truth = scenario.truth;
  return {
    truth: renamedTruth(renamer, {
      ...(truth.first_host === undefined ? {} : { first_host: truth.first_host }),
      ...(truth.initial_technique === undefined ? {} : { initial_technique: truth.initial_technique }),
      attack_hosts: truth.attack_hosts,
      attack_users: truth.attack_users,
      techniques: truth.techniques,
    }),
    names: Object.fromEntries(renamer.map),
    start: first + delta,
    end: now,
    *records() {
      for (const r of scenario.records) {
        const shifted = shiftRecord(r.format, r.record, delta).record;
        yield {
          format: r.format,
          source: renamer.text(r.source),
          host: '',
          record: renamer.record(r.format, shifted),
          ...(r.label === undefined ? {} : { label: r.label }),
        };
      }
    },
  };
}
