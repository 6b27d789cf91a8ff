import { describe, expect, it } from 'vitest';
import { Rng } from '../engine/prng.js';
import { buildWorld } from '../world/world.js';
import { renderWindows } from './render.js';

const world = buildWorld(new Rng(1, 'world'), 8, 12);
const T = Date.UTC(2024, 4, 6, 9, 30, 15, 123);

describe('renderWindows', () => {
  it('writes the 64-bit keywords exactly and the NXLog envelope', () => {
    const line = renderWindows(
      {
        kind: 'win',
        host: world.dc,
        channel: 'security',
        id: 4625,
        failure: true,
        data: { TargetUserName: 'bob', LogonType: '3' },
      },
      T,
      4242,
      world.collector,
      1234,
    );
    expect(line.startsWith('{"Keywords":-9218868437227405312,')).toBe(true);
    const o = JSON.parse(line) as Record<string, unknown>;
    expect(o).toMatchObject({
      '@timestamp': '2024-05-06T09:30:15.123Z',
      EventTime: '2024-05-06 09:30:15',
      Hostname: 'DC-01.corp.example.com',
      Channel: 'Security',
      EventID: 4625,
      EventType: 'AUDIT_FAILURE',
      RecordNumber: 4242,
      TargetUserName: 'bob',
      LogonType: '3',
    });
    expect(o['Message']).toBe('An account failed to log on.\r\n\r\nTargetUserName:\t\tbob\r\nLogonType:\t\t3');
  });

  it('escapes paths, quotes and control characters in fields and in the message', () => {
    const cmd = '"C:\\Windows\\system32\\cmd.exe" /c echo "a\tb"';
    const line = renderWindows(
      {
        kind: 'win',
        host: world.fs,
        channel: 'sysmon',
        id: 1,
        data: { CommandLine: cmd, Image: 'C:\\Windows\\System32\\cmd.exe' },
      },
      T,
      1,
      world.collector,
      8,
    );
    const o = JSON.parse(line) as Record<string, string>;
    expect(o['CommandLine']).toBe(cmd);
    expect(o['Image']).toBe('C:\\Windows\\System32\\cmd.exe');
    expect(o['UtcTime']).toBe('2024-05-06 09:30:15.123');
    expect(o['Message']).toBe(
      `Process Create:\r\nRuleName: -\r\nUtcTime: 2024-05-06 09:30:15.123\r\nCommandLine: ${cmd}\r\nImage: C:\\Windows\\System32\\cmd.exe`,
    );
  });

  it('renders service installs in the System channel', () => {
    const o = JSON.parse(
      renderWindows(
        {
          kind: 'win',
          host: world.dc,
          channel: 'system',
          id: 7045,
          data: { ServiceName: 'PSEXESVC', ImagePath: '%SystemRoot%\\PSEXESVC.exe' },
        },
        T,
        9,
        world.collector,
        4,
      ),
    ) as Record<string, unknown>;
    expect(o).toMatchObject({
      Channel: 'System',
      SourceName: 'Service Control Manager',
      EventID: 7045,
      ImagePath: '%SystemRoot%\\PSEXESVC.exe',
    });
  });
});
