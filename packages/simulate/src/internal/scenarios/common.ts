/**
 * @module
 * Helpers shared by the attack stories: shells of a logged-on account, command lines typed
 * into them (with `net` spawning `net1` as the real tool does), and PowerShell's encoding.
 */
import type { Ctx } from '../engine/scheduler.js';
import { spawn } from '../windows/process.js';
import type { Account, Proc, WinHost } from '../world/world.js';

const SYS32 = 'C:\\Windows\\System32\\';

/** An interactive process (explorer) of `account` in logon session `logonId`, for tools to start from. */
export function sessionShell(
  ctx: Ctx,
  host: WinHost,
  account: Account,
  logonId: string,
  integrity: Proc['integrity'],
): Proc {
  return {
    pid: ctx.rng.int(1_000, 4_000) * 4,
    guid: `{${host.guidPrefix}-${ctx.rng.hex(4)}-${ctx.rng.hex(4)}-${ctx.rng.hex(4)}-${host.guidSuffix}}`,
    image: 'C:\\Windows\\explorer.exe',
    cmd: 'C:\\Windows\\Explorer.EXE',
    user: `${account.domain}\\${account.sam}`,
    sid: account.sid,
    logonId,
    integrity,
    session: ctx.rng.int(2, 4),
    cwd: `C:\\Users\\${account.sam}\\`,
  };
}

/** Image of a command-line tool named in a typed command (System32 unless a path is given). */
function imageOf(command: string): string {
  const first = command.startsWith('"')
    ? command.slice(1, command.indexOf('"', 1))
    : (command.split(' ')[0] ?? command);
  if (first.includes('\\')) return first;
  const exe = first.toLowerCase().endsWith('.exe') ? first : `${first}.exe`;
  return `${SYS32}${exe}`;
}

/** Runs a command typed into `shell` (cmd.exe); `net` also starts `net1`. Returns the process. */
export function typed(ctx: Ctx, host: WinHost, shell: Proc, command: string, offset = 0): Proc {
  const image = imageOf(command);
  const p = spawn(ctx, host, { parent: shell, image, cmd: command, offset });
  if (image.toLowerCase().endsWith('\\net.exe')) {
    spawn(ctx, host, {
      parent: p,
      image: `${SYS32}net1.exe`,
      cmd: `C:\\Windows\\system32\\net1 ${command.slice(command.indexOf(' ') + 1)}`,
      offset: offset + 8,
    });
  }
  return p;
}

/** Opens cmd.exe under `parent` and returns it. */
export function openCmd(ctx: Ctx, host: WinHost, parent: Proc, offset = 0): Proc {
  const cmd = spawn(ctx, host, { parent, image: `${SYS32}cmd.exe`, cmd: '"C:\\Windows\\system32\\cmd.exe" ', offset });
  spawn(ctx, host, {
    parent: cmd,
    image: `${SYS32}conhost.exe`,
    cmd: '\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1',
    offset: offset + 12,
    security: false,
  });
  return cmd;
}

/** PowerShell's `-EncodedCommand` form of a script (UTF-16LE, base64). */
export function encodePowerShell(script: string): string {
  return Buffer.from(script, 'utf16le').toString('base64');
}

/** A plausible operator password typed on a command line. */
export function typedPassword(ctx: Ctx): string {
  return ctx.rng.pick(['Spring2024!', 'Welcome1!', 'Winter2023#', 'Passw0rd!23', 'Company@2024']);
}
