import { describe, expect, it } from 'vitest';
import { checkHostile } from '../../internal/hostile.js';
import { parseWindowsFlat, parseWindowsNested, parseWindowsObject, windowsFormat } from './index.js';

const SYSMON_NESTED = {
  Event: {
    '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
    System: {
      Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon', Guid: '5770385F-C22A-43E0-BF4C-06F5698FFBD9' } },
      EventID: 1,
      Version: 5,
      Level: 4,
      Task: 1,
      Opcode: 0,
      Keywords: '0x8000000000000000',
      TimeCreated: { '#attributes': { SystemTime: '2021-03-04T10:11:12.123456Z' } },
      EventRecordID: 77,
      Correlation: null,
      Execution: { '#attributes': { ProcessID: 3000, ThreadID: 4000 } },
      Channel: 'Microsoft-Windows-Sysmon/Operational',
      Computer: 'ws01.corp.example',
      Security: { '#attributes': { UserID: 'S-1-5-18' } },
    },
    EventData: {
      UtcTime: '2021-03-04 10:11:12.100',
      ProcessId: '4242',
      Image: 'C:\\Windows\\System32\\cmd.exe',
      CommandLine: 'cmd.exe /c whoami',
      User: 'CORP\\alice',
      Hashes: 'SHA1=AA11,MD5=BB22,SHA256=CC33,IMPHASH=DD44',
      ParentProcessId: '100',
      ParentImage: 'C:\\Windows\\explorer.exe',
      ParentCommandLine: 'C:\\Windows\\explorer.exe',
    },
  },
};

/** The same event as NXLog renders it (flat, collector-specific names). */
const SYSMON_NXLOG = {
  Hostname: 'ws01.corp.example',
  host: 'wec.collector.example',
  Channel: 'Microsoft-Windows-Sysmon/Operational',
  EventID: 1,
  SourceName: 'Microsoft-Windows-Sysmon',
  ProviderGuid: '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}',
  RecordNumber: 77,
  ExecutionProcessID: 3000,
  ThreadID: 4000,
  Version: 5,
  Task: 1,
  Keywords: -9223372036854775808,
  UserID: 'S-1-5-18',
  '@timestamp': '2021-03-04T10:11:14.000Z',
  UtcTime: '2021-03-04 10:11:12.100',
  ProcessId: '4242',
  Image: 'C:\\Windows\\System32\\cmd.exe',
  CommandLine: 'cmd.exe /c whoami',
  User: 'CORP\\alice',
  Hashes: 'SHA1=AA11,MD5=BB22,SHA256=CC33,IMPHASH=DD44',
  ParentProcessId: '100',
  ParentImage: 'C:\\Windows\\explorer.exe',
  ParentCommandLine: 'C:\\Windows\\explorer.exe',
};

/** Winlogbeat 6.x: lower-case system names and `event_data`. */
const SYSMON_WINLOGBEAT6 = {
  '@timestamp': '2021-03-04T10:11:12.123Z',
  computer_name: 'ws01.corp.example',
  log_name: 'Microsoft-Windows-Sysmon/Operational',
  source_name: 'Microsoft-Windows-Sysmon',
  event_id: 1,
  record_number: '77',
  process_id: 3000,
  thread_id: 4000,
  level: 'Information',
  host: { name: 'wec.collector.example' },
  event_data: {
    ProcessId: '4242',
    Image: 'C:\\Windows\\System32\\cmd.exe',
    CommandLine: 'cmd.exe /c whoami',
    User: 'CORP\\alice',
    Hashes: 'SHA1=AA11,MD5=BB22,SHA256=CC33,IMPHASH=DD44',
    ParentProcessId: '100',
    ParentImage: 'C:\\Windows\\explorer.exe',
    ParentCommandLine: 'C:\\Windows\\explorer.exe',
  },
};

/** Winlogbeat 7.x+: everything Windows-specific under `winlog`. */
const SYSMON_WINLOGBEAT7 = {
  '@timestamp': '2021-03-04T10:11:12.123Z',
  host: { name: 'ws01' },
  winlog: {
    channel: 'Microsoft-Windows-Sysmon/Operational',
    event_id: '1',
    computer_name: 'ws01.corp.example',
    provider_name: 'Microsoft-Windows-Sysmon',
    record_id: 77,
    process: { pid: 3000, thread: { id: 4000 } },
    user: { identifier: 'S-1-5-18', name: 'SYSTEM' },
    event_data: {
      ProcessId: '4242',
      Image: 'C:\\Windows\\System32\\cmd.exe',
      CommandLine: 'cmd.exe /c whoami',
      User: 'CORP\\alice',
      ParentImage: 'C:\\Windows\\explorer.exe',
    },
  },
};

const SIGMA_FIELDS = ['Channel', 'EventID', 'Provider_Name', 'Computer', 'EventRecordID', 'TimeCreated'];

describe('windows: nested evtx_dump JSON', () => {
  it('flattens System and EventData to Sigma field names', () => {
    const r = parseWindowsNested(SYSMON_NESTED);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const f = r.value.fields;
    expect(f).toMatchObject({
      Channel: 'Microsoft-Windows-Sysmon/Operational',
      EventID: 1,
      Provider_Name: 'Microsoft-Windows-Sysmon',
      Provider_Guid: '5770385F-C22A-43E0-BF4C-06F5698FFBD9',
      Computer: 'ws01.corp.example',
      Level: 4,
      Task: 1,
      Keywords: '0x8000000000000000',
      EventRecordID: 77,
      TimeCreated: '2021-03-04T10:11:12.123456Z',
      Execution_ProcessID: 3000,
      Security_UserID: 'S-1-5-18',
      Image: 'C:\\Windows\\System32\\cmd.exe',
      CommandLine: 'cmd.exe /c whoami',
    });
    expect(r.value.time).toBe(Date.parse('2021-03-04T10:11:12.123Z'));
    expect(r.value.ecs).toMatchObject({
      'host.name': 'ws01',
      'host.hostname': 'ws01.corp.example',
      'host.domain': 'corp.example',
      'event.code': '1',
      'event.provider': 'Microsoft-Windows-Sysmon',
      'winlog.channel': 'Microsoft-Windows-Sysmon/Operational',
      'process.executable': 'C:\\Windows\\System32\\cmd.exe',
      'process.name': 'cmd.exe',
      'process.pid': 4242,
      'process.command_line': 'cmd.exe /c whoami',
      'process.parent.executable': 'C:\\Windows\\explorer.exe',
      'process.parent.name': 'explorer.exe',
      'process.parent.pid': 100,
      'user.name': 'alice',
      'user.domain': 'CORP',
      'file.hash.md5': 'bb22',
      'file.hash.sha1': 'aa11',
      'file.hash.sha256': 'cc33',
      'process.hash.md5': 'bb22',
      'process.hash.sha1': 'aa11',
      'process.hash.sha256': 'cc33',
      'event.action': 'process-created',
    });
    // The original spelling stays in the fields Sigma reads.
    expect(r.value.fields['Computer']).toBe('ws01.corp.example');
  });

  it('reads EventID with Qualifiers, named and unnamed Data items and UserData', () => {
    const r = parseWindowsNested({
      Event: {
        System: {
          Provider: { '#attributes': { Name: 'Service Control Manager' } },
          EventID: { '#attributes': { Qualifiers: 16384 }, '#text': 7045 },
          Channel: 'System',
          Computer: 'dc1',
          TimeCreated: { '#attributes': { SystemTime: '2021-01-01T00:00:00Z' } },
        },
        EventData: {
          Data: [
            { '#attributes': { Name: 'ServiceName' }, '#text': 'evil' },
            { '#attributes': { Name: 'ImagePath' }, '#text': 'C:\\evil.exe' },
            'loose',
          ],
          Binary: '00FF',
        },
      },
    });
    expect(r.ok && r.value.fields).toMatchObject({
      EventID: 7045,
      EventID_Qualifiers: 16384,
      ServiceName: 'evil',
      ImagePath: 'C:\\evil.exe',
      Data: ['loose'],
      Binary: '00FF',
    });
    expect(r.ok && r.value.ecs['file.path']).toBe('C:\\evil.exe');

    const cleared = parseWindowsNested({
      Event: {
        System: { EventID: 1102, Channel: 'Security', Keywords: '0x4020000000000000', Computer: 'fs1' },
        UserData: {
          LogFileCleared: { '#attributes': { xmlns: 'x' }, SubjectUserName: 'bob', SubjectDomainName: 'CORP' },
        },
      },
    });
    expect(cleared.ok && cleared.value.fields).toMatchObject({ SubjectUserName: 'bob', SubjectDomainName: 'CORP' });
    expect(cleared.ok && cleared.value.ecs).toMatchObject({ 'user.name': 'bob', 'event.outcome': 'success' });
  });

  it('keeps System fields when EventData has a colliding name', () => {
    const r = parseWindowsNested({ Event: { System: { EventID: 4, Channel: 'X' }, EventData: { EventID: 'spoof' } } });
    expect(r.ok && r.value.fields['EventID']).toBe(4);
  });

  it('rejects objects that are not events, with a reason', () => {
    expect(parseWindowsNested(null)).toEqual({ ok: false, reason: 'windows: record is not a JSON object' });
    expect(parseWindowsNested({ Event: { EventData: {} } })).toEqual({
      ok: false,
      reason: 'windows: no Event.System object',
    });
    expect(parseWindowsNested([1, 2])).toMatchObject({ ok: false });
  });
});

describe('windows: flat Winlogbeat/NXLog JSON', () => {
  it('produces the same Sigma field names and ECS as the nested shape', () => {
    const nested = parseWindowsNested(SYSMON_NESTED);
    for (const flat of [SYSMON_NXLOG, SYSMON_WINLOGBEAT6, SYSMON_WINLOGBEAT7]) {
      const r = parseWindowsFlat(flat);
      expect(r.ok).toBe(true);
      if (!r.ok || !nested.ok) return;
      for (const name of SIGMA_FIELDS) expect(Object.keys(r.value.fields)).toContain(name);
      for (const name of ['Channel', 'EventID', 'Provider_Name', 'Computer', 'EventRecordID', 'Image', 'CommandLine']) {
        expect([name, r.value.fields[name]]).toEqual([name, nested.value.fields[name]]);
      }
      for (const k of ['host.name', 'event.code', 'process.executable', 'process.pid', 'user.name', 'winlog.channel']) {
        expect([k, r.value.ecs[k as 'host.name']]).toEqual([k, nested.value.ecs[k as 'host.name']]);
      }
    }
  });

  it('canonicalises lower-case channels and maps Security logons', () => {
    const r = parseWindowsFlat({
      Channel: 'security',
      EventID: 4625,
      Hostname: 'WS5',
      TargetUserName: 'admin',
      TargetDomainName: 'CORP',
      IpAddress: '::ffff:10.1.2.3',
      IpPort: '51000',
      LogonType: '3',
      EventType: 'AUDIT_FAILURE',
      TimeCreated: '2020-10-26T11:58:27.997Z',
    });
    expect(r.ok && r.value.fields['Channel']).toBe('Security');
    expect(r.ok && r.value.ecs).toMatchObject({
      'user.name': 'admin',
      'user.domain': 'CORP',
      'source.ip': '10.1.2.3',
      'source.port': 51000,
      'event.outcome': 'failure',
      'event.category': 'authentication',
    });
    expect(r.ok && r.value.time).toBe(Date.parse('2020-10-26T11:58:27.997Z'));
  });

  it('maps Security 4688, WFP 5156, and Sysmon network, DNS and registry events', () => {
    const p4688 = parseWindowsFlat({
      Channel: 'Security',
      EventID: 4688,
      NewProcessName: 'C:\\x\\a.exe',
      NewProcessId: '0x1a',
      ParentProcessName: 'C:\\x\\p.exe',
      ProcessId: '0x10',
      CommandLine: 'a.exe -x',
      SubjectUserName: 'carol',
    });
    expect(p4688.ok && p4688.value.ecs).toMatchObject({
      'process.pid': 26,
      'process.parent.pid': 16,
      'process.name': 'a.exe',
      'process.parent.name': 'p.exe',
      'process.command_line': 'a.exe -x',
      'user.name': 'carol',
    });
    const wfp = parseWindowsFlat({
      Channel: 'Security',
      EventID: 5156,
      SourceAddress: '10.0.0.1',
      SourcePort: '49590',
      DestAddress: '10.0.0.2',
      DestPort: '5985',
      Protocol: '6',
      Direction: '%%14593',
    });
    expect(wfp.ok && wfp.value.ecs).toMatchObject({
      'source.ip': '10.0.0.1',
      'destination.port': 5985,
      'network.transport': 'tcp',
      'network.direction': 'outbound',
    });
    const net = parseWindowsFlat({
      Channel: 'Microsoft-Windows-Sysmon/Operational',
      EventID: 3,
      SourceIp: '10.0.0.5',
      SourcePort: '5000',
      DestinationIp: '8.8.8.8',
      DestinationPort: '53',
      Protocol: 'udp',
      Initiated: 'true',
    });
    expect(net.ok && net.value.ecs).toMatchObject({
      'destination.ip': '8.8.8.8',
      'destination.port': 53,
      'network.transport': 'udp',
      'network.direction': 'outbound',
    });
    const dns = parseWindowsFlat({ Channel: 'Microsoft-Windows-Sysmon/Operational', EventID: 22, QueryName: 'x.test' });
    expect(dns.ok && dns.value.ecs['dns.question.name']).toBe('x.test');
    const reg = parseWindowsFlat({
      Channel: 'Microsoft-Windows-Sysmon/Operational',
      EventID: 13,
      TargetObject: 'HKLM\\Run\\x',
      Details: 'c:\\x.exe',
    });
    expect(reg.ok && reg.value.ecs).toMatchObject({ 'registry.path': 'HKLM\\Run\\x', 'registry.value': 'c:\\x.exe' });
  });

  it('extracts the PowerShell host application and user from 4103 ContextInfo', () => {
    const r = parseWindowsFlat({
      Channel: 'Microsoft-Windows-PowerShell/Operational',
      EventID: 4103,
      ContextInfo:
        '  Severity = Informational\n  Host Application = powershell.exe -enc AAA\n  User = CORP\\dave\n' +
        '  Connected User = \n  Shell ID = Microsoft.PowerShell\n',
    });
    expect(r.ok && r.value.ecs).toMatchObject({
      'process.command_line': 'powershell.exe -enc AAA',
      'user.name': 'dave',
      'user.domain': 'CORP',
    });
  });

  it('extracts HostApplication and UserId from classic PowerShell 800 text', () => {
    const r = parseWindowsFlat({
      Channel: 'Windows PowerShell',
      EventID: 800,
      Message:
        'Pipeline execution details for command line: Get-Date\r\n\r\nContext Information: \r\n' +
        '\tUserId=CORP\\erin\r\n\tHostName=ConsoleHost\r\n\tHostApplication=powershell.exe -nop\r\n',
    });
    expect(r.ok && r.value.ecs).toMatchObject({
      'process.command_line': 'powershell.exe -nop',
      'user.name': 'erin',
      'user.domain': 'CORP',
    });
  });

  it('rejects JSON objects that are not Windows events', () => {
    expect(parseWindowsFlat({ a: 1 })).toEqual({
      ok: false,
      reason: 'windows: no EventID or Channel (not a Windows event)',
    });
    expect(parseWindowsObject('x')).toMatchObject({ ok: false });
  });
});

describe('windows: plug-in', () => {
  it('parses records, skips blank ones and rejects bad JSON without losing the next record', () => {
    const p = windowsFormat.open?.({}) ?? expect.unreachable();
    expect(p.parse('   ')).toEqual({ ok: 'skip' });
    const bad = p.parse('{"EventID": 1,');
    expect(bad.ok).toBe(false);
    expect(bad.ok === false && bad.reason).toMatch(/^windows: invalid JSON/);
    const good = p.parse(JSON.stringify(SYSMON_NXLOG));
    expect(good.ok === true && good.value.fields['EventID']).toBe(1);
  });

  it('survives hostile input: deep nesting, prototype keys, huge numbers, invalid text', () => {
    const p = windowsFormat.open?.({}) ?? expect.unreachable();
    const deep = '{"EventID":1,"Channel":"X","a":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}';
    const d = p.parse(deep);
    expect(d.ok === true && Object.values(d.value.fields)).toContain('[nested too deep]');
    const proto = p.parse('{"EventID":1,"Channel":"X","__proto__":{"polluted":1},"constructor":"c"}');
    expect(proto.ok).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    if (proto.ok === true) {
      expect(Object.getPrototypeOf(proto.value.fields)).toBe(Object.prototype);
      expect(proto.value.fields['__proto__.polluted']).toBe(1);
      expect(proto.value.fields['constructor']).toBe('c');
    }
    const huge = p.parse('{"EventID":1e400,"Channel":"X","n":123456789012345678901234567890}');
    expect(huge.ok === true && huge.value.fields['EventID']).toBe('Infinity');
    expect(p.parse('\uFFFD\uFFFD{').ok).toBe(false);
    expect(p.parse('x'.repeat(1 << 20)).ok).toBe(false);
    expect(p.parse('{"EventID": 2, "Channel": "Security"}').ok).toBe(true);
  });

  it('passes the shared hostile-input check for both shapes', () => {
    expect(checkHostile(windowsFormat, JSON.stringify(SYSMON_NXLOG))).toEqual([]);
    expect(checkHostile(windowsFormat, JSON.stringify(SYSMON_NESTED))).toEqual([]);
  });

  it('reuses a flat object as the fields, renaming collector spellings in place', () => {
    const obj: Record<string, unknown> = { Hostname: 'h', EventID: '7', Channel: 'System', nested: { a: 1 } };
    const r = parseWindowsFlat(obj);
    expect(r.ok && r.value.fields).toBe(obj);
    expect(obj).toEqual({ Computer: 'h', EventID: 7, Channel: 'System', 'nested.a': 1 });
  });

  it('detects nested and flat Windows JSON but not other JSON', () => {
    expect(windowsFormat.detect(JSON.stringify(SYSMON_NESTED))).toBeGreaterThan(0.9);
    expect(windowsFormat.detect(JSON.stringify(SYSMON_NXLOG))).toBeGreaterThanOrEqual(0.9);
    expect(windowsFormat.detect('{"event_type":"alert","src_ip":"1.2.3.4"}')).toBe(0);
    expect(windowsFormat.detect('<13>Jan  1 00:00:00 host x')).toBe(0);
  });
});
