/**
 * @module
 * Test helpers: throw-away identities and generated STIX objects. Used by this package's tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initIdentity, type NodeKeys } from '../identity/identity.js';

/** A fresh node identity in a temporary folder (removed at once: only the keys are used). */
export function testKeys(name: string, communities: string[] = []): NodeKeys {
  const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-keys-'));
  try {
    return initIdentity(dir, { name, sector: 'energy', country: 'FR', communities });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A valid STIX indicator for an IPv4 address. */
export function testIndicator(n: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const hex = n.toString(16).padStart(12, '0');
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--00000000-0000-4000-8000-${hex}`,
    created: '2024-01-01T00:00:00.000Z',
    modified: '2024-01-01T00:00:00.000Z',
    name: `test indicator ${n}`,
    pattern: `[ipv4-addr:value = '198.51.${(n >> 8) & 255}.${n & 255}']`,
    pattern_type: 'stix',
    valid_from: '2024-01-01T00:00:00Z',
    confidence: 80,
    ...extra,
  };
}
