import { describe, expect, it } from 'vitest';
import { checkHostile } from '../../internal/hostile.js';
import { auditdFormat, parseAuditLine } from './index.js';

const SYSCALL =
  'type=SYSCALL msg=audit(1364481363.243:24287): arch=c000003e syscall=2 success=no exit=-13 a0=7fffd19c5592 a1=0 ' +
  'items=1 ppid=2686 pid=3538 auid=500 uid=500 gid=500 euid=500 tty=pts0 ses=1 comm="cat" exe="/bin/cat" key="sshd_config"';

function ok(line: string) {
  const r = parseAuditLine(line);
  if (r.ok !== true) throw new Error(JSON.stringify(r));
  return r.value;
}

describe('auditd: audit.log lines', () => {
  it('parses the stamp, quoted values and maps SYSCALL to ECS', () => {
    const r = ok(SYSCALL);
    expect(r.fields).toMatchObject({
      type: 'SYSCALL',
      'audit.serial': 24287,
      'audit.time': '1364481363.243',
      syscall: '2',
      success: 'no',
      a0: '7fffd19c5592',
      comm: 'cat',
      exe: '/bin/cat',
      key: 'sshd_config',
    });
    expect(r.ecs).toMatchObject({
      'event.action': 'syscall',
      'event.category': 'process',
      'process.pid': 3538,
      'process.parent.pid': 2686,
      'process.executable': '/bin/cat',
      'process.name': 'cat',
      'event.outcome': 'failure',
    });
    expect(r.time).toBe(1364481363243);
  });

  it('decodes hex-encoded values and builds command lines', () => {
    const title = ok(
      'type=PROCTITLE msg=audit(1604996384.965:93777): proctitle=64640069663D2F6465762F7A65726F0062733D3100636F756E743D31',
    );
    expect(title.fields['proctitle']).toBe('dd if=/dev/zero bs=1 count=1');
    expect(title.ecs['process.command_line']).toBe('dd if=/dev/zero bs=1 count=1');
    const exec = ok('type=EXECVE msg=audit(1.0:2): argc=3 a0="sh" a1="-c" a2=6563686F20686920746865726521');
    expect(exec.ecs['process.command_line']).toBe('sh -c echo hi there!');
    const path = ok('type=PATH msg=audit(1.0:2): item=0 name=2F746D702F6120622E7368 inode=1 nametype=CREATE');
    expect(path.ecs['file.path']).toBe('/tmp/a b.sh');
    const nul = ok('type=SYSCALL msg=audit(1.0:2): key=(null) comm="x"');
    expect(nul.fields['key']).toBeUndefined();
  });

  it('parses USER_* records with a nested msg and enriched fields', () => {
    const r = ok(
      'node=srv1 type=USER_LOGIN msg=audit(1700000000.000:9): pid=1 uid=0 auid=4294967295 msg=\'op=login acct="root" exe="/usr/sbin/sshd" hostname=? addr=198.51.100.4 terminal=sshd res=failed\'\u001dUID="root" AUID="unset"',
    );
    expect(r.fields).toMatchObject({ node: 'srv1', op: 'login', acct: 'root', res: 'failed', UID: 'root' });
    expect(r.ecs).toMatchObject({
      'host.name': 'srv1',
      'user.name': 'root',
      'source.ip': '198.51.100.4',
      'event.outcome': 'failure',
      'event.category': 'authentication',
    });
  });

  it('rejects lines without type or stamp', () => {
    expect(parseAuditLine('hello')).toEqual({ ok: false, reason: 'auditd: no type= field' });
    expect(parseAuditLine('type=SYSCALL arch=x')).toEqual({ ok: false, reason: 'auditd: no msg=audit(...) stamp' });
    expect(parseAuditLine('type=SYSCALL msg=audit(abc:1): x=1')).toEqual({
      ok: false,
      reason: 'auditd: bad audit stamp "abc:1"',
    });
  });

  it('survives hostile input and detects audit logs', () => {
    expect(checkHostile(auditdFormat, SYSCALL)).toEqual([]);
    expect(auditdFormat.detect(SYSCALL + '\n')).toBe(0.95);
    expect(auditdFormat.detect('type=x')).toBe(0);
  });
});
