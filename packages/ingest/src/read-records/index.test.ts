import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { isAppError } from '@intersoc/core';
import type { FileRecord } from './index.js';
import { readRecords } from './index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
}

async function all(p: string, options = {}): Promise<FileRecord[]> {
  const out: FileRecord[] = [];
  for await (const r of readRecords(p, options)) out.push(r);
  return out;
}

const win = (id: number) => JSON.stringify({ Hostname: 'ws1', Channel: 'Security', EventID: id, TargetUserName: 'u' });

describe('readRecords', () => {
  it('reads gzipped NDJSON transparently, detects the format and keeps offsets', async () => {
    const text = `${win(4624)}\n${win(4625)}\n`;
    const records = await all(file('events.jsonl.gz', gzipSync(text)));
    expect(records.map((r) => [r.ok, r.format, r.offset])).toEqual([
      [true, 'windows', 0],
      [true, 'windows', win(4624).length + 1],
    ]);
    expect(records[1]?.ok === true && records[1].record.fields['EventID']).toBe(4625);
    expect(records[0]?.raw).toBe(win(4624));
  });

  it('reads pretty-printed evtx_dump JSON with Record lines', async () => {
    const ev = (n: number) =>
      JSON.stringify(
        { Event: { System: { EventID: n, EventRecordID: n, Channel: 'System', Computer: 'c' } } },
        null,
        2,
      );
    const records = await all(file('dump.json', `Record 1\n${ev(1)}\nRecord 2\n${ev(2)}\n`));
    expect(records.map((r) => r.ok && r.record.fields['EventID'])).toEqual([1, 2]);
    expect(records.every((r) => r.format === 'windows')).toBe(true);
  });

  it('yields rejections with reason, raw and offset, and never loses the following records', async () => {
    const lines = [
      '<13>Jun 14 08:00:01 h app: one',
      'not syslog at all',
      '<13>Jun 14 08:00:02 h app: ' + 'x'.repeat(300),
      '<13>Jun 14 08:00:03 h app: three',
    ];
    const records = await all(file('sys.log', lines.join('\n') + '\n'), { maxRecordBytes: 200 });
    expect(records.map((r) => (r.ok ? `ok@${r.offset}` : `${r.reason}@${r.offset}`))).toEqual([
      'ok@0',
      `syslog: no PRI and no timestamp@${lines[0]!.length + 1}`,
      `syslog: record longer than 200 bytes@${lines[0]!.length + lines[1]!.length + 2}`,
      `ok@${lines[0]!.length + lines[1]!.length + lines[2]!.length + 3}`,
    ]);
    expect(records[1]?.raw).toBe('not syslog at all');
  });

  it('flags invalid UTF-8 on records that still parse', async () => {
    const bytes = Buffer.concat([
      Buffer.from('<13>Jun 14 08:00:01 h app: caf'),
      Buffer.from([0xe9]),
      Buffer.from('\n'),
    ]);
    const [r] = await all(file('latin1.log', bytes), { format: 'syslog' });
    expect(r).toMatchObject({ ok: true, invalidUtf8: true, raw: '<13>Jun 14 08:00:01 h app: caf\uFFFD' });
  });

  it('honours an explicit format and skips header lines', async () => {
    const tsv = '#fields\tts\tuid\n#types\ttime\tstring\n1.5\tC1\n';
    const records = await all(file('x.txt', tsv), { format: 'zeek' });
    expect(records).toHaveLength(1);
    expect(records[0]?.ok === true && records[0].record.fields).toEqual({ ts: 1.5, uid: 'C1' });
  });

  it('throws AppErrors for missing files, unknown formats and undetectable content', async () => {
    await expect(all(path.join(dir, 'missing.log'))).rejects.toSatisfy((e) => isAppError(e, 'NOT_FOUND'));
    await expect(all(file('a.log', 'x\n'), { format: 'nope' })).rejects.toSatisfy((e) => isAppError(e, 'UNSUPPORTED'));
    await expect(all(file('b.bin', 'lorem ipsum\n'))).rejects.toSatisfy((e) => isAppError(e, 'UNSUPPORTED'));
  });

  it('reports corrupt gzip as an AppError', async () => {
    const gz = gzipSync('{"a":1}\n'.repeat(1000));
    const broken = Buffer.concat([gz.subarray(0, 20), Buffer.alloc(50, 7)]);
    await expect(all(file('bad.json.gz', broken), { format: 'json' })).rejects.toSatisfy((e) => isAppError(e, 'PARSE'));
  });

  it('closes the file when the caller stops early', async () => {
    const p = file('many.jsonl', `${win(1)}\n`.repeat(10_000));
    let n = 0;
    for await (const _ of readRecords(p)) if (++n === 3) break;
    expect(n).toBe(3);
  });
});
