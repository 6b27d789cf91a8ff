/**
 * @module
 * Bitcoin address checks: Base58Check (P2PKH `1…`, P2SH `3…`) and Bech32/Bech32m (`bc1…`).
 */
import { createHash } from 'node:crypto';

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** True when `s` is a Base58Check string whose payload is 21 bytes with version 0x00 or 0x05. */
export function isBase58CheckAddress(s: string): boolean {
  let n = 0n;
  for (const c of s) {
    const v = B58.indexOf(c);
    if (v < 0) return false;
    n = n * 58n + BigInt(v);
  }
  const bytes: number[] = [];
  while (n > 0n) {
    bytes.unshift(Number(n & 0xffn));
    n >>= 8n;
  }
  for (const c of s) {
    if (c !== '1') break;
    bytes.unshift(0);
  }
  if (bytes.length !== 25) return false;
  const payload = Buffer.from(bytes.slice(0, 21));
  const sum = createHash('sha256').update(createHash('sha256').update(payload).digest()).digest();
  return sum.subarray(0, 4).equals(Buffer.from(bytes.slice(21))) && (bytes[0] === 0 || bytes[0] === 5);
}

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GEN = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

function polymod(values: readonly number[]): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= GEN[i] as number;
  }
  return chk >>> 0;
}

/** True when `s` is a valid Bech32 (v0) or Bech32m (v1+) address with the `bc` prefix. */
export function isBech32Address(s: string): boolean {
  const lower = s.toLowerCase();
  if (lower !== s && s.toUpperCase() !== s) return false;
  if (!lower.startsWith('bc1') || lower.length < 14 || lower.length > 74) return false;
  const data: number[] = [];
  for (const c of lower.slice(3)) {
    const v = CHARSET.indexOf(c);
    if (v < 0) return false;
    data.push(v);
  }
  const hrp = [...'bc'].map((c) => c.charCodeAt(0));
  const expanded = [...hrp.map((c) => c >> 5), 0, ...hrp.map((c) => c & 31), ...data];
  const c = polymod(expanded);
  return c === 1 || c === 0x2bc830a3;
}
