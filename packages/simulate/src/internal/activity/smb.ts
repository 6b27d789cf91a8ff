/**
 * @module
 * A user opening a file on a server share: Kerberos service ticket on the DC, the SMB
 * connection from the client's kernel (Sysmon 3, conn.log), and the server's network logon,
 * share access and logoff.
 */
import type { Ctx } from '../engine/scheduler.js';
import type { SimEnv } from '../engine/env.js';
import { conn } from '../network/zeek.js';
import { connect, ephemeralPort } from '../windows/process.js';
import { shareAccess } from '../windows/changes.js';
import { kerberosService, logoff, logon } from '../windows/security.js';
import type { Account, WinHost } from '../world/world.js';

/** A share on a server. */
export interface Share {
  readonly name: string;
  readonly path: string;
}

/** What to do on the share. */
export interface SmbOptions {
  readonly share: Share;
  readonly file?: string;
  readonly write?: boolean;
  /** How long the session stays open, ms. */
  readonly hold: number;
  readonly offset?: number;
  /** Bytes read from and written to the server. */
  readonly read?: number;
  readonly written?: number;
  /** Client host when it is a Windows host we log; otherwise its address. */
  readonly fromIp?: string;
  readonly privileged?: boolean;
  readonly auth?: 'Kerberos' | 'NTLM';
  readonly workstation?: string;
}

/** Runs one SMB session; returns the server-side logon id. */
export function smbSession(
  ctx: Ctx,
  env: SimEnv,
  client: WinHost | undefined,
  account: Account,
  server: WinHost,
  o: SmbOptions,
): string {
  const rng = ctx.rng;
  const offset = o.offset ?? 0;
  const ip = client?.ip ?? o.fromIp ?? '10.10.100.10';
  const auth = o.auth ?? 'Kerberos';
  if (auth === 'Kerberos') kerberosService(ctx, env.world.dc, account, server.machineAccount, ip, offset);
  const sport = ephemeralPort(ctx);
  if (client !== undefined) {
    connect(ctx, client, client.system.kernel, { dstIp: server.ip, dstPort: 445, srcPort: sport, offset: offset + 5 });
  }
  conn(ctx, {
    src: ip,
    sport,
    dst: server.ip,
    dport: 445,
    proto: 'tcp',
    service: auth === 'Kerberos' ? 'gssapi,smb,krb' : 'gssapi,smb,ntlm',
    duration: o.hold / 1000,
    origBytes: Math.round((o.written ?? 0) + rng.logNormal(2_500, 0.5)),
    respBytes: Math.round((o.read ?? 0) + rng.logNormal(3_000, 0.6)),
    offset: offset + 5,
  });
  const id = logon(ctx, server, account, {
    type: 3,
    ip,
    port: sport,
    auth,
    offset: offset + rng.int(8, 30),
    ...(o.workstation === undefined ? {} : { workstation: o.workstation }),
    ...(o.privileged === true ? { privileged: true } : {}),
  });
  shareAccess(ctx, server, account, id, {
    share: o.share.name,
    localPath: o.share.path,
    ip,
    port: sport,
    offset: offset + rng.int(30, 60),
    ...(o.file === undefined ? {} : { file: o.file }),
    ...(o.write === true ? { write: true } : {}),
  });
  logoff(ctx, server, account, id, 3, offset + o.hold);
  return id;
}
