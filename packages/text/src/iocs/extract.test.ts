import { describe, expect, it } from 'vitest';
import { extractIocs } from './extract.js';

const pairs = (text: string): [string, string][] => extractIocs(text).map((m) => [m.type, m.value]);

describe('extractIocs', () => {
  it('refangs URLs, domains, addresses and e-mail addresses', () => {
    expect(
      pairs(
        'The implant beacons to hxxps://update-check[.]evil-cdn[.]com/gate.php?id=7 and falls back to 203.0.113[.]45, ' +
          'then mails admin[at]evil-cdn(dot)com. Exfil went to ftp-drop[.]net.',
      ),
    ).toEqual([
      ['url', 'https://update-check.evil-cdn.com/gate.php?id=7'],
      ['ipv4-addr', '203.0.113.45'],
      ['email-addr', 'admin@evil-cdn.com'],
      ['domain-name', 'ftp-drop.net'],
    ]);
  });
  it('finds hashes by length, CVEs, registry keys in either hive spelling, files and Bitcoin', () => {
    const text = [
      'Dropper 44d88612fea8a8f36de82e1201c2b81e and 3395856ce81f2b7382dee72602f798b642f14140,',
      'SHA-256 275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f.',
      'It exploits CVE-2021-44228 and cve 2017_0199.',
      'Persistence: HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\Updater and',
      'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon for logon.',
      'The loader C:\\Users\\Public\\svch0st.exe reads config.json.',
      'Ransom to bitcoin wallet 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 or bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq.',
    ].join(' ');
    expect(pairs(text)).toEqual([
      ['md5', '44d88612fea8a8f36de82e1201c2b81e'],
      ['sha1', '3395856ce81f2b7382dee72602f798b642f14140'],
      ['sha256', '275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f'],
      ['cve', 'CVE-2021-44228'],
      ['cve', 'CVE-2017-0199'],
      ['windows-registry-key', 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\Updater'],
      ['windows-registry-key', 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon'],
      ['file-name', 'svch0st.exe'],
      ['file-name', 'config.json'],
      ['btc-address', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2'],
      ['btc-address', 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq'],
    ]);
  });
  it('finds IPv6 and leaves prose, versions and code identifiers alone', () => {
    expect(
      pairs(
        'C2 at 2001:db8:85a3::8a2e:370:7334 and fe80::1. Version 10.0.17763.1, at 12:30:45, e.g. System.Net.WebClient; ' +
          'the U.S. report. Build v1.2.3.4 shipped.',
      ),
    ).toEqual([
      ['ipv6-addr', '2001:db8:85a3::8a2e:370:7334'],
      ['ipv6-addr', 'fe80::1'],
    ]);
  });
  it('keeps each span on the original, defanged text', () => {
    const text = 'see evil[.]com now';
    const [m] = extractIocs(text);
    expect(text.slice(m?.start, m?.end)).toBe('evil[.]com');
    expect(m?.defanged).toBe(true);
  });
});
