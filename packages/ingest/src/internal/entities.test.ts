import { describe, expect, it } from 'vitest';
import { putHashes, type EcsBuilder } from './ecs.js';
import { normaliseEntities } from './entities.js';
import { parsed } from './record.js';

describe('one entity model', () => {
  it('gives hosts a short lower-case name and keeps the rest', () => {
    expect(normaliseEntities({ 'host.name': 'WKS-03.corp.example.com' })).toEqual({
      'host.name': 'wks-03',
      'host.hostname': 'WKS-03.corp.example.com',
      'host.domain': 'corp.example.com',
    });
    expect(normaliseEntities({ 'host.name': 'FS-01' })).toEqual({ 'host.name': 'fs-01', 'host.hostname': 'FS-01' });
    expect(normaliseEntities({ 'host.name': 'fs-01' })).toEqual({ 'host.name': 'fs-01' });
    expect(normaliseEntities({ 'host.name': '10.0.0.5' })).toEqual({ 'host.name': '10.0.0.5' });
  });

  it('splits DOMAIN\\user and user@domain; a given domain wins', () => {
    expect(normaliseEntities({ 'user.name': 'CORP\\rconti' })).toEqual({
      'user.name': 'rconti',
      'user.domain': 'CORP',
    });
    expect(normaliseEntities({ 'user.name': 'rconti@corp.example.com' })).toEqual({
      'user.name': 'rconti',
      'user.domain': 'corp.example.com',
    });
    expect(normaliseEntities({ 'user.name': 'FS-01\\Administrator', 'user.domain': 'FS-01' })).toEqual({
      'user.name': 'Administrator',
      'user.domain': 'FS-01',
    });
    expect(normaliseEntities({ 'user.name': 'rconti' })).toEqual({ 'user.name': 'rconti' });
  });

  it('moves full paths out of process names into the executables', () => {
    expect(
      normaliseEntities({
        'process.name': 'C:\\Windows\\PSEXESVC.exe',
        'process.parent.name': '/usr/sbin/sshd',
      }),
    ).toEqual({
      'process.name': 'PSEXESVC.exe',
      'process.executable': 'C:\\Windows\\PSEXESVC.exe',
      'process.parent.name': 'sshd',
      'process.parent.executable': '/usr/sbin/sshd',
    });
  });

  it('puts each Sysmon hash kind in its own field, for files and for process images', () => {
    const ecs: EcsBuilder = {};
    putHashes(ecs, 'SHA1=AA11,MD5=BB22,SHA256=CC33,IMPHASH=DD44', 'process');
    putHashes(ecs, 'SHA1=AA11,MD5=BB22,SHA256=CC33,IMPHASH=DD44');
    expect(ecs).toEqual({
      'process.hash.sha1': 'aa11',
      'process.hash.md5': 'bb22',
      'process.hash.sha256': 'cc33',
      'process.pe.imphash': 'dd44',
      'file.hash.sha1': 'aa11',
      'file.hash.md5': 'bb22',
      'file.hash.sha256': 'cc33',
      'file.pe.imphash': 'dd44',
    });
  });

  it('applies to every parsed record, leaving the original fields alone', () => {
    const r = parsed({ Computer: 'FS-01.corp.example.com' }, { 'host.name': 'FS-01.corp.example.com' }, 1);
    expect(r.value.ecs['host.name']).toBe('fs-01');
    expect(r.value.fields['Computer']).toBe('FS-01.corp.example.com');
  });
});
