/**
 * @module
 * Renders Windows events as flat NXLog (im_msvistalog) JSON, the shape of the mordor datasets:
 * collector envelope, provider metadata, EventData fields at the top level and a `Message`.
 * The channel's audit keywords are 64-bit integers that a JS number cannot hold exactly, so
 * they are spliced in as text.
 */
import type { WinPending } from '../engine/scheduler.js';

interface SecurityMeta {
  readonly task: number;
  readonly category: string;
  readonly version: number;
  readonly title: string;
}

const SECURITY: Readonly<Record<number, SecurityMeta>> = {
  4624: { task: 12544, category: 'Logon', version: 2, title: 'An account was successfully logged on.' },
  4625: { task: 12544, category: 'Logon', version: 0, title: 'An account failed to log on.' },
  4634: { task: 12545, category: 'Logoff', version: 0, title: 'An account was logged off.' },
  4672: { task: 12548, category: 'Special Logon', version: 0, title: 'Special privileges assigned to new logon.' },
  4688: { task: 13312, category: 'Process Creation', version: 2, title: 'A new process has been created.' },
  4697: {
    task: 12289,
    category: 'Security System Extension',
    version: 0,
    title: 'A service was installed in the system.',
  },
  4698: { task: 12804, category: 'Other Object Access Events', version: 0, title: 'A scheduled task was created.' },
  4720: { task: 13824, category: 'User Account Management', version: 0, title: 'A user account was created.' },
  4722: { task: 13824, category: 'User Account Management', version: 0, title: 'A user account was enabled.' },
  4732: {
    task: 13826,
    category: 'Security Group Management',
    version: 0,
    title: 'A member was added to a security-enabled local group.',
  },
  4768: {
    task: 14339,
    category: 'Kerberos Authentication Service',
    version: 0,
    title: 'A Kerberos authentication ticket (TGT) was requested.',
  },
  4769: {
    task: 14337,
    category: 'Kerberos Service Ticket Operations',
    version: 0,
    title: 'A Kerberos service ticket was requested.',
  },
  4776: {
    task: 14336,
    category: 'Credential Validation',
    version: 0,
    title: 'The computer attempted to validate the credentials for an account.',
  },
  5140: { task: 12808, category: 'File Share', version: 1, title: 'A network share object was accessed.' },
  5145: {
    task: 12811,
    category: 'Detailed File Share',
    version: 0,
    title: 'A network share object was checked to see whether client can be granted desired access.',
  },
};

const SYSMON: Readonly<Record<number, readonly [version: number, title: string]>> = {
  1: [5, 'Process Create:'],
  3: [5, 'Network connection detected:'],
  7: [3, 'Image loaded:'],
  10: [3, 'Process accessed:'],
  11: [2, 'File created:'],
  12: [2, 'Registry object added or deleted:'],
  13: [2, 'Registry value set:'],
  22: [5, 'Dns query:'],
};

const KW_SUCCESS = '-9214364837600034816';
const KW_FAILURE = '-9218868437227405312';
const KW_SYSMON = '-9223372036854775808';
const KW_SCM = '-9187343239835811840';

/** `YYYY-MM-DD HH:MM:SS` (NXLog EventTime, host clocks on UTC) from an ISO time. */
function eventTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** `YYYY-MM-DD HH:MM:SS.mmm` (Sysmon UtcTime). */
export function utcTime(t: number): string {
  const iso = new Date(t).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;
const NEEDS_FULL_ESCAPE = /["\u0000-\u001f]/;

/**
 * JSON string body (without quotes) of a value. Most Windows values only need their
 * backslashes doubled, which is cheaper than a full JSON.stringify.
 */
function esc(v: string | number): string {
  if (typeof v === 'number') return String(v);
  if (!NEEDS_ESCAPE.test(v)) return v;
  if (!NEEDS_FULL_ESCAPE.test(v)) return v.replaceAll('\\', '\\\\');
  return JSON.stringify(v).slice(1, -1);
}

/** A JSON value: numbers as they are, strings quoted and escaped. */
function q(v: string | number): string {
  return typeof v === 'number' ? String(v) : `"${esc(v)}"`;
}

/**
 * Renders one Windows event. `recordNumber` is the channel's sequence on that host.
 * The JSON is assembled as text: objects of this many keys built by spreading fall off V8's
 * fast paths and cost twenty times more to build and stringify.
 */
export function renderWindows(
  p: WinPending,
  t: number,
  recordNumber: number,
  collector: string,
  thread: number,
): string {
  const h = p.host;
  const failure = p.failure === true;
  const iso = new Date(t).toISOString();
  let keywords: string;
  let provider: string;
  let title: string;
  let sep: string;
  let head: string;
  if (p.channel === 'sysmon') {
    keywords = KW_SYSMON;
    const meta = SYSMON[p.id] ?? [1, 'Sysmon event:'];
    title = meta[1];
    sep = ' ';
    const utc = `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
    head = `\\r\\nRuleName: -\\r\\nUtcTime: ${utc}`;
    provider =
      `"Channel":"Microsoft-Windows-Sysmon/Operational","SourceName":"Microsoft-Windows-Sysmon",` +
      `"ProviderGuid":"{5770385F-C22A-43E0-BF4C-06F5698FFBD9}","EventID":${p.id},"Version":${meta[0]},"Task":${p.id},` +
      `"OpcodeValue":0,"EventType":"INFO","Severity":"INFO","SeverityValue":2,"RecordNumber":${recordNumber},` +
      `"ExecutionProcessID":${h.system.sysmonPid},"ThreadID":${thread},"AccountName":"SYSTEM","AccountType":"User",` +
      `"Domain":"NT AUTHORITY","UserID":"S-1-5-18","RuleName":"-","UtcTime":"${utc}"`;
  } else if (p.channel === 'system') {
    keywords = KW_SCM;
    title = 'A service was installed in the system.';
    sep = '  ';
    head = '\\r\\n';
    provider =
      `"Channel":"System","SourceName":"Service Control Manager","ProviderGuid":"{555908D1-A6D7-4695-8E1E-26931D2012F4}",` +
      `"EventID":${p.id},"Version":0,"Task":0,"OpcodeValue":0,"EventType":"INFO","Severity":"INFO","SeverityValue":2,` +
      `"RecordNumber":${recordNumber},"ExecutionProcessID":${h.system.services.pid},"ThreadID":${thread}`;
  } else {
    keywords = failure ? KW_FAILURE : KW_SUCCESS;
    const meta = SECURITY[p.id] ?? { task: 0, category: '-', version: 0, title: 'Security event.' };
    title = meta.title;
    sep = '\\t\\t';
    head = '\\r\\n';
    provider =
      `"Channel":"Security","SourceName":"Microsoft-Windows-Security-Auditing",` +
      `"ProviderGuid":"{54849625-5478-4994-A5BA-3E3B0328C30D}","EventID":${p.id},"Version":${meta.version},` +
      `"Task":${meta.task},"Category":${q(meta.category)},"Opcode":"Info","OpcodeValue":0,` +
      `"EventType":"${failure ? 'AUDIT_FAILURE' : 'AUDIT_SUCCESS'}","Severity":"${failure ? 'ERROR' : 'INFO'}",` +
      `"SeverityValue":${failure ? 4 : 2},"RecordNumber":${recordNumber},"ExecutionProcessID":${h.system.lsass.pid},` +
      `"ThreadID":${thread}`;
  }
  let out =
    `{"Keywords":${keywords},"@timestamp":"${iso}","@version":"1",` +
    `"EventTime":"${eventTime(iso)}","EventReceivedTime":"${eventTime(new Date(t + 1000 + (thread % 1500)).toISOString())}",` +
    `"Hostname":${q(h.fqdn)},"host":${q(collector)},"SourceModuleName":"eventlog","SourceModuleType":"im_msvistalog",` +
    provider;
  // The message repeats the fields; it is built from the already escaped values, so escape
  // sequences for its line breaks and tabs are written out directly.
  let message = esc(title) + head;
  const data = p.data;
  for (const k in data) {
    const v = data[k] as string | number;
    const e = esc(v);
    out += typeof v === 'number' ? `,"${k}":${e}` : `,"${k}":"${e}"`;
    message += `\\r\\n${k}:${sep}${e}`;
  }
  return `${out},"Message":"${message}"}`;
}
