/**
 * @module
 * Recognition of a few security-relevant syslog programs, enough to fill user.name, source.ip,
 * source.port, process.* and event.outcome where the message makes them obvious: sshd logins and
 * failures, sudo commands and refusals, PAM authentication failures and sessions.
 */
import type { FlatFields } from '@intersoc/core';
import { putEcs, toPort } from '../../internal/ecs.js';
import type { EcsBuilder } from '../../internal/ecs.js';

/** The word after `key` in `msg` (up to a space), or undefined. */
function wordAfter(msg: string, key: string, from = 0): string | undefined {
  const i = msg.indexOf(key, from);
  if (i < 0) return undefined;
  const start = i + key.length;
  let end = msg.indexOf(' ', start);
  if (end < 0) end = msg.length;
  const w = msg.slice(start, end);
  return w.length > 0 ? w : undefined;
}

function auth(ecs: EcsBuilder, outcome: 'success' | 'failure', action: string): void {
  ecs['event.category'] = 'authentication';
  ecs['event.outcome'] = outcome;
  ecs['event.action'] = action;
}

/** `... for [invalid user ]USER from IP port PORT ...` */
function userFromPort(msg: string, ecs: EcsBuilder, after: number): void {
  let rest = msg.slice(after);
  if (rest.startsWith('invalid user ')) rest = rest.slice(13);
  const from = rest.indexOf(' from ');
  if (from > 0) putEcs(ecs, 'user.name', rest.slice(0, from));
  putEcs(ecs, 'source.ip', wordAfter(rest, ' from '));
  putEcs(ecs, 'source.port', toPort(wordAfter(rest, ' port ')));
}

function sshd(msg: string, ecs: EcsBuilder): void {
  if (msg.startsWith('Accepted ')) {
    const f = msg.indexOf(' for ');
    if (f > 0) userFromPort(msg, ecs, f + 5);
    auth(ecs, 'success', 'ssh_login');
  } else if (msg.startsWith('Failed ')) {
    const f = msg.indexOf(' for ');
    if (f > 0) userFromPort(msg, ecs, f + 5);
    auth(ecs, 'failure', 'ssh_login');
  } else if (msg.startsWith('Invalid user ')) {
    userFromPort(msg, ecs, 13);
    auth(ecs, 'failure', 'ssh_login');
  } else if (msg.startsWith('error: maximum authentication attempts exceeded for ')) {
    userFromPort(msg, ecs, 52);
    auth(ecs, 'failure', 'ssh_login');
  } else if (msg.startsWith('Connection closed by ') || msg.startsWith('Disconnected from ')) {
    const words = msg.split(' ');
    const port = words.indexOf('port');
    if (port >= 1) {
      putEcs(ecs, 'source.ip', words[port - 1]);
      putEcs(ecs, 'source.port', toPort(words[port + 1]));
      const user = words.indexOf('user');
      if (user >= 0 && user + 2 === port) putEcs(ecs, 'user.name', words[user + 1]);
    }
  } else if (msg.startsWith('pam_unix(') || msg.startsWith('pam_')) {
    pam(msg, ecs);
  }
}

/** `pam_unix(svc:auth): authentication failure; ... rhost=IP  user=USER` and session lines. */
function pam(msg: string, ecs: EcsBuilder): void {
  if (msg.includes('authentication failure')) {
    putEcs(ecs, 'user.name', wordAfter(msg, ' user='));
    putEcs(ecs, 'source.ip', wordAfter(msg, 'rhost='));
    auth(ecs, 'failure', 'pam_authentication');
  } else if (msg.includes('session opened for user ')) {
    const u = wordAfter(msg, 'session opened for user ');
    putEcs(ecs, 'user.name', u?.endsWith('(uid=0)') ? u.slice(0, -7) : u);
    ecs['event.category'] = 'session';
    ecs['event.action'] = 'session_opened';
    ecs['event.outcome'] = 'success';
  } else if (msg.includes('session closed for user ')) {
    putEcs(ecs, 'user.name', wordAfter(msg, 'session closed for user '));
    ecs['event.category'] = 'session';
    ecs['event.action'] = 'session_closed';
  }
}

/** `  alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id` (or a refusal first). */
function sudo(msg: string, ecs: EcsBuilder, fields: FlatFields): void {
  if (msg.startsWith('pam_')) {
    pam(msg, ecs);
    return;
  }
  const sep = msg.indexOf(' : ');
  if (sep <= 0) return;
  putEcs(ecs, 'user.name', msg.slice(0, sep).trim());
  const parts = msg.slice(sep + 3).split(' ; ');
  let refused: string | undefined;
  for (const part of parts) {
    const eq = part.indexOf('=');
    const key = eq > 0 ? part.slice(0, eq) : '';
    if (key === 'TTY' || key === 'PWD' || key === 'USER' || key === 'COMMAND' || key === 'GROUP' || key === 'ENV') {
      fields['sudo.' + key.toLowerCase()] = part.slice(eq + 1);
    } else if (refused === undefined) {
      refused = part.trim();
    }
  }
  putEcs(ecs, 'user.target.name', fields['sudo.user']);
  putEcs(ecs, 'process.command_line', fields['sudo.command']);
  ecs['event.category'] = 'process';
  ecs['event.action'] = 'sudo';
  ecs['event.outcome'] = refused === undefined ? 'success' : 'failure';
  if (refused !== undefined) fields['sudo.error'] = refused;
}

/** Applies the recognisers for `app` to `msg`. */
export function recogniseProgram(app: string | undefined, msg: string, ecs: EcsBuilder, fields: FlatFields): void {
  if (app === 'sshd' || app === 'sshd-session') sshd(msg, ecs);
  else if (app === 'sudo') sudo(msg, ecs, fields);
  else if (app !== undefined && (app === 'su' || app === 'login' || app.startsWith('systemd-logind'))) pam(msg, ecs);
  else if (msg.startsWith('pam_unix(')) pam(msg, ecs);
}
