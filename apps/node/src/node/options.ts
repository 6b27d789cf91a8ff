/**
 * @module
 * Options shared by CLI subcommands that touch node data, and the helpers to read them.
 */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { AppError, parseTime, TENANT_PATTERN, type Config } from '@intersoc/core';
import { loadConfig } from '../config.js';
import { applyCtiLimits } from './cti-limits.js';

/** Flags every data command accepts. */
export interface DataFlags {
  readonly data?: string;
  readonly config?: string;
  readonly json?: boolean;
}

/** Adds `--data`, `--config` and `--json` to a command. */
export function dataOptions(cmd: Command): Command {
  return cmd
    .option('--data <dir>', 'node data directory', undefined)
    .option('--config <file>', 'configuration file (JSON)')
    .option('--json', 'machine-readable output');
}

/** Loads the configuration for a data command (and applies its limits on STIX patterns). */
export function configFor(flags: DataFlags, overrides: Parameters<typeof loadConfig>[0] = {}): Config {
  return applyCtiLimits(
    loadConfig({
      ...(flags.config ? { file: flags.config } : {}),
      ...(flags.data ? { data: flags.data } : {}),
      ...overrides,
    }),
  );
}

/** Parse workers to use: the configured number, else one per core less one for the main thread. */
export function workerCount(config: Config, cores = availableParallelism()): number {
  return config.ingest.workers ?? Math.max(1, cores - 1);
}

/** Validates a tenant name from the command line. */
export function tenantArg(t: string | undefined, config: Config): string {
  const tenant = t ?? config.ingest.defaultTenant;
  if (!TENANT_PATTERN.test(tenant))
    throw new AppError('VALIDATION', `invalid tenant name "${tenant}" (lower-case letters, digits, - and _)`);
  return tenant;
}

/** Parses a positive integer flag. */
export function intArg(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new AppError('VALIDATION', `--${name} must be a non-negative integer`);
  return n;
}

/** A time flag: ISO-8601, epoch, or relative to now like `24h`; undefined when absent. */
export function timeArg(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const rel = /^-?(\d+)([smhd])$/.exec(v);
  if (rel) return Date.now() - Number(rel[1]) * { s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[rel[2] as 's' | 'm' | 'h' | 'd'];
  const t = parseTime(v);
  if (t === undefined)
    throw new AppError('VALIDATION', `--${name}: not a time: ${v} (ISO-8601, epoch, or relative like 24h)`);
  return t;
}
