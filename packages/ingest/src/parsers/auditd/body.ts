/**
 * @module
 * The key=value body of a Linux audit record (`type=SYSCALL msg=audit(1364481363.243:24287): ...`),
 * shared by the `auditd` plug-in and syslog (audispd forwards these records through syslog).
 * Quoted values are taken verbatim, hex-encoded values of the fields auditd encodes are decoded,
 * `(null)` means unset, a nested `msg='...'` (USER_* records) is parsed as well.
 */
import type { FlatFields } from '@intersoc/core';
import { putEcs, toInt } from '../../internal/ecs.js';
import type { EcsBuilder } from '../../internal/ecs.js';
import { setField } from '../../internal/fields.js';

/** Fields auditd writes hex-encoded (unquoted) when their value has spaces or control characters. */
const ENCODED = new Set([
  'proctitle',
  'name',
  'cwd',
  'comm',
  'exe',
  'path',
  'key',
  'data',
  'cmd',
  'acct',
  'old-chardev',
  'new-chardev',
  'root_dir',
  'obj',
  'subj',
  'ocomm',
  'watch',
  'dir',
]);

/** Audit record types → ECS `event.category`. */
const CATEGORY = new Map<string, string>([
  ['SYSCALL', 'process'],
  ['EXECVE', 'process'],
  ['PROCTITLE', 'process'],
  ['PATH', 'file'],
  ['CWD', 'file'],
  ['SOCKADDR', 'network'],
  ['USER_AUTH', 'authentication'],
  ['USER_LOGIN', 'authentication'],
  ['USER_START', 'session'],
  ['USER_END', 'session'],
  ['USER_ACCT', 'authentication'],
  ['USER_CMD', 'process'],
  ['CRED_ACQ', 'authentication'],
  ['CRED_DISP', 'authentication'],
  ['CRED_REFR', 'authentication'],
  ['ADD_USER', 'iam'],
  ['DEL_USER', 'iam'],
  ['ADD_GROUP', 'iam'],
  ['DEL_GROUP', 'iam'],
  ['USER_CHAUTHTOK', 'iam'],
]);

/** Outcome of parsing an audit body. */
export type AuditBody = { ok: true; time: number | undefined } | { ok: false; reason: string };

/**
 * Parses an audit record body into `fields` and `ecs`. The record must carry `type=` and
 * `msg=audit(<epoch>:<serial>)`.
 */
export function parseAuditBody(text: string, fields: FlatFields, ecs: EcsBuilder): AuditBody {
  const typeAt = text.startsWith('type=') ? 0 : text.indexOf(' type=') + 1;
  if (typeAt <= 0 && !text.startsWith('type=')) return { ok: false, reason: 'no type= field' };
  const msgAt = text.indexOf('msg=audit(', typeAt);
  if (msgAt < 0) return { ok: false, reason: 'no msg=audit(...) stamp' };
  const close = text.indexOf(')', msgAt);
  if (close < 0) return { ok: false, reason: 'unterminated msg=audit( stamp' };
  const stamp = text.slice(msgAt + 10, close);
  const colon = stamp.indexOf(':');
  const seconds = Number(colon < 0 ? stamp : stamp.slice(0, colon));
  if (colon < 0 || !Number.isFinite(seconds))
    return { ok: false, reason: `bad audit stamp ${JSON.stringify(stamp.slice(0, 40))}` };
  // Everything before msg= (node=, type=) and after the stamp's "): " is key=value.
  parsePairs(text.slice(0, msgAt), fields);
  const serial = Number(stamp.slice(colon + 1));
  fields['audit.serial'] = Number.isFinite(serial) ? serial : stamp.slice(colon + 1);
  fields['audit.time'] = stamp.slice(0, colon);
  let rest = close + 1;
  if (text.charCodeAt(rest) === 58) rest++;
  parsePairs(text.slice(rest), fields);
  project(fields, ecs);
  return { ok: true, time: Math.round(seconds * 1000) };
}

/** Parses `k=v k2="v 2" msg='nested k=v'` pairs into fields (first spelling of a key wins). */
function parsePairs(s: string, fields: FlatFields): void {
  const n = s.length;
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    // Spaces and the GS (0x1d) separator before enriched fields.
    if (c === 32 || c === 0x1d || c === 9) {
      i++;
      continue;
    }
    const eq = s.indexOf('=', i);
    if (eq < 0) break;
    const sp = nextSep(s, i);
    if (sp < eq) {
      // A bare word without '=': skip it.
      i = sp;
      continue;
    }
    const key = s.slice(i, eq);
    let value: string;
    let quoted = false;
    const q = s.charCodeAt(eq + 1);
    if (q === 34 || q === 39) {
      const end = s.indexOf(q === 34 ? '"' : "'", eq + 2);
      const stop = end < 0 ? n : end;
      value = s.slice(eq + 2, stop);
      i = stop + 1;
      quoted = true;
      if (q === 39 && key === 'msg') {
        parsePairs(value, fields);
        continue;
      }
    } else {
      const stop = nextSep(s, eq + 1);
      value = s.slice(eq + 1, stop);
      i = stop;
    }
    if (key.length === 0 || Object.prototype.hasOwnProperty.call(fields, key)) continue;
    if (!quoted && value === '(null)') continue;
    setField(fields, key, quoted ? value : decodeValue(key, value, fields));
  }
}

function nextSep(s: string, from: number): number {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 32 || c === 0x1d || c === 9) return i;
  }
  return s.length;
}

/** Values stay text (like Windows event data), so `uid=0` and `uid=1000` compare the same way. */
function decodeValue(key: string, v: string, fields: FlatFields): string {
  const execArg = fields['type'] === 'EXECVE' && key.length > 1 && key.charCodeAt(0) === 97 && isDigits(key, 1);
  if ((ENCODED.has(key) || execArg) && v.length >= 2 && v.length % 2 === 0 && isHex(v)) {
    // proctitle and argv separate arguments with NUL.
    return Buffer.from(v, 'hex').toString('utf8').replaceAll('\0', ' ').trimEnd();
  }
  return v;
}

function isDigits(s: string, from: number): boolean {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return s.length > from;
}

function isHex(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 70))) return false;
  }
  return true;
}

function project(f: FlatFields, ecs: EcsBuilder): void {
  const type = f['type'];
  if (typeof type === 'string') {
    ecs['event.action'] = type.toLowerCase();
    const category = CATEGORY.get(type);
    if (category !== undefined) ecs['event.category'] = category;
  }
  putEcs(ecs, 'host.name', f['node']);
  putEcs(ecs, 'process.pid', toInt(f['pid']));
  putEcs(ecs, 'process.parent.pid', toInt(f['ppid']));
  const exe = f['exe'];
  putEcs(ecs, 'process.executable', exe);
  putEcs(ecs, 'process.name', f['comm']);
  putEcs(ecs, 'user.name', f['acct'] ?? f['AUID'] ?? f['UID']);
  const addr = f['addr'];
  if (typeof addr === 'string' && addr !== '?') putEcs(ecs, 'source.ip', addr);
  if (type === 'EXECVE') {
    const argc = toInt(f['argc']) ?? 0;
    const args: string[] = [];
    for (let k = 0; k < argc && k < 1024; k++) {
      const a = f['a' + k];
      if (a === undefined) break;
      args.push(String(a));
    }
    if (args.length > 0) putEcs(ecs, 'process.command_line', args.join(' '));
  } else if (type === 'PROCTITLE') {
    putEcs(ecs, 'process.command_line', f['proctitle']);
  } else if (type === 'PATH') {
    putEcs(ecs, 'file.path', f['name']);
  }
  const success = f['success'];
  const res = f['res'] ?? f['result'];
  if (success === 'yes' || res === 'success' || res === 1) ecs['event.outcome'] = 'success';
  else if (success === 'no' || res === 'failed' || res === 0) ecs['event.outcome'] = 'failure';
}
