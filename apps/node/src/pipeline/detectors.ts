/**
 * @module
 * Builds the detectors every parse thread runs, from a serialisable spec (workers cannot be
 * handed live objects). New detector kinds register here.
 */
import type { Detector } from '@intersoc/core';

/** Which detectors to run, and where their rules and indicators live. */
export interface DetectorSpec {
  /** Node data directory (rule state, indicators). */
  readonly dataDir: string;
  /** Detector kinds to enable, e.g. `sigma`, `ioc`. */
  readonly kinds: readonly string[];
}

/** Creates the detectors named in `spec`. */
export async function loadDetectors(spec: DetectorSpec): Promise<Detector[]> {
  const out: Detector[] = [];
  for (const kind of spec.kinds) {
    const factory = FACTORIES[kind];
    if (factory) out.push(...(await factory(spec)));
  }
  return out;
}

/** Detector factories by kind; each loads its package lazily. */
const FACTORIES: Record<string, (spec: DetectorSpec) => Promise<Detector[]>> = {};
