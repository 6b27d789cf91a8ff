/**
 * @module
 * Starts what `serve` runs in the scale-out mode: the `api` and `respond` roles (PostgreSQL store,
 * no bus) and, beside them or alone, the bus roles of `roles.ts` (ingest, detect, correlate). Kept
 * apart from `roles.ts` so a process that runs only the API or the playbook engine never loads the
 * NATS client.
 */
import { AppError, type Config } from '@intersoc/core';
import { startApiRole } from './api-role.js';

/** What `serve` stops on SIGTERM. */
export interface RunningScaleOut {
  /** The API's address when the process runs the api role. */
  readonly apiUrl?: string;
  close(): Promise<void>;
}

/** Starts the roles `config.roles` names (`api`, `respond` and/or the bus roles). */
export async function startScaleOut(config: Config, log: (m: string) => void): Promise<RunningScaleOut> {
  const names = config.roles
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '');
  const api = names.includes('api');
  const respond = names.includes('respond');
  if (!api && !respond) {
    return (await import('./roles.js')).startRoles(config, log);
  }
  // The api and respond roles need no bus; the rest start beside them.
  const rest = names.filter((r) => r !== 'api' && r !== 'respond');
  if (rest.includes('all')) throw new AppError('VALIDATION', 'role "all" cannot be combined');
  const parts: { close(): Promise<void> }[] = [];
  const close = async (): Promise<void> => {
    for (const p of parts.reverse()) await p.close();
  };
  let apiUrl: string | undefined;
  try {
    if (api) {
      const a = await startApiRole(config, log);
      parts.push(a);
      apiUrl = a.url;
    }
    if (respond) parts.push(await (await import('./respond-role.js')).startRespondRole(config, log));
    if (rest.length > 0)
      parts.push(await (await import('./roles.js')).startRoles({ ...config, roles: rest.join(',') }, log));
  } catch (err) {
    await close();
    throw err;
  }
  return { ...(apiUrl === undefined ? {} : { apiUrl }), close };
}
