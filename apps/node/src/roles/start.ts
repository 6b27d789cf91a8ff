/**
 * @module
 * Starts what `serve` runs in the scale-out mode: the `api` role (PostgreSQL store, no bus) and,
 * beside it or alone, the bus roles of `roles.ts` (ingest, detect, correlate). Kept apart from
 * `roles.ts` so a process that runs only the API never loads the NATS client.
 */
import { AppError, type Config } from '@intersoc/core';
import { startApiRole } from './api-role.js';

/** What `serve` stops on SIGTERM. */
export interface RunningScaleOut {
  /** The API's address when the process runs the api role. */
  readonly apiUrl?: string;
  close(): Promise<void>;
}

/** Starts the roles `config.roles` names (`api` and/or the bus roles). */
export async function startScaleOut(config: Config, log: (m: string) => void): Promise<RunningScaleOut> {
  const names = config.roles
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '');
  if (!names.includes('api')) {
    return (await import('./roles.js')).startRoles(config, log);
  }
  const rest = names.filter((r) => r !== 'api');
  if (rest.includes('all')) throw new AppError('VALIDATION', 'role "all" cannot be combined');
  const api = await startApiRole(config, log);
  if (rest.length === 0) return { apiUrl: api.url, close: () => api.close() };
  try {
    const others = await (await import('./roles.js')).startRoles({ ...config, roles: rest.join(',') }, log);
    return {
      apiUrl: api.url,
      close: async () => {
        await others.close();
        await api.close();
      },
    };
  } catch (err) {
    await api.close();
    throw err;
  }
}
