/**
 * @module
 * `bench federation`: 100,000 STIX objects synced between two local nodes over loopback HTTP,
 * signed (the value) and as plain TAXII (the baseline), in one run and on the same objects.
 * The objects mix every TLP level and carry personal data (see `_federation-data.ts`), so the
 * policy refuses some and the minimiser pseudonymises or withholds others; the result says how
 * many objects each policy outcome got, and what each run wrote. The rate of both runs is the
 * objects handled (from the sender's store to the receiver's) per second; `signed_delivered`
 * says how many of them the policy let through. Goal: ratio ≥ 0.7. Beside the rates: the CPU
 * seconds of both runs (`cpu_ratio`, steadier on a shared machine) and a CPU profile of each,
 * split by part of the system (`signed_profile`, `plain_profile`: fractions of sampled time).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { federationObjects, kindOf, tlpOf } from './_federation-data.js';
import { cpuProbe, profileRuns } from './_federation-profile.js';
import { PAGE, plainRun, signedRun, type RunResult, type SignedResult } from './_federation-runs.js';
import { benchResult, type BenchModule, type BenchOptions, type BenchResult } from './types.js';

/** How a measurement is made. */
export interface FederationBenchOptions {
  readonly objects: number;
  /** Plain and signed runs alternate this many times; each keeps its best. */
  readonly rounds: number;
  /** Objects of the extra profiled runs (0: none). */
  readonly profileObjects: number;
  readonly log: (line: string) => void;
}

function countBy<T>(items: readonly T[], key: (x: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of items) out[key(x)] = (out[key(x)] ?? 0) + 1;
  return out;
}

const r2 = (x: number): number => Math.round(x * 100) / 100;

function bytesFigures(prefix: string, r: RunResult, n: number): Record<string, unknown> {
  return {
    [`${prefix}_wire_bytes_per_object`]: Math.round(r.bytes.wire / n),
    [`${prefix}_stored_bytes_per_object`]: Math.round((r.bytes.sender + r.bytes.receiver) / n),
    [`${prefix}_table_bytes`]: r.bytes.tables,
  };
}

function policyFigures(s: SignedResult): Record<string, unknown> {
  const share = s.share;
  return {
    signed_delivered: s.stored,
    signed_policy_decisions: share.decisions,
    signed_policy_denied: share.denied,
    signed_policy_outcomes: Object.fromEntries(
      share.outcomes.map((o) => [`${o.allowed ? 'allowed' : 'denied'} ${o.tlp}: ${o.reason}`, o.objects]),
    ),
    signed_privacy_withheld: countBy(share.withheld, (w) => w.reason.replace(/ \(.*\)$/, '')),
    signed_privacy_pseudonymised_values: share.pseudonymised,
    signed_privacy_removed_fields: share.removed,
  };
}

/** Measures both runs; exported so tests can run it small (they check counts, never time). */
export async function measureFederation(o: FederationBenchOptions): Promise<BenchResult> {
  const n = o.objects;
  const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-bench-federation-'));
  try {
    const objects = federationObjects(n);
    const indices = objects.map((_, i) => i);
    let plain: RunResult | undefined;
    let signed: SignedResult | undefined;
    const cpu = { plain: Infinity, signed: Infinity };
    for (let r = 0; r < o.rounds; r++) {
      const pc = cpuProbe();
      const p = await plainRun(path.join(dir, `p${r}`), objects, o.log, pc);
      o.log(`plain: ${Math.round(n / p.seconds)} objects/s`);
      if (!plain || p.seconds < plain.seconds) plain = p;
      cpu.plain = Math.min(cpu.plain, pc.seconds);
      const sc = cpuProbe();
      const s = await signedRun(path.join(dir, `s${r}`), objects, o.log, sc);
      o.log(`signed: ${Math.round(n / s.seconds)} objects/s (${s.stored} delivered)`);
      if (!signed || s.seconds < signed.seconds) signed = s;
      cpu.signed = Math.min(cpu.signed, sc.seconds);
    }
    if (!plain || !signed) throw new Error('no run');
    const profiled = o.profileObjects > 0 ? objects.slice(0, o.profileObjects) : [];
    const profile = profiled.length > 0 ? await profileRuns(dir, profiled, o.log) : undefined;
    return benchResult({
      name: 'federation',
      unit: 'objects/s',
      value: Math.round(n / signed.seconds),
      baseline_value: Math.round(n / plain.seconds),
      cores: 1,
      extra: {
        objects: n,
        objects_by_tlp: countBy(indices, tlpOf),
        objects_by_kind: countBy(indices, kindOf),
        page: PAGE,
        rounds: o.rounds,
        signed_seconds: r2(signed.seconds),
        signed_share_seconds: r2(signed.shareSeconds),
        signed_pull_verify_store_seconds: r2(signed.pullSeconds),
        signed_delivered_per_second: Math.round(signed.stored / signed.seconds),
        ...policyFigures(signed),
        ...bytesFigures('signed', signed, n),
        plain_seconds: r2(plain.seconds),
        plain_publish_seconds: r2(plain.shareSeconds),
        plain_pull_store_seconds: r2(plain.pullSeconds),
        ...bytesFigures('plain', plain, n),
        signed_cpu_seconds: r2(cpu.signed),
        plain_cpu_seconds: r2(cpu.plain),
        cpu_ratio: Math.round((cpu.plain / cpu.signed) * 1000) / 1000,
        ...(profile
          ? { profiled_objects: profiled.length, signed_profile: profile.signed, plain_profile: profile.plain }
          : {}),
        goal_ratio: 0.7,
      },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The benchmark. */
export const bench: BenchModule = {
  description:
    'federation: 100k STIX objects (every TLP level, personal data) shared, signed, pulled and verified between two nodes vs plain unsigned TAXII',
  run: (o: BenchOptions) =>
    // Alternating rounds, each run keeping its best: the machine is shared, and a slow moment
    // should not decide the ratio.
    measureFederation({
      objects: o.quick ? 10_000 : 100_000,
      rounds: o.quick ? 3 : 2,
      profileObjects: o.quick ? 10_000 : 20_000,
      log: o.log,
    }),
};
