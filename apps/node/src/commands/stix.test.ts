import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { isAppError } from '@intersoc/core';
import { register } from './stix.js';

const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-stix-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

/** Runs `intersoc stix ...` in-process; returns stdout and the exit code it set. */
async function stix(args: string[]): Promise<{ out: string; code: number | undefined }> {
  process.exitCode = undefined;
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    out += String(c);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const program = new Command('intersoc').exitOverride();
  register(program);
  await program.parseAsync(['node', 'intersoc', 'stix', ...args]);
  const code = typeof process.exitCode === 'number' ? process.exitCode : undefined;
  return { out, code };
}

const indicator = {
  type: 'indicator',
  spec_version: '2.1',
  id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
  created: '2016-04-06T20:03:48.000Z',
  modified: '2016-04-06T20:03:48.000Z',
  pattern: "[ipv4-addr:value = '198.51.100.1']",
  pattern_type: 'stix',
  valid_from: '2016-01-01T00:00:00Z',
};

describe('intersoc stix', () => {
  it('validates files and directories with paths and errors', async () => {
    writeFileSync(path.join(dir, 'good.json'), JSON.stringify(indicator));
    writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ ...indicator, modified: '2010-01-01T00:00:00.000Z' }));
    const r = await stix(['validate', dir, '--json']);
    const results = JSON.parse(r.out) as { path: string; valid: boolean; errors: { path: string; rule: string }[] }[];
    expect(results.map((x) => [path.basename(x.path), x.valid])).toEqual([
      ['bad.json', false],
      ['good.json', true],
    ]);
    expect(results[0]?.errors.some((e) => e.path === '/modified')).toBe(true);
    expect(r.code).toBe(1);
  });
  it('shows best-practice warnings beside errors, and reads 2.0 bundles as 2.0', async () => {
    const sub = mkdtempSync(path.join(dir, 'warn-'));
    writeFileSync(
      path.join(sub, 'custom.json'),
      JSON.stringify({ ...indicator, lang: 'en_US', id: indicator.id.replace('-4cbf-', '-1cbf-') }),
    );
    const { spec_version: _sv, pattern_type: _pt, ...v20 } = indicator;
    writeFileSync(
      path.join(sub, 'v20.json'),
      JSON.stringify({
        type: 'bundle',
        id: 'bundle--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
        spec_version: '2.0',
        objects: [{ ...v20, labels: ['malicious-activity'], name: 'C2', description: 'C2 address' }],
      }),
    );
    const human = await stix(['validate', sub, '--schemas', path.join(dir, 'no-schemas')]).catch((e: unknown) => e);
    expect(isAppError(human, 'NOT_FOUND')).toBe(true);
    const r = await stix(['validate', sub]);
    expect(r.out).toMatch(/INVALID .*custom\.json/);
    expect(r.out).toMatch(/error {3}\/lang: "en_US" not an RFC 5646 language tag/);
    expect(r.out).toMatch(/warning \/id: the id should be a UUIDv4 .*\[uuid-check\]/);
    expect(r.out).toMatch(/warning \/: an indicator should have both name and description \[indicator-properties\]/);
    expect(r.out).toMatch(/valid {3}.*v20\.json/);
    expect(r.out).toMatch(/2 files, 1 valid, 1 invalid, \d+ warnings/);
    const json = JSON.parse((await stix(['validate', sub, '--json'])).out) as {
      path: string;
      valid: boolean;
      warnings: { rule: string }[];
    }[];
    expect(json.map((x) => [path.basename(x.path), x.valid])).toEqual([
      ['custom.json', false],
      ['v20.json', true],
    ]);
    expect(json[0]?.warnings.map((w) => w.rule)).toEqual(
      expect.arrayContaining(['uuid-check', 'indicator-properties']),
    );
    // Read as 2.1 by force, the 2.0 object lacks spec_version.
    const forced = JSON.parse(
      (await stix(['validate', path.join(sub, 'v20.json'), '--stix-version', '2.1', '--json'])).out,
    ) as {
      valid: boolean;
    }[];
    expect(forced[0]?.valid).toBe(false);
    // --strict fails on warnings alone.
    writeFileSync(
      path.join(sub, 'custom.json'),
      JSON.stringify({ ...indicator, id: indicator.id.replace('-4cbf-', '-1cbf-') }),
    );
    expect((await stix(['validate', path.join(sub, 'custom.json')])).code).toBeUndefined();
    expect((await stix(['validate', path.join(sub, 'custom.json'), '--strict'])).code).toBe(1);
  });
  it('checks patterns, with the 2.0 switch', async () => {
    expect(JSON.parse((await stix(['pattern', "[file:name = 'a']", '--json'])).out)).toEqual({ valid: true });
    const bad = await stix(['pattern', '[file:size = ]', '--json']);
    expect(JSON.parse(bad.out)).toMatchObject({ valid: false, error: expect.stringContaining('1:13') });
    expect(bad.code).toBe(1);
    expect(
      JSON.parse((await stix(['pattern', '[EXISTS file:name]', '--stix-version', '2.0', '--json'])).out).valid,
    ).toBe(false);
  });
  it('matches patterns over observed-data', async () => {
    const file = path.join(dir, 'obs.json');
    writeFileSync(
      file,
      JSON.stringify([
        {
          type: 'bundle',
          id: 'bundle--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
          objects: [
            {
              type: 'observed-data',
              spec_version: '2.1',
              id: 'observed-data--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
              created: '2024-01-01T00:00:00Z',
              modified: '2024-01-01T00:00:00Z',
              first_observed: '2024-01-01T00:00:00Z',
              last_observed: '2024-01-01T00:00:00Z',
              number_observed: 1,
              object_refs: ['file--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f'],
            },
            { type: 'file', spec_version: '2.1', id: 'file--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', name: 'evil.exe' },
          ],
        },
      ]),
    );
    expect(
      JSON.parse((await stix(['match', "[file:name = 'evil.exe']", '--observations', file, '--json'])).out),
    ).toEqual({ matched: true });
    expect(JSON.parse((await stix(['match', "[file:name = 'x']", '--observations', file, '--json'])).out)).toEqual({
      matched: false,
    });
    const err = await stix(['match', "[file:name = 'x'", '--observations', file]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isAppError(err, 'VALIDATION')).toBe(true);
    // As the reference matcher: repeated qualifiers match, a malformed timestamp in the data is an error.
    expect(
      JSON.parse(
        (
          await stix([
            'match',
            "[file:name = 'evil.exe'] REPEATS 1 TIMES REPEATS 1 TIMES",
            '--observations',
            file,
            '--json',
          ])
        ).out,
      ),
    ).toEqual({ matched: true });
    const bad = await stix(['match', "[file:name = t'2024-01-01T00:00:00Z']", '--observations', file]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isAppError(bad, 'VALIDATION')).toBe(true);
    expect((bad as Error).message).toMatch(/invalid timestamp in the data: evil.exe/);
  });
});
