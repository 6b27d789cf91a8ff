/**
 * @module
 * Which event store a command reads: `--store URL`, else `store.url` of the configuration (also
 * `INTERSOC_STORE_URL`), else the node's SQLite files in `--data`.
 */
import path from 'node:path';
import { AppError, type Config } from '@intersoc/core';

/** A configured store. */
export type StoreTarget =
  | { readonly kind: 'postgres'; readonly url: string }
  | { readonly kind: 'sqlite'; readonly dir: string; readonly shared: boolean };

/** The store named by `flag`, the configuration, or the data directory. */
export function storeTarget(config: Config, flag: string | undefined): StoreTarget {
  const url = flag ?? config.store.url;
  if (url === undefined) return { kind: 'sqlite', dir: config.data, shared: false };
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: 'postgres', url };
  if (url.startsWith('sqlite:'))
    return { kind: 'sqlite', dir: path.resolve(url.slice('sqlite:'.length)), shared: true };
  throw new AppError('CONFIG', `unsupported store URL "${url}" (postgres://… or sqlite:DIR)`);
}
