import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readEvtxBuffer } from '@intersoc/evtx';
import { recordChunks, writeChunkFile } from './_evtx-file.js';
import { countXmlEvents, failedChunk, readableChunks, runEvtxexport } from './_evtxexport.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const corpora = process.env['INTERSOC_CORPORA'] ?? path.resolve(repo, '../shared/corpora');
const samples = path.join(corpora, 'evtx', 'hayabusa-sample-evtx');
// A file evtxexport 20181227 reads, and one it stops at (a value token inside an attribute).
const readable = path.join(samples, 'DeepBlueCLI', 'smb-password-guessing-security.evtx.gz');
const unreadable = path.join(
  samples,
  'EVTX-to-MITRE-Attack',
  'Antivirus',
  'ID1116-1117-Defender threat detected.evtx.gz',
);
const installed = !spawnSync('evtxexport', ['-V']).error;

describe('evtxexport error output', () => {
  it('names the chunk it stopped at', () => {
    // As evtxexport 20181227 printed it for the 379th chunk (a record 512 bytes into it).
    const stderr = [
      'libfdata_list_get_element_value: unable to read element data at offset: 0x017a1200.',
      'libevtx_file_get_record_by_index: unable to retrieve record values: 11341.',
      'export_handle_export_file: unable to export records.',
    ].join('\n');
    expect(failedChunk(stderr)).toBe(378);
    expect(failedChunk('libfdata_list_get_element_value: unable to read element data at offset: 0x00001200.')).toBe(0);
    expect(failedChunk('Unable to open source file.')).toBeUndefined();
  });
});

describe('big files of corpus chunks (corpus)', { tags: ['corpus'] }, () => {
  it.skipIf(!existsSync(readable))('hold exactly the records of their chunks', { tags: ['corpus'] }, () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-evtx-file-'));
    try {
      const source = gunzipSync(readFileSync(readable));
      const chunks = recordChunks([source]);
      const file = path.join(dir, 'x.evtx');
      writeChunkFile(chunks, chunks.length * 2, file);
      const count = (b: Buffer) => [...readEvtxBuffer(b)].filter((i) => i.ok).length;
      const problems = [...readEvtxBuffer(readFileSync(file))].filter((i) => !i.ok);
      expect(problems).toEqual([]);
      expect(count(readFileSync(file))).toBe(2 * count(source));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Not a corpus test: it also needs Debian's libevtx-utils, which CI does not install.
describe.skipIf(!installed || !existsSync(unreadable))('readable chunks for evtxexport', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-evtxexport-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('drops the chunks it cannot read, and it then exports every record we read', () => {
    const good = recordChunks([gunzipSync(readFileSync(readable))]).slice(0, 4);
    const bad = recordChunks([gunzipSync(readFileSync(unreadable))]);
    const mixed = [...good.slice(0, 2), ...bad, ...good.slice(2)];
    // Unfiltered, it stops early: crediting it with every record of the file flattered it.
    const all = path.join(dir, 'all.evtx');
    writeChunkFile(mixed, mixed.length, all);
    const partial = path.join(dir, 'partial.xml');
    expect(runEvtxexport(all, partial).status).not.toBe(0);
    expect(countXmlEvents(partial)).toBeLessThan([...readEvtxBuffer(readFileSync(all))].filter((i) => i.ok).length);
    const probe = readableChunks(mixed, dir);
    if ('error' in probe) throw new Error(probe.error);
    expect(probe.dropped).toBe(bad.length);
    expect(probe.readable).toEqual(good);
    const file = path.join(dir, 'readable.evtx');
    writeChunkFile(probe.readable, probe.readable.length, file);
    const xml = path.join(dir, 'out.xml');
    expect(runEvtxexport(file, xml).status).toBe(0);
    expect(countXmlEvents(xml)).toBe([...readEvtxBuffer(readFileSync(file))].filter((i) => i.ok).length);
  });
});
