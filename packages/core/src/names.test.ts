import { describe, expect, it } from 'vitest';
import { accountName, shortHostName, splitAccount, splitHost } from './names.js';

describe('host and account names', () => {
  it('splits host spellings into a short lower-case name and a domain', () => {
    expect(splitHost('WKS-03.corp.example.com')).toEqual({ name: 'wks-03', domain: 'corp.example.com' });
    expect(splitHost('WKS-03')).toEqual({ name: 'wks-03' });
    expect(splitHost('CORP\\WKS-03$')).toEqual({ name: 'wks-03' });
    expect(splitHost(' fs-01. ')).toEqual({ name: 'fs-01.' });
    expect(splitHost('10.1.2.3')).toEqual({ name: '10.1.2.3' });
    expect(splitHost('fe80::1')).toEqual({ name: 'fe80::1' });
    expect(shortHostName('FS-01.corp.example.com')).toBe(shortHostName('fs-01'));
  });

  it('splits DOMAIN\\user, user@domain and user', () => {
    expect(splitAccount('CORP\\rconti')).toEqual({ name: 'rconti', domain: 'CORP' });
    expect(splitAccount('rconti@corp.example.com')).toEqual({ name: 'rconti', domain: 'corp.example.com' });
    expect(splitAccount('rconti')).toEqual({ name: 'rconti' });
    expect(splitAccount('NT AUTHORITY\\SYSTEM')).toEqual({ name: 'SYSTEM', domain: 'NT AUTHORITY' });
    // Not an account with a domain: a trailing separator or two @ signs stay as written.
    expect(splitAccount('a@b@c')).toEqual({ name: 'a@b@c' });
    expect(splitAccount('CORP\\')).toEqual({ name: 'CORP\\' });
    expect(accountName('CORP\\RConti')).toBe('rconti');
  });
});
