/**
 * @module
 * A readable one-line summary of an event for the search table: who talked to whom for network
 * rows (addresses and ports, protocol, the name or URL asked for), who ran what for process
 * rows, the message where the source wrote one, and the raw record only as a last resort.
 */
import type { SocEvent } from '../api/types';

type Ecs = SocEvent['ecs'];

function str(ecs: Ecs, k: string): string | undefined {
  const v = ecs[k];
  return v === undefined || v === '' ? undefined : String(v);
}

function endpoint(ecs: Ecs, side: 'source' | 'destination'): string | undefined {
  const ip = str(ecs, `${side}.ip`) ?? str(ecs, `${side}.address`);
  if (ip === undefined) return undefined;
  const port = str(ecs, `${side}.port`);
  if (port === undefined) return ip;
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** The summary of one event. */
export function eventSummary(e: SocEvent): string {
  const ecs = e.ecs;
  const action = str(ecs, 'event.action');
  const src = endpoint(ecs, 'source');
  const dst = endpoint(ecs, 'destination');
  if (src !== undefined || dst !== undefined) {
    const proto = str(ecs, 'network.transport') ?? str(ecs, 'network.protocol');
    const what =
      str(ecs, 'dns.question.name') ?? str(ecs, 'url.full') ?? str(ecs, 'url.original') ?? str(ecs, 'rule.name');
    return [
      `${src ?? '?'} → ${dst ?? '?'}`,
      proto,
      action,
      what,
      str(ecs, 'user.name') ? `user ${str(ecs, 'user.name')}` : undefined,
    ]
      .filter((x) => x !== undefined)
      .join(' · ');
  }
  const cmd = str(ecs, 'process.command_line') ?? str(ecs, 'process.executable') ?? str(ecs, 'process.name');
  if (cmd !== undefined) {
    const user = str(ecs, 'user.name');
    const parent = str(ecs, 'process.parent.name');
    return [user ? `${user} ran ${cmd}` : cmd, parent ? `from ${parent}` : undefined, action]
      .filter((x) => x !== undefined)
      .join(' · ');
  }
  const message = str(ecs, 'message');
  if (message !== undefined) return message;
  const parts = [action, str(ecs, 'file.path'), str(ecs, 'registry.path'), str(ecs, 'user.name')].filter(
    (x) => x !== undefined,
  );
  return parts.length > 0 ? parts.join(' · ') : e.raw;
}
