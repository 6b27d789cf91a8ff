/**
 * @module
 * Datagrams the kernel dropped because a socket's receive buffer was full. These never reach
 * the process, so no counter of ours can see them; Linux reports them per socket in the `drops`
 * column of /proc/net/udp and /proc/net/udp6. Elsewhere the figure is unknown (undefined).
 */
import { readFileSync } from 'node:fs';

/** Parses /proc/net/udp{,6} text: drops of the sockets bound to `port`, summed. */
export function parseUdpDrops(text: string, port: number): number | undefined {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  let found = false;
  let drops = 0;
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 13) continue;
    const local = cols[1] ?? '';
    if (local.slice(local.lastIndexOf(':') + 1) !== hexPort) continue;
    const d = Number(cols[cols.length - 1]);
    if (Number.isFinite(d)) {
      found = true;
      drops += d;
    }
  }
  return found ? drops : undefined;
}

/** Kernel drops of the UDP sockets bound to `port` (IPv4 and IPv6), or undefined off Linux. */
export function kernelUdpDrops(port: number): number | undefined {
  let total: number | undefined;
  for (const file of ['/proc/net/udp', '/proc/net/udp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const d = parseUdpDrops(text, port);
    if (d !== undefined) total = (total ?? 0) + d;
  }
  return total;
}
