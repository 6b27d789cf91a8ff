import { describe, expect, it } from 'vitest';
import { checkHostile } from '../../internal/hostile.js';
import { parseSyslog, syslogFormat } from './index.js';

const NOW = Date.UTC(2024, 5, 15, 12, 0, 0);

function ok(line: string) {
  const r = parseSyslog(line, NOW);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}

describe('syslog: RFC 5424', () => {
  it('parses the header, PRI and structured data with escapes', () => {
    const r = ok(
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog 1234 ID47 ' +
        '[exampleSDID@32473 iut="3" eventSource="App\\"lication\\]" eventID="1011"][examplePriority@32473 class="high" class="low"] ' +
        '\uFEFFAn application event',
    );
    expect(r.fields).toEqual({
      'log.syslog.priority': 165,
      'log.syslog.facility.code': 20,
      'log.syslog.facility.name': 'local4',
      'log.syslog.severity.code': 5,
      'log.syslog.severity.name': 'notice',
      'log.syslog.version': 1,
      'log.syslog.timestamp': '2003-10-11T22:14:15.003Z',
      'log.syslog.hostname': 'mymachine.example.com',
      'log.syslog.appname': 'evntslog',
      'log.syslog.procid': '1234',
      'log.syslog.msgid': 'ID47',
      'log.syslog.structured_data.exampleSDID@32473.iut': '3',
      'log.syslog.structured_data.exampleSDID@32473.eventSource': 'App"lication]',
      'log.syslog.structured_data.exampleSDID@32473.eventID': '1011',
      'log.syslog.structured_data.examplePriority@32473.class': ['high', 'low'],
      message: 'An application event',
    });
    expect(r.ecs).toMatchObject({
      'host.name': 'mymachine',
      'host.hostname': 'mymachine.example.com',
      'host.domain': 'example.com',
      'process.name': 'evntslog',
      'process.pid': 1234,
      'log.level': 'notice',
      message: 'An application event',
    });
    expect(r.time).toBe(Date.parse('2003-10-11T22:14:15.003Z'));
  });

  it('handles NILVALUEs, no message and backslash escapes', () => {
    const r = ok('<34>1 - - - - - [a b="x\\\\y"]');
    expect(r.fields['log.syslog.hostname']).toBeUndefined();
    expect(r.fields['log.syslog.structured_data.a.b']).toBe('x\\y');
    expect(r.fields['message']).toBe('');
    expect(r.time).toBeUndefined();
  });

  it('rejects broken RFC 5424 records with a precise reason', () => {
    expect(parseSyslog('<34>1 2003-10-11T22:14:15Z host', NOW)).toEqual({
      ok: false,
      reason: 'syslog: RFC 5424 header has 3 of 7 fields',
    });
    expect(parseSyslog('<34>1 - h a p m [id x="unterminated]', NOW)).toEqual({
      ok: false,
      reason: 'syslog: structured data: unterminated value of "x"',
    });
    expect(parseSyslog('<34>1 yesterday h a p m - msg', NOW)).toEqual({
      ok: false,
      reason: 'syslog: RFC 5424 timestamp "yesterday" is not RFC 3339',
    });
    expect(parseSyslog('<999>Jan  1 00:00:00 h x: y', NOW)).toEqual({
      ok: false,
      reason: 'syslog: PRI 999 out of range 0-191',
    });
  });
});

describe('syslog: RFC 3164', () => {
  it('parses PRI, BSD timestamp (year inferred), host, tag and pid', () => {
    const r = ok('<38>Jun  5 10:11:12 web01 sshd[4321]: Server listening on 0.0.0.0 port 22.');
    expect(r.fields).toMatchObject({
      'log.syslog.facility.name': 'auth',
      'log.syslog.severity.name': 'informational',
      'log.syslog.hostname': 'web01',
      'log.syslog.appname': 'sshd',
      'log.syslog.procid': '4321',
      message: 'Server listening on 0.0.0.0 port 22.',
    });
    expect(r.time).toBe(Date.UTC(2024, 5, 5, 10, 11, 12));
  });

  it('puts a BSD date after "now" in the previous year', () => {
    expect(ok('<13>Dec 31 23:59:59 h app: x').time).toBe(Date.UTC(2023, 11, 31, 23, 59, 59));
  });

  it('reads lines without PRI (log files), RFC 3339 timestamps and tag-only headers', () => {
    const file = ok('Jun 14 08:00:01 db2 CRON[99]: (root) CMD (run-parts /etc/cron.hourly)');
    expect(file.fields['log.syslog.priority']).toBeUndefined();
    expect(file.ecs).toMatchObject({ 'host.name': 'db2', 'process.name': 'CRON', 'process.pid': 99 });
    const iso = ok('2024-06-14T08:00:01.123456+02:00 db2 kernel: [1.0] eth0 up');
    expect(iso.time).toBe(Date.parse('2024-06-14T06:00:01.123Z'));
    expect(iso.fields['log.syslog.appname']).toBe('kernel');
    const noHost = ok('<13>Jun 14 08:00:01 app[1]: hello');
    expect(noHost.fields['log.syslog.hostname']).toBeUndefined();
    expect(noHost.fields['log.syslog.appname']).toBe('app');
  });

  it('rejects lines with neither PRI nor timestamp', () => {
    expect(parseSyslog('hello world', NOW)).toEqual({ ok: false, reason: 'syslog: no PRI and no timestamp' });
  });
});

describe('syslog: programs', () => {
  it('recognises sshd logins and failures', () => {
    expect(
      ok('<38>Jun 14 08:00:01 h sshd[1]: Accepted publickey for alice from 10.0.0.9 port 50022 ssh2: RSA SHA256:x').ecs,
    ).toMatchObject({
      'user.name': 'alice',
      'source.ip': '10.0.0.9',
      'source.port': 50022,
      'event.outcome': 'success',
      'event.category': 'authentication',
      'process.name': 'sshd',
    });
    expect(
      ok('<38>Jun 14 08:00:01 h sshd[1]: Failed password for invalid user admin from 203.0.113.5 port 4711 ssh2').ecs,
    ).toMatchObject({
      'user.name': 'admin',
      'source.ip': '203.0.113.5',
      'event.outcome': 'failure',
    });
    expect(ok('<38>Jun 14 08:00:01 h sshd[1]: Invalid user oracle from 203.0.113.6 port 1').ecs).toMatchObject({
      'user.name': 'oracle',
      'source.ip': '203.0.113.6',
      'event.outcome': 'failure',
    });
    expect(
      ok(
        '<38>Jun 14 08:00:01 h sshd[1]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=198.51.100.7  user=bob',
      ).ecs,
    ).toMatchObject({ 'user.name': 'bob', 'source.ip': '198.51.100.7', 'event.outcome': 'failure' });
  });

  it('recognises sudo commands and refusals', () => {
    const r = ok(
      '<85>Jun 14 08:00:01 h sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/cat /etc/shadow',
    );
    expect(r.ecs).toMatchObject({
      'user.name': 'alice',
      'user.target.name': 'root',
      'process.command_line': '/usr/bin/cat /etc/shadow',
      'event.outcome': 'success',
    });
    expect(r.fields['sudo.pwd']).toBe('/home/alice');
    const refused = ok(
      '<85>Jun 14 08:00:01 h sudo: mallory : user NOT in sudoers ; TTY=pts/1 ; PWD=/tmp ; USER=root ; COMMAND=/bin/sh',
    );
    expect(refused.ecs['event.outcome']).toBe('failure');
    expect(refused.fields['sudo.error']).toBe('user NOT in sudoers');
  });

  it('parses auditd records forwarded through syslog', () => {
    const r = ok(
      '<14>Jun 14 08:00:01 h audispd: node=h type=EXECVE msg=audit(1718352001.123:77): argc=2 a0="cat" a1=2F6574632F736861646F77',
    );
    expect(r.fields).toMatchObject({ type: 'EXECVE', node: 'h', 'audit.serial': 77, a1: '/etc/shadow' });
    expect(r.ecs).toMatchObject({ 'process.command_line': 'cat /etc/shadow', 'host.name': 'h' });
    expect(r.time).toBe(1718352001123);
  });

  it('hands CEF and LEEF bodies to their parsers, keeping the header', () => {
    const cef = ok('<134>Jun 14 08:00:01 fw1 CEF:0|Acme|FW|1.0|100|Blocked|5|src=10.0.0.1 dst=10.0.0.2');
    expect(cef.fields).toMatchObject({ 'log.syslog.hostname': 'fw1', 'cef.name': 'Blocked', src: '10.0.0.1' });
    const leef = ok('<134>Jun 14 08:00:01 fw1 LEEF:1.0|Acme|FW|1.0|100|src=10.0.0.1\tdst=10.0.0.2');
    expect(leef.ecs).toMatchObject({ 'source.ip': '10.0.0.1', 'destination.ip': '10.0.0.2', 'host.name': 'fw1' });
  });
});

describe('syslog: plug-in', () => {
  it('survives hostile input', () => {
    expect(
      checkHostile(syslogFormat, '<38>Jun 14 08:00:01 h sshd[1]: Accepted password for a from 1.2.3.4 port 5 ssh2'),
    ).toEqual([]);
  });

  it('detects syslog lines', () => {
    expect(syslogFormat.detect('<13>Jun 14 08:00:01 h a: b\n<13>Jun 14 08:00:02 h a: c\n')).toBe(0.8);
    expect(syslogFormat.detect('Jun 14 08:00:01 h a: b\n')).toBe(0.8);
    expect(syslogFormat.detect('{"a":1}')).toBe(0);
  });
});
