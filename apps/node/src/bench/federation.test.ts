import { describe, expect, it } from 'vitest';
import { TLP_LEVELS } from '@intersoc/cti';
import { federationObjects } from './_federation-data.js';
import { measureFederation } from './federation.js';

describe('bench federation', () => {
  it('mixes every TLP level and personal data, so the policy and the minimiser do real work', async () => {
    const n = 400;
    const r = await measureFederation({ objects: n, rounds: 1, profileObjects: 200, log: () => undefined });
    const byTlp = r['objects_by_tlp'] as Record<string, number>;
    for (const level of TLP_LEVELS) expect(byTlp[level], level).toBeGreaterThan(0);

    // Every level meets the policy: RED is refused (never synced automatically), the rest
    // reach a named recipient of the sender's community.
    const outcomes = r['signed_policy_outcomes'] as Record<string, number>;
    expect(outcomes['denied red: TLP:RED is never synced automatically']).toBeGreaterThan(0);
    for (const level of ['clear', 'green', 'amber', 'amber+strict'])
      expect(outcomes[`allowed ${level}: allowed`], level).toBeGreaterThan(0);

    // The minimiser withholds indicators that name internal assets and pseudonymises the rest.
    const withheld = r['signed_privacy_withheld'] as Record<string, number>;
    expect(withheld['indicator names an internal address']).toBeGreaterThan(0);
    expect(withheld['indicator names an internal host']).toBeGreaterThan(0);
    expect(r['signed_privacy_pseudonymised_values']).toBeGreaterThan(0);

    // Counts add up: every object is withheld, refused or delivered; plain TAXII moves them all.
    const withheldTotal = Object.values(withheld).reduce((a, b) => a + b, 0);
    const decided = Object.values(outcomes).reduce((a, b) => a + b, 0);
    expect(decided).toBe(n - withheldTotal);
    expect(r['signed_delivered']).toBe(decided - (r['signed_policy_denied'] as number));
    expect(r['signed_wire_bytes_per_object']).toBeGreaterThan(0);
    expect(r['plain_wire_bytes_per_object']).toBeGreaterThan(0);
    expect(r).toMatchObject({ name: 'federation', unit: 'objects/s', objects: n, profiled_objects: 200 });
    // The profile says where the signed run's time went, as fractions that add up.
    const profile = r['signed_profile'] as Record<string, number>;
    const total = Object.values(profile).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(0.98);
    expect(total).toBeLessThan(1.02);
  });

  it('carries personal data in observables, sightings and free text', () => {
    const text = JSON.stringify(federationObjects(40, '2025-01-01T00:00:00.000Z'));
    expect(text).toMatch(/"value":"10\.\d+\.\d+\.\d+"/);
    expect(text).toContain('"type":"user-account"');
    expect(text).toContain('@victim-org.example');
    expect(text).toContain('"x_intersoc_context"');
  });
});
