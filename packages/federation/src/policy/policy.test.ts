import { describe, expect, it } from 'vitest';
import type { TlpLevel } from '@intersoc/cti';
import { decide, type PolicyInput } from './policy.js';
import { effectiveDistribution, type SharingTerms } from './terms.js';

const P = 'a'.repeat(32);
const Q = 'b'.repeat(32);
const ORIGIN = 'c'.repeat(32);

function input(tlp: TlpLevel | undefined, terms: SharingTerms, o: Partial<PolicyInput> = {}): PolicyInput {
  return {
    tlp,
    terms,
    hops: 0,
    holders: [ORIGIN],
    recipient: { nodeId: P, communities: ['energy'], active: true },
    explicit: false,
    unmarkedTlp: 'amber',
    ...o,
  };
}
const allowed = (i: PolicyInput) => decide(i).allow;

describe('TLP 2.0', () => {
  const all: SharingTerms = { distribution: 'all', communities: ['energy'], recipients: [P] };
  it('CLEAR goes anywhere and is relayed', () => {
    expect(allowed(input('clear', { distribution: 'all' }))).toBe(true);
    expect(allowed(input('clear', { distribution: 'all' }, { hops: 3 }))).toBe(true);
  });
  it('GREEN stays in the community, relays included', () => {
    expect(allowed(input('green', all))).toBe(true);
    expect(allowed(input('green', all, { hops: 2 }))).toBe(true);
    const outsider = { nodeId: Q, communities: ['finance'], active: true };
    expect(allowed(input('green', all, { recipient: outsider }))).toBe(false);
    expect(allowed(input('green', all, { recipient: outsider, hops: 1 }))).toBe(false);
    expect(allowed(input('green', { distribution: 'all' }))).toBe(false);
  });
  it('AMBER reaches only named recipients and is never relayed automatically', () => {
    expect(allowed(input('amber', all))).toBe(true);
    expect(allowed(input('amber', all, { recipient: { nodeId: Q, communities: ['energy'], active: true } }))).toBe(
      false,
    );
    expect(allowed(input('amber', all, { hops: 1 }))).toBe(false);
    expect(allowed(input('amber', all, { hops: 1, explicit: true }))).toBe(true);
  });
  it('AMBER+STRICT reaches only named recipients and is never relayed', () => {
    expect(allowed(input('amber+strict', all))).toBe(true);
    expect(allowed(input('amber+strict', all, { hops: 1, explicit: true }))).toBe(false);
    expect(allowed(input('amber+strict', { distribution: 'all' }))).toBe(false);
  });
  it('RED is never synced automatically nor relayed; only an explicit send to a named recipient', () => {
    expect(allowed(input('red', all))).toBe(false);
    expect(allowed(input('red', all, { explicit: true }))).toBe(true);
    expect(allowed(input('red', all, { explicit: true, hops: 1 }))).toBe(false);
    expect(allowed(input('red', { distribution: 'all' }, { explicit: true }))).toBe(false);
  });
  it('treats unmarked objects with the configured level, and terms can only tighten', () => {
    expect(decide(input(undefined, { distribution: 'all' })).tlp).toBe('amber');
    expect(decide(input('clear', { distribution: 'all', tlp: 'amber' })).tlp).toBe('amber');
    expect(decide(input('red', { distribution: 'all', tlp: 'clear' })).tlp).toBe('red');
  });
});

describe('MISP distribution', () => {
  it('downgrades on each transfer as MISP does', () => {
    expect([0, 1, 2].map((h) => effectiveDistribution('connected', h))).toEqual([
      'connected',
      'community',
      'organisation',
    ]);
    expect([0, 1].map((h) => effectiveDistribution('community', h))).toEqual(['community', 'organisation']);
    expect(effectiveDistribution('all', 5)).toBe('all');
    expect(effectiveDistribution('group', 5)).toBe('group');
  });
  it('organisation only never leaves; community reaches direct peers only; connected one hop further', () => {
    expect(allowed(input('clear', { distribution: 'organisation' }))).toBe(false);
    expect(allowed(input('clear', { distribution: 'community' }))).toBe(true);
    expect(allowed(input('clear', { distribution: 'community' }, { hops: 1 }))).toBe(false);
    expect(allowed(input('clear', { distribution: 'connected' }, { hops: 1 }))).toBe(true);
    expect(allowed(input('clear', { distribution: 'connected' }, { hops: 2 }))).toBe(false);
    expect(allowed(input('clear', { distribution: 'all' }, { hops: 6 }))).toBe(true);
  });
  it('sharing groups reach their members only, relays included', () => {
    const g: SharingTerms = { distribution: 'group', group: { name: 'g1', members: [P] } };
    expect(allowed(input('clear', g))).toBe(true);
    expect(allowed(input('clear', g, { hops: 2 }))).toBe(true);
    expect(allowed(input('clear', g, { recipient: { nodeId: Q, communities: [], active: true } }))).toBe(false);
  });
});

describe('peers', () => {
  it('never sends to revoked peers or back to a holder', () => {
    expect(
      allowed(input('clear', { distribution: 'all' }, { recipient: { nodeId: P, communities: [], active: false } })),
    ).toBe(false);
    expect(allowed(input('clear', { distribution: 'all' }, { holders: [ORIGIN, P] }))).toBe(false);
  });
});
