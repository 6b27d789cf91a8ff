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
  it('reads http.secureCookies, http.trustProxy and http.allowedOrigins from the environment', () => {
    const c = loadConfig({
      data: dir,
      env: {
        INTERSOC_HTTP_SECURE_COOKIES: 'true',
        INTERSOC_HTTP_TRUST_PROXY: '10.0.0.1,10.0.0.2',
        INTERSOC_HTTP_ALLOWED_ORIGINS: 'https://soc.example.org, https://admin.example.org',
      },
      warn: () => undefined,
    });
    expect(c.http.secureCookies).toBe(true);
    expect(c.http.trustProxy).toBe('10.0.0.1,10.0.0.2');
    expect(c.http.allowedOrigins).toEqual(['https://soc.example.org', 'https://admin.example.org']);
    expect(loadConfig({ data: dir, env: { INTERSOC_HTTP_TRUST_PROXY: '1' } }).http.trustProxy).toBe(1);
  });
  it('warns about unknown keys and variables, naming the closest known one', () => {
    writeFileSync(
      path.join(dir, 'intersoc.json'),
      JSON.stringify({ http: { prot: 9000 }, storage: { retentionDay: 3, blockEvents: 1024 } }),
    );
    const warnings: string[] = [];
    const c = loadConfig({
      data: dir,
      env: {
        INTERSOC_HTTP_PROT: '9001',
        INTERSOC_SYSLG_ENABLED: 'false',
        INTERSOC_HTTP_BODYLIMIT: '10',
        INTERSOC_LOG_LEVEL: 'warn',
        INTERSOC_CORPORA: '/somewhere',
        PATH: '/usr/bin',
      },
      warn: (m) => warnings.push(m),
    });
    expect(c.storage.blockEvents).toBe(1024);
    expect(warnings).toHaveLength(5);
    const text = warnings.join('\n');
    expect(text).toContain('unknown setting http.prot (did you mean http.port?)');
    expect(text).toContain('unknown setting storage.retentionDay (did you mean storage.retentionDays?)');
    expect(text).toMatch(/INTERSOC_HTTP_PROT is not a setting.*did you mean INTERSOC_HTTP_PORT\?/);
    expect(text).toMatch(/INTERSOC_SYSLG_ENABLED is not a setting.*did you mean INTERSOC_SYSLOG_ENABLED\?/);
    expect(text).toMatch(/INTERSOC_HTTP_BODYLIMIT is not a setting.*did you mean INTERSOC_HTTP_BODY_LIMIT\?/);
    expect(text).not.toContain('CORPORA');
  });
  it('says nothing about a configuration it fully understands', () => {
    writeFileSync(path.join(dir, 'intersoc.json'), JSON.stringify({ http: { port: 9000 }, storage: { tenants: {} } }));
    const warnings: string[] = [];
    loadConfig({ data: dir, env: { INTERSOC_SYSLOG_UDP_PORT: '7000' }, warn: (m) => warnings.push(m) });
    expect(warnings).toEqual([]);
  });
  it('reports invalid values and unreadable files as CONFIG errors', () => {
    expect(() => loadConfig({ data: dir, env: { INTERSOC_HTTP_PORT: 'x' } })).toThrow(/http\.port/);
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{ nope');
    expect(() => loadConfig({ file: bad, env: {} })).toThrow(/cannot read config file/);
  });
});
