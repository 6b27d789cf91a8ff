/**
 * @module
 * Validation of simulation options, which come from the CLI or an API request.
 */
import { fail, ok, type Result } from '@intersoc/core';
import { z } from 'zod';
import type { SimulateOptions } from '../types.js';

/** Defaults applied when an option is absent. */
export const SIMULATE_DEFAULTS = { hosts: 8, users: 12, intensity: 1 } as const;

/** Schema of `SimulateOptions`. */
export const SimulateOptionsSchema = z
  .object({
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    hours: z
      .number()
      .positive()
      .max(24 * 366),
    /** Epoch ms; fractions (e.g. from `now - hours * 3.6e6`) are floored. */
    start: z.number().min(0).max(8.64e15).optional(),
    hosts: z.number().int().min(4).max(250).optional(),
    users: z.number().int().min(2).max(1000).optional(),
    intensity: z.number().positive().max(100).optional(),
  })
  .strict();

/** Checks untrusted options; the reason lists every problem. */
export function parseSimulateOptions(input: unknown): Result<SimulateOptions> {
  const r = SimulateOptionsSchema.safeParse(input);
  if (r.success) {
    const { seed, hours, start, hosts, users, intensity } = r.data;
    return ok({
      seed,
      hours,
      ...(start === undefined ? {} : { start }),
      ...(hosts === undefined ? {} : { hosts }),
      ...(users === undefined ? {} : { users }),
      ...(intensity === undefined ? {} : { intensity }),
    });
  }
  return fail(r.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; '));
}
