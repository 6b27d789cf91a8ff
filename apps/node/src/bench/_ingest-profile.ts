/**
 * @module
 * Where the time of a one-core `bench ingest` run goes: one more run under the CPU profiler (not
 * counted in the rates), its sampled time split by stage of the pipeline. `JSON.parse` is the
 * benchmark's baseline, so its fraction is the ratio the run could reach if every other stage
 * cost nothing.
 */
import { breakdown, type Category, type CpuProfile } from './_cpu-profile.js';

const PROFILER = 'profiler';

/** Stages, recognised by the script of the function running (or of its nearest named caller). */
const CATEGORIES: readonly Category[] = [
  // Starting and stopping the profiler itself: left out of the fractions.
  { name: PROFILER, url: /^node:inspector/ },
  { name: 'garbage collection', fn: /^\(garbage collector\)$/ },
  { name: 'waiting (idle)', fn: /^\((idle|program)\)$/ },
  // The parsers' one JSON.parse call (a builtin, so it shows as the own time of ingest's `parseJson`).
  { name: 'JSON.parse', fn: /^parseJson$/ },
  { name: 'framing and UTF-8 decoding', url: /ingest\/dist\/framing\// },
  { name: 'normalisation (fields, ECS, time)', url: /ingest\/dist\/(parsers|internal)\// },
  { name: 'event ids (SHA-256)', url: /core\/dist\/ids\.js$/ },
  { name: 'block packing (copy, Brotli)', url: /storage\/dist\/events\/block/ },
  { name: 'SQLite writes', url: /storage\/dist\/events\/writer\.js$|better-sqlite3\/lib\// },
  { name: 'detectors (Sigma, IOC)', url: /detect\/dist\/|pipeline\/(detectors|ioc-factory)\.js$/ },
  { name: 'file reading', url: /^node:(fs|internal\/fs|internal\/streams|stream)/ },
  { name: 'pipeline (records, events, batches)', url: /apps\/node\/dist\/pipeline\// },
];

/** Fractions of sampled time per stage, largest first (they add up to 1). */
export type StageProfile = Readonly<Record<string, number>>;

/** Splits a profile of an ingest run into stage fractions. */
export function ingestStages(profile: CpuProfile): StageProfile {
  const parts = breakdown(profile, CATEGORIES).filter((p) => p.name !== PROFILER);
  const total = parts.reduce((a, p) => a + p.ms, 0) || 1;
  return Object.fromEntries(parts.map((p) => [p.name, Math.round((p.ms / total) * 1000) / 1000]));
}
