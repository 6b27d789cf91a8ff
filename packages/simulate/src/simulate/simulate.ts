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
import { buildWorld, type World } from '../internal/world/world.js';
import type { SimRecord, SimulateOptions } from '../types.js';
import { parseSimulateOptions, SIMULATE_DEFAULTS } from './options.js';

/** Nominal length of each story before it is squeezed into short windows, ms. */
const NOMINAL: Readonly<Record<string, number>> = {
  'rdp-intrusion': 2.5 * HOURS,
  'phishing-beacon': 3 * HOURS,
  'ssh-intrusion': 1.5 * HOURS,
};

function storyScript(kind: string, ctx: Ctx, env: SimEnv, rng: Rng): Script | undefined {
  const w = env.world;
  switch (kind) {
    case 'rdp-intrusion':
      return rdpIntrusion(ctx, env);
    case 'phishing-beacon': {
      const staff = w.workstations.filter((h) => h.owner?.adminAccount === undefined);
      const victim = rng.pick(staff.length > 0 ? staff : w.workstations);
      const others = w.workstations.filter((h) => h !== victim);
      return phishingBeacon(ctx, env, victim, others.length > 0 ? rng.pick(others) : w.fs);
    }
    case 'ssh-intrusion': {
      const host = w.linux.find((h) => h.role === 'web') ?? w.linux[0];
      return host === undefined ? undefined : sshIntrusion(ctx, env, host);
    }
    default:
      return undefined;
  }
}

/** Schedules every story instance inside the window. */
function scheduleStories(sim: Scheduler, env: SimEnv, seed: number): void {
  const window = env.end - env.start;
  const perKind = Math.max(1, Math.round(window / (24 * HOURS)));
  for (const story of SCENARIOS) {
    const nominal = NOMINAL[story.id] ?? 2 * HOURS;
    const scale = Math.min(1, (0.85 * window) / perKind / nominal);
    const span = nominal * scale;
    for (let i = 0; i < perKind; i++) {
      const rng = new Rng(seed, `scenario/${story.id}/${i + 1}`);
      const slotStart = env.start + (i * window) / perKind;
      const slot = window / perKind;
      const lo = slotStart + 0.02 * slot;
      const hi = Math.max(lo, slotStart + slot - span);
      // Phishing needs someone at their desk: prefer working hours when the slot has any.
      let at = rng.range(lo, hi);
      if (story.id === 'phishing-beacon') {
        for (let k = 0; k < 40 && workFactor(at) < 0.9; k++) at = rng.range(lo, hi);
      }
      const ctx = new Ctx(sim, rng.fork('actor'), `${story.id}#${i + 1}`, scale);
      const script = storyScript(story.id, ctx, env, rng.fork('pick'));
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
  return render(sim, world, o.seed);
}
