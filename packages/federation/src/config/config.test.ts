import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FEDERATION_CONFIG_FILE, loadFederationConfig } from './config.js';

const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-fedcfg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('federation settings', () => {
  it('defaults to the strict side when the file is absent', () => {
    const c = loadFederationConfig(dir);
    expect(c.tenant).toBe('default');
    expect(c.unmarkedTlp).toBe('amber');
    expect(c.defaultDistribution).toBe('community');
    expect(c.privacy.kinds).toEqual({
      'internal-ip': 'pseudonymise',
      username: 'pseudonymise',
      email: 'pseudonymise',
      hostname: 'pseudonymise',
    });
  });

  it('reads the file and names the field that is wrong', () => {
    writeFileSync(path.join(dir, FEDERATION_CONFIG_FILE), JSON.stringify({ privacy: { kinds: { email: 'remove' } } }));
    expect(loadFederationConfig(dir).privacy.kinds.email).toBe('remove');
    writeFileSync(path.join(dir, FEDERATION_CONFIG_FILE), JSON.stringify({ unmarkedTlp: 'purple' }));
    expect(() => loadFederationConfig(dir)).toThrow(/unmarkedTlp/);
    writeFileSync(path.join(dir, FEDERATION_CONFIG_FILE), JSON.stringify({ sharing: true }));
    expect(() => loadFederationConfig(dir)).toThrow(/sharing|Unrecognized/i);
  });
});
