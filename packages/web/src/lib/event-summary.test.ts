import { describe, expect, it } from 'vitest';
import type { SocEvent } from '../api/types';
import { eventSummary } from './event-summary';

function ev(ecs: SocEvent['ecs'], raw = '{"x":1}'): SocEvent {
  return {
    id: 'e',
    time: 0,
    ingested: 0,
    tenant: 't',
    source: { format: 'json', kind: 'file', name: 'f' },
    raw,
    fields: {},
    ecs,
  } as SocEvent;
}

describe('event summaries', () => {
  it('shows the addresses, ports and protocol of network rows', () => {
    expect(
      eventSummary(
        ev({
          'source.ip': '10.0.0.5',
          'source.port': 51000,
          'destination.ip': '203.0.113.9',
          'destination.port': 443,
          'network.transport': 'tcp',
          'url.full': 'https://x.example/a',
        }),
      ),
    ).toBe('10.0.0.5:51000 → 203.0.113.9:443 · tcp · https://x.example/a');
    expect(eventSummary(ev({ 'source.ip': '2001:db8::1', 'source.port': 53 }))).toBe('[2001:db8::1]:53 → ?');
  });

  it('says who ran what for process rows, and falls back to the message, then the raw record', () => {
    expect(
      eventSummary(
        ev({
          'user.name': 'rconti',
          'process.command_line': 'psexec.exe \\\\dc1 cmd',
          'process.parent.name': 'cmd.exe',
        }),
      ),
    ).toBe('rconti ran psexec.exe \\\\dc1 cmd · from cmd.exe');
    expect(eventSummary(ev({ message: 'Accepted password for root' }))).toBe('Accepted password for root');
    expect(eventSummary(ev({}, 'raw line'))).toBe('raw line');
  });
});
