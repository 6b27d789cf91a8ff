import { describe, expect, it } from 'vitest';
import { AssetIndex } from '../assets/asset-index.js';
import { canonicalHost, canonicalUser, isServiceAccount } from '../assets/names.js';
import { makeAlert } from '../internal/fixtures.js';
import { alertKeys, isSystemPath } from './keys.js';
import { scoreOf, scoreParts, severityOfScore } from './score.js';
import { incidentTitle } from './title.js';

describe('canonical names', () => {
  it('reduces host and account spellings to one key', () => {
    expect(canonicalHost('WKS-03.corp.example.com')).toBe('wks-03');
    expect(canonicalHost('CORP\\WKS-03$')).toBe('wks-03');
    expect(canonicalHost('10.0.0.1')).toBe('10.0.0.1');
    expect(canonicalUser('CORP\\RConti')).toBe('rconti');
    expect(canonicalUser('rconti@corp.example.com')).toBe('rconti');
    expect(isServiceAccount('NT AUTHORITY\\SYSTEM', 'system')).toBe(true);
    expect(isServiceAccount('DC-01$', 'dc-01$')).toBe(true);
    expect(isServiceAccount('rconti', 'rconti')).toBe(false);
  });

  it('knows system folders from user-writable ones', () => {
    expect(isSystemPath('c:\\windows\\system32\\cmd.exe')).toBe(true);
    expect(isSystemPath('c:\\program files\\microsoft office\\root\\office16\\winword.exe')).toBe(true);
    expect(isSystemPath('c:\\windows\\explorer.exe')).toBe(true);
    expect(isSystemPath('c:\\windows\\psexesvc.exe')).toBe(false);
    expect(isSystemPath('c:\\users\\bob\\appdata\\roaming\\x.exe')).toBe(false);
    expect(isSystemPath('/usr/bin/curl')).toBe(true);
    expect(isSystemPath('/tmp/.x/run')).toBe(false);
  });
});

describe('alertKeys', () => {
  it('puts every spelling of a host and an account on one key, without an inventory', () => {
    const none = new AssetIndex([]);
    const long = alertKeys(
      makeAlert({ time: 0, entities: ['host=WKS-03.corp.example.com', 'user=CORP\\rconti'] }),
      none,
      new Map(),
    );
    const short = alertKeys(makeAlert({ time: 0, entities: ['host=WKS-03', 'user=rconti'] }), none, new Map());
    expect(long.host).toBe('wks-03');
    expect(short.host).toBe('wks-03');
    expect(long.strong).toContain('hu:wks-03|rconti');
    expect(short.strong).toContain('hu:wks-03|rconti');
  });

  const assets = new AssetIndex([
    { kind: 'host', name: 'WKS-03', aliases: ['wks-03.corp.example.com'], ips: ['10.10.20.3'], criticality: 'medium' },
  ]);

  it('makes strong keys of actors and artefacts and weak keys of hosts', () => {
    const k = alertKeys(
      makeAlert({
        time: 0,
        entities: [
          'host=WKS-03.corp.example.com',
          'user=CORP\\rconti',
          'process=C:\\Users\\rconti\\AppData\\Roaming\\u.exe',
          'hash/sha256=ABC',
          'ip/destination=198.51.100.30',
          'url=http://198.51.100.30/a',
        ],
      }),
      assets,
      new Map(),
    );
    expect(k.host).toBe('wks-03');
    expect(k.strong).toEqual(
      expect.arrayContaining([
        'hu:wks-03|rconti',
        'a:wks-03|c:\\users\\rconti\\appdata\\roaming\\u.exe',
        'hs:abc',
        'x:198.51.100.30',
        'url:http://198.51.100.30/a',
      ]),
    );
    expect(k.weak).toEqual(['u:rconti', 'h:wks-03']);
  });

  it('learns addresses from a host’s own connection log and maps network alerts to hosts', () => {
    const learned = new Map<string, string>();
    const k = alertKeys(
      makeAlert({
        time: 0,
        entities: ['host=WKS-07', 'ip/source=10.10.20.7', 'ip/destination=203.0.113.1'],
        details: { logsource: { category: 'network_connection' } },
      }),
      assets,
      learned,
    );
    expect(k.learned).toEqual(['10.10.20.7', 'wks-07']);
    learned.set('10.10.20.7', 'wks-07');
    const n = alertKeys(
      makeAlert({ time: 0, entities: ['ip/source=10.10.20.7', 'ip/destination=203.0.113.1'] }),
      assets,
      learned,
    );
    expect(n.host).toBe('wks-07');
    expect(n.source).toBe('network');
    const inv = alertKeys(makeAlert({ time: 0, entities: ['ip/source=10.10.20.3'] }), assets, learned);
    expect(inv.host).toBe('wks-03');
  });

  it('keeps built-in local accounts to their host', () => {
    const k = alertKeys(makeAlert({ time: 0, entities: ['host=A', 'user=Administrator'] }), assets, new Map());
    expect(k.strong).toContain('hu:a|administrator');
    expect(k.weak).toEqual(['h:a']);
  });
});

describe('score and title', () => {
  it('multiplies severity, criticality, confidence and spread into bands', () => {
    const lone = scoreParts({
      maxSeverity: 'high',
      criticality: 0.6,
      corroboratingRules: 1,
      corroboratingTactics: 1,
      sources: 1,
      hosts: 1,
      users: 1,
    });
    expect(scoreOf(lone)).toBe(20);
    expect(severityOfScore(scoreOf(lone))).toBe('low');
    const story = scoreParts({
      maxSeverity: 'critical',
      criticality: 1,
      corroboratingRules: 6,
      corroboratingTactics: 5,
      sources: 2,
      hosts: 2,
      users: 2,
    });
    expect(story.confidence).toBe(1);
    expect(scoreOf(story)).toBe(100);
    expect(severityOfScore(scoreOf(story))).toBe('critical');
    expect(severityOfScore(9)).toBe('informational');
    expect(severityOfScore(44)).toBe('medium');
    expect(severityOfScore(69)).toBe('high');
  });

  it('says what happened, where and by whom', () => {
    expect(
      incidentTitle({
        tactics: ['exfiltration', 'initial-access', 'execution', 'command-and-control', 'collection'],
        rules: [{ title: 'a' }, { title: 'b' }],
        hosts: ['wks-03', 'fs-01'],
        users: ['rconti'],
        ips: [],
      }),
    ).toBe('Initial access, data collection, command and control and data exfiltration on wks-03, fs-01 (rconti)');
    expect(
      incidentTitle({ tactics: ['persistence'], rules: [{ title: 'Run Key' }], hosts: ['wks-04'], users: [], ips: [] }),
    ).toBe('Run Key on wks-04');
    expect(
      incidentTitle({ tactics: [], rules: [{ title: 'Spray' }], hosts: [], users: [], ips: ['203.0.113.5'] }),
    ).toBe('Spray from 203.0.113.5');
  });
});
