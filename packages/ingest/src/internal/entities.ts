/**
 * @module
 * One entity model for every format, applied to each parser's ECS projection (the original
 * fields stay untouched beside it):
 *
 * - `host.name` is the short lower-case name; `host.hostname` keeps the name as the record gave it
 *   and `host.domain` the DNS domain (`WKS-03.corp.example.com` → `wks-03`, `corp.example.com`);
 * - `user.name` is the account and `user.domain` its domain, whether the record said
 *   `DOMAIN\user`, `user@domain` or `user`;
 * - `process.name` / `process.parent.name` are base names, the full path going to `*.executable`.
 *
 * Addresses used as host names are kept as they are.
 */
import { splitAccount, splitHost, type EcsFields } from '@intersoc/core';
import { baseName, type EcsBuilder } from './ecs.js';

/** Normalises the host, user and process names of `ecs` in place and returns it. */
export function normaliseEntities<T extends EcsFields>(ecs: T): T {
  const b = ecs as EcsBuilder;
  const host = b['host.name'];
  if (typeof host === 'string') {
    const parts = splitHost(host);
    if (parts.name.length > 0 && parts.name !== host) {
      b['host.hostname'] ??= host;
      b['host.name'] = parts.name;
    }
    if (parts.domain !== undefined) b['host.domain'] ??= parts.domain;
  }
  const user = b['user.name'];
  if (typeof user === 'string') {
    const parts = splitAccount(user);
    if (parts.domain !== undefined) {
      b['user.name'] = parts.name;
      b['user.domain'] ??= parts.domain;
    }
  }
  processName(b, 'process.name', 'process.executable');
  processName(b, 'process.parent.name', 'process.parent.executable');
  return ecs;
}

function processName(
  b: EcsBuilder,
  name: 'process.name' | 'process.parent.name',
  exe: 'process.executable' | 'process.parent.executable',
): void {
  const v = b[name];
  if (typeof v !== 'string' || (!v.includes('\\') && !v.includes('/'))) return;
  const base = baseName(v);
  if (base.length === 0) return;
  b[exe] ??= v;
  b[name] = base;
}
