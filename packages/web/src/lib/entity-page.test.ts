import { describe, expect, it } from 'vitest';
import { aroundHref, entityPage, hourOfDayProfile } from './entity-page';

describe('host and user page links', () => {
  it('opens one page per machine or account, whatever the spelling', () => {
    expect(entityPage('host', 'WKS-03.corp.example.com')).toBe('/hosts/wks-03');
    expect(entityPage('host', 'CORP\\WKS-03$')).toBe('/hosts/wks-03');
    expect(entityPage('user', 'CORP\\RConti')).toBe('/users/rconti');
    expect(entityPage('user', 'rconti@corp.example.com')).toBe('/users/rconti');
  });

  it('searches five minutes either side of a moment', () => {
    const url = new URL(aroundHref('host:wks-03', 1_000_000), 'http://x');
    expect(url.pathname).toBe('/search');
    expect(url.searchParams.get('q')).toBe('host:wks-03');
    expect(url.searchParams.get('range')).toBe(`${1_000_000 - 300_000}~${1_000_000 + 300_000}`);
  });

  it('averages hourly counts by hour of the day', () => {
    const hour = 3_600_000;
    const from = new Date(2026, 0, 1, 0, 0, 0).getTime();
    // Two days: 2 then 4 events at midnight, nothing else.
    const counts = Array.from({ length: 48 }, (_, i) => (i === 0 ? 2 : i === 24 ? 4 : 0));
    const p = hourOfDayProfile(from, hour, counts);
    expect(p).toHaveLength(24);
    expect(p[0]).toBe(3);
    expect(p.slice(1).every((n) => n === 0)).toBe(true);
  });
});
