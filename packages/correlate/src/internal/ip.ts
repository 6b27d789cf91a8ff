/**
 * @module
 * Address helpers: whether an address is internal (private, loopback, link-local, CGNAT) and a
 * cheap canonical form. Internal addresses stand for hosts of the organisation; external ones for
 * the other side (attacker infrastructure, destinations).
 */

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** True for IPv4 or IPv6 text. */
export function isIp(s: string): boolean {
  return V4.test(s) || (s.includes(':') && /^[0-9a-f:.]+$/i.test(s));
}

/** True for RFC 1918, loopback, link-local, CGNAT (IPv4) and loopback, link-local, ULA (IPv6). */
export function isInternalIp(ip: string): boolean {
  const m = V4.exec(ip);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    return (
      a === 10 ||
      a === 127 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  const s = ip.toLowerCase();
  return s === '::1' || s.startsWith('fe80:') || s.startsWith('fc') || s.startsWith('fd');
}
