/**
 * @module
 * The simulator's entry point: builds the estate from the seed, starts the background actors
 * and the attack stories, and streams rendered records in time order. Nothing but the default
 * start reads the clock, and all randomness comes from the seed, so a seed and options always
 * give the same bytes.
 */
import { AppError } from '@intersoc/core';
import { SCENARIOS } from '../catalogue/scenarios.js';
import { workstationUser } from '../internal/background/workstation.js';
import { windowsSystem } from '../internal/background/windows-system.js';
import { adminActivity, nightlyBackup, remoteUser, serviceAccounts } from '../internal/background/windows-servers.js';
import { cronJobs, linuxAdmins, linuxServer } from '../internal/background/linux-servers.js';
import type { SimEnv } from '../internal/engine/env.js';
import { Rng } from '../internal/engine/prng.js';
import { HOURS, workFactor } from '../internal/engine/rhythm.js';
import { Ctx, Scheduler, type Script } from '../internal/engine/scheduler.js';
import { renderAudit, renderSyslog } from '../internal/linux/render.js';
import { renderZeek } from '../internal/network/zeek.js';
import { phishingBeacon } from '../internal/scenarios/phishing-beacon.js';
import { rdpIntrusion } from '../internal/scenarios/rdp-intrusion.js';
import { sshIntrusion } from '../internal/scenarios/ssh-intrusion.js';
import { renderWindows } from '../internal/windows/render.js';
import { buildWorld, makeAdversary, type World } from '../internal/world/world.js';
import type { SimRecord, SimulateOptions, Simulation } from '../types.js';
import { estateOf, TruthCollector } from './truth.js';
import { parseSimulateOptions, SIMULATE_DEFAULTS } from './options.js';

/** Nominal length of each story before it is squeezed into short windows, ms. */
const NOMINAL: Readonly<Record<string, number>> = {
  'rdp-intrusion': 2.5 * HOURS,
  'phishing-beacon': 3 * HOURS,
  'ssh-intrusion': 1.5 * HOURS,
};

/**
 * When each story starts after the campaign anchor, as [earliest, latest] in ms: the stories of
 * one day overlap in time, so an incident builder cannot separate them by time alone.
 */
const STAGGER: Readonly<Record<string, readonly [number, number]>> = {
  'rdp-intrusion': [0, 0.25 * HOURS],
  'phishing-beacon': [0.25 * HOURS, 0.75 * HOURS],
  'ssh-intrusion': [0.5 * HOURS, 1.5 * HOURS],
};

function storyScript(kind: string, ctx: Ctx, env: SimEnv, rng: Rng): Script | undefined {
  const w = env.world;
  switch (kind) {
    case 'rdp-intrusion':
      return rdpIntrusion(ctx, env);
    case 'phishing-beacon': {
      const staff = w.workstations.filter((h) => h.owner?.adminAccount === undefined);
      const victim = rng.pick(staff.length > 0 ? staff : w.workstations);
      // The implant moves on to the file server, the host the RDP intruder is on as well.
      return phishingBeacon(ctx, env, victim, w.fs);
    }
    case 'ssh-intrusion': {
      const host = w.linux.find((h) => h.role === 'web') ?? w.linux[0];
      return host === undefined ? undefined : sshIntrusion(ctx, env, host);
    }
    default:
      return undefined;
  }
}

/** Schedules every story instance inside the window: per day, one campaign of overlapping stories. */
function scheduleStories(sim: Scheduler, env: SimEnv, seed: number): void {
  const window = env.end - env.start;
  const perKind = Math.max(1, Math.round(window / (24 * HOURS)));
  const slot = window / perKind;
  let longest = 0;
  for (const story of SCENARIOS) {
    longest = Math.max(longest, (STAGGER[story.id]?.[1] ?? 0) + (NOMINAL[story.id] ?? 2 * HOURS));
  }
  const scale = Math.min(1, (0.85 * slot) / longest);
  for (let i = 0; i < perKind; i++) {
    const campaign = new Rng(seed, `campaign/${i + 1}`);
    const slotStart = env.start + i * slot;
    const lo = slotStart + 0.02 * slot;
    const hi = Math.max(lo, slotStart + slot - longest * scale);
    // Phishing needs someone at their desk: prefer an anchor in working hours when the slot has any.
    const phish = (STAGGER['phishing-beacon']?.[1] ?? 0) * scale;
    let anchor = campaign.range(lo, hi);
    for (let k = 0; k < 40 && workFactor(anchor + phish) < 0.9; k++) anchor = campaign.range(lo, hi);
    for (const story of SCENARIOS) {
      const rng = new Rng(seed, `scenario/${story.id}/${i + 1}`);
      const [early, late] = STAGGER[story.id] ?? [0, 0];
      const at = anchor + campaign.range(early, late) * scale;
      // Separate intrusions are separate actors: each instance has its own infrastructure.
      const storyEnv: SimEnv = { ...env, world: { ...env.world, adversary: makeAdversary(rng.fork('infra')) } };
      const ctx = new Ctx(sim, rng.fork('actor'), `${story.id}#${i + 1}`, scale);
      const script = storyScript(story.id, ctx, storyEnv, rng.fork('pick'));
      if (script !== undefined) sim.start(ctx, script, Math.floor(at));
    }
  }
}

/** Starts the benign background. */
function scheduleBackground(sim: Scheduler, env: SimEnv, seed: number): void {
  const w = env.world;
  const start = (name: string, make: (ctx: Ctx) => Script): void => {
    const rng = new Rng(seed, `bg/${name}`);
    const ctx = new Ctx(sim, rng, undefined, 1);
    // Staggered so that the window does not open with every actor firing in the same millisecond.
    sim.start(ctx, make(ctx), env.start + rng.int(0, 90_000));
  };
  for (const host of w.windows) start(`sys/${host.name}`, (c) => windowsSystem(c, env, host));
  for (const host of w.workstations) start(`user/${host.name}`, (c) => workstationUser(c, env, host));
  const seated = new Set(w.workstations.map((h) => h.owner));
  for (const user of w.users) if (!seated.has(user)) start(`remote/${user.sam}`, (c) => remoteUser(c, env, user));
  start('admins', (c) => adminActivity(c, env));
  start('service-accounts', (c) => serviceAccounts(c, env));
  start('backup', (c) => nightlyBackup(c, env));
  for (const host of w.linux) {
    start(`cron/${host.name}`, (c) => cronJobs(c, env, host));
    start(`linux/${host.name}`, (c) => linuxServer(c, env, host));
  }
  start('linux-admins', (c) => linuxAdmins(c, env));
}

function record(
  t: number,
  format: SimRecord['format'],
  source: string,
  host: string,
  line: string,
  label: string,
  scenario: string | undefined,
): SimRecord {
  return scenario === undefined
    ? { time: t, format, source, host, record: line, label }
    : { time: t, format, source, host, record: line, label, scenario };
}

function* render(sim: Scheduler, world: World, seed: number): Generator<SimRecord, void, void> {
  const rng = new Rng(seed, 'render');
  for (const e of sim.run()) {
    const p = e.pending;
    switch (p.kind) {
      case 'win': {
        const n = ++p.host.state.records[p.channel];
        const line = renderWindows(p, e.t, n, world.collector, rng.int(200, 9_000) * 4);
        yield record(e.t, 'windows', `demo/${p.host.name}/${p.channel}`, p.host.name, line, e.label, e.scenario);
        break;
      }
      case 'syslog':
        yield record(
          e.t,
          'syslog',
          `demo/${p.host.name}/syslog`,
          p.host.name,
          renderSyslog(p, e.t),
          e.label,
          e.scenario,
        );
        break;
      case 'audit': {
        const serial = ++p.host.state.auditSerial;
        for (const line of renderAudit(p, e.t, serial)) {
          yield record(e.t, 'auditd', `demo/${p.host.name}/auditd`, p.host.name, line, e.label, e.scenario);
        }
        break;
      }
      case 'zeek':
        yield record(
          e.t,
          'zeek',
          `demo/${world.sensor}/${p.log}`,
          world.sensor,
          renderZeek(p, e.t),
          e.label,
          e.scenario,
        );
        break;
    }
  }
}

/** A prepared run: the scheduler with every actor started, and the estate. */
interface Prepared {
  readonly sim: Scheduler;
  readonly world: World;
  readonly seed: number;
}

function prepare(options: SimulateOptions): Prepared {
  const parsed = parseSimulateOptions(options);
  if (!parsed.ok) throw new AppError('VALIDATION', `invalid simulation options: ${parsed.reason}`);
  const o = parsed.value;
  const window = Math.round(o.hours * HOURS);
  const start = o.start === undefined ? Math.floor((Date.now() - window) / 1000) * 1000 : Math.floor(o.start);
  const world = buildWorld(
    new Rng(o.seed, 'world'),
    o.hosts ?? SIMULATE_DEFAULTS.hosts,
    o.users ?? SIMULATE_DEFAULTS.users,
  );
  const env: SimEnv = { world, intensity: o.intensity ?? SIMULATE_DEFAULTS.intensity, start, end: start + window };
  const sim = new Scheduler(env.start, env.end);
  scheduleBackground(sim, env, o.seed);
  scheduleStories(sim, env, o.seed);
  return { sim, world, seed: o.seed };
}

/**
 * Generates labelled telemetry of a small organisation under attack, sorted by time.
 * Streaming: records are produced as they are consumed, with only a short look-ahead in memory.
 *
 * @example
 * ```ts
 * for (const r of simulate({ seed: 7, hours: 24 })) write(r.source, r.record);
 * ```
 * @throws AppError `VALIDATION` when the options are invalid.
 */
export function simulate(options: SimulateOptions): Generator<SimRecord, void, void> {
  const p = prepare(options);
  return render(p.sim, p.world, p.seed);
}

/**
 * The same records as `simulate`, plus the ground truth of the attack chains (complete once the
 * records are consumed) and the simulated estate (for an asset inventory).
 *
 * @example
 * ```ts
 * const run = simulation({ seed: 1, hours: 24 });
 * for (const r of run.records) ingest(r);
 * writeFileSync('truth.json', JSON.stringify(run.truth()));
 * ```
 */
export function simulation(options: SimulateOptions): Simulation {
  const p = prepare(options);
  const truth = new TruthCollector(p.world, p.sim.involved);
  function* records(): Generator<SimRecord, void, void> {
    for (const r of render(p.sim, p.world, p.seed)) {
      truth.see(r);
      yield r;
    }
  }
  return { records: records(), truth: () => truth.truth(), estate: estateOf(p.world) };
}
