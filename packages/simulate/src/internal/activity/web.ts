/**
 * @module
 * Network bundles seen from both ends: a Windows process resolving a name and connecting out
 * (Sysmon 22 and 3) mirrored by the sensor's dns.log and conn.log entries.
 */
import type { Ctx } from '../engine/scheduler.js';
import type { SimEnv } from '../engine/env.js';
import { conn, dns } from '../network/zeek.js';
import { connect, dnsQuery } from '../windows/process.js';
import type { Proc, Service, WinHost } from '../world/world.js';

/** The DNS forwarder the domain controller uses. */
export const UPSTREAM_RESOLVER = '9.9.9.9';

/** Sizes and timing of a visit. */
export interface VisitOptions {
  readonly offset?: number;
  /** Resolve the name first (default true). */
  readonly resolve?: boolean;
  readonly origBytes?: number;
  readonly respBytes?: number;
  /** Seconds. */
  readonly duration?: number;
  readonly ip?: string;
}

/** A process on `host` talks TLS to `svc`; returns the offset after the exchange started. */
export function visit(ctx: Ctx, env: SimEnv, host: WinHost, proc: Proc, svc: Service, o: VisitOptions = {}): number {
  const rng = ctx.rng;
  const ip = o.ip ?? rng.pick(svc.ips);
  let offset = o.offset ?? 0;
  if (o.resolve !== false) {
    dnsQuery(ctx, host, proc, svc.domain, [ip], offset);
    // Clients ask the DC; the DC itself forwards to the upstream resolver.
    dns(ctx, host.ip, host === env.world.dc ? UPSTREAM_RESOLVER : env.world.dc.ip, svc.domain, [ip], offset);
    offset += rng.int(2, 40);
  }
  const sport = connect(ctx, host, proc, { dstIp: ip, dstPort: svc.port, dstHost: svc.domain, offset });
  conn(ctx, {
    src: host.ip,
    sport,
    dst: ip,
    dport: svc.port,
    proto: 'tcp',
    service: svc.port === 443 ? 'ssl' : svc.port === 80 ? 'http' : undefined,
    duration: o.duration ?? rng.logNormal(4, 1.2),
    origBytes: Math.round(o.origBytes ?? rng.logNormal(1_800, 0.8)),
    respBytes: Math.round(o.respBytes ?? rng.logNormal(45_000, 1.5)),
    offset,
  });
  return offset;
}
