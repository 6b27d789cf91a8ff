import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { isAppError } from '@intersoc/core';
import { register } from './evtx.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const CORPORA = process.env['INTERSOC_CORPORA'] ?? path.resolve(REPO, '../shared/corpora');
const SAMPLE = path.join(CORPORA, 'evtx', 'EVTX-ATTACK-SAMPLES', 'Credential Access', 'etw_rpc_zerologon.evtx.gz');

/** Runs `intersoc evtx ...` in-process; returns what it printed. */
async function evtx(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out = { stdout: '', stderr: '' };
  stdout.on('data', (c: Buffer) => (out.stdout += c.toString()));
  stderr.on('data', (c: Buffer) => (out.stderr += c.toString()));
  const program = new Command('intersoc').exitOverride();
  register(program, { stdout, stderr });
  await program.parseAsync(['node', 'intersoc', 'evtx', ...args]);
  return out;
}

describe('intersoc evtx', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-evtx-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fails with NOT_FOUND for a missing path', async () => {
    const err = await evtx(['dump', path.join(dir, 'nope.evtx')]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isAppError(err, 'NOT_FOUND')).toBe(true);
  });

  it('rejects a bad worker count', async () => {
    const err = await evtx(['dump', dir, '--workers', 'many']).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isAppError(err, 'VALIDATION')).toBe(true);
  });

  it('reports a file that is not EVTX on stderr, with no records', async () => {
    const junk = path.join(dir, 'junk.evtx');
    writeFileSync(junk, Buffer.alloc(5000, 7));
    const { stdout, stderr } = await evtx(['dump', junk]);
    expect(stdout).toBe('');
    expect(stderr).toContain('file header at offset 0: no EVTX file signature');
    const info = JSON.parse((await evtx(['info', junk, '--json'])).stdout) as {
      records: number;
      header: { valid: boolean };
    };
    expect(info).toMatchObject({ records: 0, header: { valid: false } });
  });

  describe.skipIf(!existsSync(SAMPLE))('on a corpus file', { tags: ['corpus'] }, () => {
    it('dumps one nested JSON object per record, from .evtx.gz and from .evtx alike', async () => {
      const gz = await evtx(['dump', SAMPLE]);
      const lines = gz.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(415);
      const first = JSON.parse(lines[0] ?? '{}') as { Event: { System: { EventRecordID: number; Channel: null } } };
      expect(first.Event.System).toMatchObject({ EventRecordID: 4, Channel: null });
      expect(gz.stderr).toBe('');
      const plain = path.join(dir, 'plain.evtx');
      writeFileSync(plain, gunzipSync(readFileSync(SAMPLE)));
      expect((await evtx(['dump', plain])).stdout).toBe(gz.stdout);
      expect((await evtx(['dump', dir, '--workers', '1'])).stdout).toBe(gz.stdout);
    });

    it('prints header, chunk and record counts', async () => {
      const text = (await evtx(['info', SAMPLE])).stdout;
      expect(text).toContain('chunks 17 (14 empty); records 415 decoded of 415 declared; problems 0');
      const json = JSON.parse((await evtx(['info', SAMPLE, '--json'])).stdout) as Record<string, unknown>;
      expect(json).toMatchObject({ chunks: 17, emptyChunks: 14, records: 415, declaredRecords: 415, skipped: 0 });
    });
  });
});
