import { describe, expect, it } from 'vitest';
import type { SocEvent } from '../api/types';
import { entityQuery, shortHost, splitUser } from './entity-link';

function ev(ecs: SocEvent['ecs'], fields: SocEvent['fields'] = {}): SocEvent {
  return {
    id: '0'.repeat(32),
    time: 0,
    ingested: 0,
    tenant: 'default',
    source: { format: 'windows', kind: 'demo', name: 'x' },
    raw: '{}',
    fields,
    ecs,
  };
}

// A PsExec start as ingest stores it: Sysmon 1 with the one entity model.
const sysmon = ev(
  {
    'host.name': 'fs-01',
    'host.hostname': 'FS-01.corp.example.com',
    'host.domain': 'corp.example.com',
    'user.name': 'Administrator',
    'user.domain': 'FS-01',
    'process.executable': 'C:\\Users\\Administrator\\Desktop\\PsExec64.exe',
    'process.name': 'PsExec64.exe',
    'process.parent.executable': 'C:\\Windows\\System32\\cmd.exe',
    'process.parent.name': 'cmd.exe',
    'process.hash.md5': 'aa'.repeat(16),
    'process.hash.sha1': 'bb'.repeat(20),
    'process.hash.sha256': 'cc'.repeat(32),
    'process.pe.imphash': 'dd'.repeat(16),
    'file.hash.md5': 'aa'.repeat(16),
    'file.hash.sha1': 'bb'.repeat(20),
    'file.hash.sha256': 'cc'.repeat(32),
  },
  { Computer: 'FS-01.corp.example.com', User: 'FS-01\\Administrator', SubjectUserName: 'svc-backup' },
);

describe('entity links', () => {
  it('point at the field that holds each value', () => {
    const q = (type: string, value: string, role?: string): string =>
      entityQuery(role === undefined ? { type, value } : { type, value, role }, [sysmon]);
    expect(q('host', 'FS-01.corp.example.com')).toBe('host.name:fs-01');
    expect(q('user', 'FS-01\\Administrator')).toBe('user.name:Administrator AND user.domain:FS-01');
    expect(q('process', 'C:\\Users\\Administrator\\Desktop\\PsExec64.exe')).toBe(
      'process.executable:"C:\\\\Users\\\\Administrator\\\\Desktop\\\\PsExec64.exe"',
    );
    expect(q('process', 'PsExec64.exe')).toBe('process.name:PsExec64.exe');
    expect(q('process', 'C:\\Windows\\System32\\cmd.exe', 'parent')).toBe(
      'process.parent.executable:"C:\\\\Windows\\\\System32\\\\cmd.exe"',
    );
    expect(q('hash', 'AA'.repeat(16), 'md5')).toBe(`process.hash.md5:${'aa'.repeat(16)}`);
    expect(q('hash', 'bb'.repeat(20), 'sha1')).toBe(`process.hash.sha1:${'bb'.repeat(20)}`);
    expect(q('hash', 'cc'.repeat(32), 'sha256')).toBe(`process.hash.sha256:${'cc'.repeat(32)}`);
    expect(q('hash', 'dd'.repeat(16), 'imphash')).toBe(`process.pe.imphash:${'dd'.repeat(16)}`);
    // Only in an original field: that field.
    expect(q('user', 'svc-backup', 'subject')).toBe('SubjectUserName:svc-backup');
  });

  it('fall back to the usual field or alias when the alert’s events do not hold the value', () => {
    expect(entityQuery({ type: 'host', value: 'DC-01' }, [sysmon])).toBe('host:DC-01');
    expect(entityQuery({ type: 'user', value: 'CORP\\rconti' }, [])).toBe('user:"CORP\\\\rconti"');
    expect(entityQuery({ type: 'ip', value: '10.0.0.9', role: 'destination' }, [])).toBe(
      '(destination.ip:10.0.0.9 OR source.ip:10.0.0.9 OR host.ip:10.0.0.9)',
    );
    expect(entityQuery({ type: 'hash', value: 'EE'.repeat(20) }, [])).toBe(
      `(process.hash.sha1:${'ee'.repeat(20)} OR file.hash.sha1:${'ee'.repeat(20)})`,
    );
  });

  it('spell hosts and accounts the way ingest does', () => {
    expect(shortHost('WKS-03.corp.example.com')).toBe('wks-03');
    expect(shortHost('CORP\\WKS-03$')).toBe('wks-03');
    expect(shortHost('10.0.0.1')).toBe('10.0.0.1');
    expect(splitUser('rconti@corp.example.com')).toEqual({ name: 'rconti', domain: 'corp.example.com' });
  });
});
