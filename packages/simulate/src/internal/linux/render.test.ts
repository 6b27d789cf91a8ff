import { describe, expect, it } from 'vitest';
import { Ctx, Scheduler, type AuditPending } from '../engine/scheduler.js';
import { Rng } from '../engine/prng.js';
import { buildWorld } from '../world/world.js';
import { exec } from './actions.js';
import { renderAudit, renderSyslog } from './render.js';

const world = buildWorld(new Rng(1, 'world'), 8, 12);
const host = world.linux[0];
const T = Date.UTC(2024, 4, 6, 9, 30, 15, 7);

describe('Linux renderers', () => {
  it('writes RFC 5424 with priority, full timestamp, host, app and pid', () => {
    if (host === undefined) throw new Error('no Linux host');
    const line = renderSyslog(
      {
        kind: 'syslog',
        host,
        pri: 38,
        app: 'sshd',
        pid: 812,
        msg: 'Failed password for root from 192.0.2.1 port 4000 ssh2',
      },
      T,
    );
    expect(line).toBe(
      '<38>1 2024-05-06T09:30:15.007+00:00 web-01 sshd 812 - - Failed password for root from 192.0.2.1 port 4000 ssh2',
    );
  });

  it('encodes execve arguments the way auditd does: quoted when plain, hex otherwise', () => {
    if (host === undefined) throw new Error('no Linux host');
    const sim = new Scheduler(T, T + 1_000);
    const ctx = new Ctx(sim, new Rng(2, 'exec'), undefined, 1);
    sim.now = T;
    exec(ctx, host, {
      who: { uid: 0, auid: 1001, ses: 4, tty: 'pts0' },
      ppid: 100,
      exe: '/usr/bin/bash',
      argv: ['bash', '-c', 'id; uname -a'],
      cwd: '/root',
    });
    const [e] = [...sim.run()];
    expect(e).toBeDefined();
    const lines = renderAudit(e?.pending as AuditPending, T, 555);
    expect(lines.map((l) => l.split(' ')[0])).toEqual([
      'type=SYSCALL',
      'type=EXECVE',
      'type=CWD',
      'type=PATH',
      'type=PATH',
      'type=PROCTITLE',
    ]);
    for (const l of lines) expect(l).toContain(' msg=audit(1714987815.007:555): ');
    expect(lines[1]).toContain(
      `argc=3 a0="bash" a1="-c" a2=${Buffer.from('id; uname -a').toString('hex').toUpperCase()}`,
    );
    expect(lines[5]).toContain(`proctitle=${Buffer.from('bash\0-c\0id; uname -a').toString('hex').toUpperCase()}`);
    expect(lines[0]).toMatch(/syscall=59 success=yes .* auid=1001 uid=0 .* comm="bash" exe="\/usr\/bin\/bash"/);
  });
});
