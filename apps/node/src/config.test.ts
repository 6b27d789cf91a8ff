import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'intersoc-cfg-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('layers defaults, the data folder file, environment and flags', () => {
    writeFileSync(path.join(dir, 'intersoc.json'), JSON.stringify({ http: { port: 9000 }, syslog: { udpPort: 6000 } }));
    const c = loadConfig({
      data: dir,
      env: { INTERSOC_SYSLOG_UDP_PORT: '7000', INTERSOC_LOG_LEVEL: 'warn' },
      overrides: { http: { host: '0.0.0.0' } },
    });
    expect(c.http).toMatchObject({ host: '0.0.0.0', port: 9000 });
    expect(c.syslog.udpPort).toBe(7000);
    expect(c.log.level).toBe('warn');
    expect(c.data).toBe(dir);
  });
  it('reports invalid values and unreadable files as CONFIG errors', () => {
    expect(() => loadConfig({ data: dir, env: { INTERSOC_HTTP_PORT: 'x' } })).toThrow(/http\.port/);
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{ nope');
    expect(() => loadConfig({ file: bad, env: {} })).toThrow(/cannot read config file/);
  });
});
