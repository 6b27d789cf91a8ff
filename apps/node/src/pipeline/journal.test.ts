import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SourceRecord } from '@intersoc/ingest';
import { decodeSegment, encodeEntry, IngestJournal, JOURNAL_DIR, type JournalEntry } from './journal.js';

const udp = { format: '', kind: 'udp' as const, name: 'udp:127.0.0.1:5514', peer: '192.0.2.1' };
const tcp = { format: 'syslog', kind: 'tcp' as const, name: 'tcp:127.0.0.1:5514', peer: '192.0.2.2' };
const records: SourceRecord[] = [
  {
    record: '<34>Oct 11 22:14:15 host su: failed for lonvick',
    source: udp,
    format: '',
    key: 'udp:x:192.0.2.1:abc.0:0',
  },
  { record: 'same ünïcode ✓', source: udp, format: '', key: 'udp:x:192.0.2.1:abc.0:1', label: 'T1110' },
  { record: 'oversize', source: tcp, format: 'syslog', key: 'tcp:y:192.0.2.2:abc.1:7', error: 'too large' },
];
const chunk: JournalEntry = {
  kind: 'chunk',
  stream: 'http:1234',
  tenant: 'acme',
  source: { format: 'json', kind: 'http', name: 'api', peer: '10.0.0.1' },
  format: 'json',
  whole: false,
  end: true,
  bytes: Buffer.from('{"a":1}\n{"a":2}\n'),
};

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('journal frames', () => {
  it('round-trip chunks and records, labels and errors included', () => {
    const buf = Buffer.concat([encodeEntry(chunk), encodeEntry({ kind: 'records', tenant: 'default', records })]);
    const { entries, tornBytes } = decodeSegment(buf);
    expect(tornBytes).toBe(0);
    expect(entries[0]).toEqual({ ...chunk, bytes: expect.any(Buffer) });
    expect(Buffer.from((entries[0] as { bytes: Uint8Array }).bytes).toString()).toBe('{"a":1}\n{"a":2}\n');
    expect(entries[1]).toEqual({ kind: 'records', tenant: 'default', records });
  });

  it('stop at a torn or corrupt frame: what follows was never acknowledged', () => {
    const a = encodeEntry(chunk);
    const b = encodeEntry({ kind: 'records', tenant: 'default', records });
    expect(decodeSegment(Buffer.concat([a, b.subarray(0, b.length - 3)])).entries).toHaveLength(1);
    const flipped = Buffer.from(b);
    flipped.writeUInt8(flipped.readUInt8(flipped.length - 1) ^ 0xff, flipped.length - 1);
    expect(decodeSegment(Buffer.concat([a, flipped, a])).entries).toHaveLength(1);
    expect(decodeSegment(Buffer.alloc(0)).entries).toHaveLength(0);
  });
});

describe('the ingest journal', () => {
  it('keeps appended entries across a restart until they are removed, in order', async () => {
    const d = mkdtempSync(path.join(tmpdir(), 'intersoc-journal-'));
    dir = d;
    const j = IngestJournal.open(d);
    expect(j.leftover).toEqual([]);
    await Promise.all([j.append(chunk), j.append({ kind: 'records', tenant: 'default', records })]);
    const sealed = await j.rotate();
    expect(sealed).toBeDefined();
    await j.append({ ...chunk, stream: 'http:after-rotate' });
    // A crash here: the process ends without close(); both segments stay.
    const again = IngestJournal.open(d);
    expect(again.leftover).toHaveLength(2);
    const all = again.leftover.flatMap((f) => IngestJournal.read(f));
    expect(all.map((e) => (e.kind === 'chunk' ? e.stream : 'records'))).toEqual([
      'http:1234',
      'records',
      'http:after-rotate',
    ]);
    // A torn tail (crash mid-write) loses only the unfinished frame.
    const last = again.leftover[1] as string;
    appendFileSync(last, encodeEntry(chunk).subarray(0, 10));
    expect(IngestJournal.read(last)).toHaveLength(1);
    j.remove(sealed as string);
    expect(readdirSync(path.join(d, JOURNAL_DIR))).toHaveLength(1);
    await j.close();
  });

  it('fails loudly when it cannot write, instead of acknowledging', async () => {
    const d = mkdtempSync(path.join(tmpdir(), 'intersoc-journal-'));
    dir = d;
    const j = IngestJournal.open(d);
    // The journal folder is replaced by a file: no segment can be opened.
    rmSync(path.join(d, JOURNAL_DIR), { recursive: true });
    writeFileSync(path.join(d, JOURNAL_DIR), 'not a folder');
    await expect(j.append(chunk)).rejects.toThrow(/ingest journal/);
    expect(j.failed).toBeDefined();
    await expect(j.append(chunk)).rejects.toThrow(/ingest journal/);
    expect(readFileSync(path.join(d, JOURNAL_DIR), 'utf8')).toBe('not a folder');
  });
});
