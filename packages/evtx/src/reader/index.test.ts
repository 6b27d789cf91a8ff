import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { buildFile, ChunkBuilder, eventTemplate, V } from '../internal/testing/builder.js';
import type { TemplateRef, TValue } from '../internal/testing/builder.js';
import type { EvtxItem, EvtxRecord, JsonObject } from '../types.js';
import { readEvtx, readEvtxBuffer } from './index.js';

const SYSTEM = [V.str('Prov'), V.u16(4688), V.filetime('2020-10-23T21:57:29.217Z'), V.str('Security')];

function records(items: Iterable<EvtxItem>): EvtxRecord[] {
  const out: EvtxRecord[] = [];
  for (const it of items) {
    if (!it.ok) throw new Error(`unexpected problem: ${it.reason}`);
    out.push(it.record);
  }
  return out;
}

function eventData(r: EvtxRecord | undefined): JsonObject {
  const ev = r?.event['Event'] as JsonObject;
  return ev['EventData'] as JsonObject;
}

/** One record whose EventData holds `values` under the given names. */
function single(names: string[], values: TValue[], trim?: boolean): JsonObject {
  const t = eventTemplate(
    1,
    names,
    values.map((v) => ('type' in v ? v.type : 0x21)),
  );
  const c = new ChunkBuilder();
  c.record(1, '2020-01-01T00:00:00Z', t, [...SYSTEM, ...values]);
  const opts = trim === undefined ? {} : { trim };
  return eventData(records(readEvtxBuffer(buildFile([c.finish()]), opts))[0]);
}

describe('value types', () => {
  it('renders every scalar type like evtx_dump', () => {
    const data = single(
      [
        's',
        'a',
        'i8',
        'u8',
        'i16',
        'u16',
        'i32',
        'u32',
        'i64',
        'u64',
        'big',
        'f32',
        'f64',
        'b',
        'bin',
        'g',
        'st',
        'ft',
        'sys',
        'sid',
        'h32',
        'h64',
      ],
      [
        V.str('hello'),
        V.ansi('ansi'),
        V.i8(-5),
        V.u8(250),
        V.i16(-300),
        V.u16(65000),
        V.i32(-70000),
        V.u32(4_000_000_000),
        V.i64(-5n),
        V.u64(9_007_199_254_740_991n),
        V.u64(18_446_744_073_709_551_615n),
        V.f32(0.1),
        V.f64(3.25),
        V.bool(true),
        V.binary([1, 2, 0xab]),
        V.guid('{5770385F-C22A-43E0-BF4C-06F5698FFBD9}'),
        V.sizeT(4096n),
        V.filetime('2020-10-23T21:57:29.217Z'),
        V.systemtime(2021, 3, 4, 5, 6, 7, 890),
        V.sid('S-1-5-21-1004336348-1177238915-682003330-512'),
        V.hex32(0x3e4),
        V.hex64(0x8000000000000000n),
      ],
    );
    expect(data).toEqual({
      s: 'hello',
      a: 'ansi',
      i8: -5,
      u8: 250,
      i16: -300,
      u16: 65000,
      i32: -70000,
      u32: 4_000_000_000,
      i64: -5,
      u64: 9_007_199_254_740_991,
      big: '18446744073709551615',
      f32: 0.1,
      f64: 3.25,
      b: true,
      bin: '0102AB',
      g: '5770385F-C22A-43E0-BF4C-06F5698FFBD9',
      st: 4096,
      ft: '2020-10-23T21:57:29.217000Z',
      sys: '2021-03-04T05:06:07.890000Z',
      sid: 'S-1-5-21-1004336348-1177238915-682003330-512',
      h32: '0x3e4',
      h64: '0x8000000000000000',
    });
  });

  it('keeps FILETIME microseconds exactly, before 1970 and far ahead too', () => {
    const data = single(
      ['a', 'b', 'c'],
      [V.filetime(132_479_638_492_175_620n), V.filetime(0n), V.filetime(0x7fff_ffff_ffff_ffffn)],
    );
    expect(data).toEqual({
      a: '2020-10-23T21:57:29.217562Z',
      b: '1601-01-01T00:00:00.000000Z',
      c: '+030828-09-14T02:48:05.477580Z',
    });
  });

  it('renders a 4-byte size_t, booleans, empty and null values', () => {
    const data = single(
      ['st', 'f', 'empty', 'nul', 'bin'],
      [V.sizeT(7n, 4), V.bool(false), V.str('', false), V.null(4), V.binary([])],
    );
    expect(data).toEqual({ st: 7, f: false, empty: '', nul: null, bin: null });
  });

  it('repeats the element per array item, and gives a single item as a plain value', () => {
    const data = single(
      ['many', 'one', 'nums', 'none'],
      [V.strArray(['x', 'y', '']), V.strArray(['only']), V.u16Array([1, 2]), V.strArray([])],
    );
    expect(data).toEqual({ many: ['x', 'y', null], one: 'only', nums: [1, 2], none: null });
  });

  it('trims element text like evtx_dump unless asked not to', () => {
    expect(single(['cmd'], [V.str('"cmd.exe" ')])).toEqual({ cmd: '"cmd.exe"' });
    expect(single(['cmd'], [V.str('"cmd.exe" ')], false)).toEqual({ cmd: '"cmd.exe" ' });
  });

  it('renders unknown value types as hex instead of dropping them', () => {
    expect(single(['x'], [V.raw(0x30, [0xde, 0xad])])).toEqual({ x: 'DEAD' });
  });
});

describe('BinXML structure', () => {
  const outer: TemplateRef = {
    id: 10,
    root: {
      el: 'Event',
      children: [
        {
          el: 'System',
          children: [
            {
              el: 'EventID',
              attrs: [['Qualifiers', [{ sub: 2, type: 6, optional: true }]]],
              children: [{ sub: 0, type: 6 }],
            },
            { el: 'Correlation', attrs: [['ActivityID', [{ sub: 3, type: 0x0f, optional: true }]]] },
          ],
        },
        { el: 'UserData', children: [{ sub: 1, type: 0x21 }] },
      ],
    },
  };
  const inner: TemplateRef = {
    id: 11,
    root: {
      el: 'LogFileCleared',
      attrs: [['xmlns', [{ text: 'http://x' }]]],
      children: [
        { el: 'SubjectUserName', children: [{ sub: 0, type: 1 }] },
        { el: 'Header', children: [{ text: 'a' }] },
        { el: 'Header', children: [{ text: 'b' }, { text: '&c' }] },
      ],
    },
  };

  it('decodes nested BinXML, optional substitutions, repeated names and reused templates', () => {
    const c = new ChunkBuilder();
    c.record(1, '2020-01-01T00:00:00Z', outer, [
      V.u16(1102),
      { nested: inner, values: [V.str('bob')] },
      V.u16(16384),
      V.null(),
    ]);
    c.record(2, '2020-01-01T00:00:00Z', outer, [
      V.u16(1102),
      { nested: inner, values: [V.str('eve')] },
      V.null(),
      V.guid('11111111-2222-3333-4444-555555555555'),
    ]);
    const [a, b] = records(readEvtxBuffer(buildFile([c.finish()])));
    expect(a?.event).toEqual({
      Event: {
        System: { EventID: { '#attributes': { Qualifiers: 16384 }, '#text': 1102 }, Correlation: null },
        UserData: {
          LogFileCleared: { '#attributes': { xmlns: 'http://x' }, SubjectUserName: 'bob', Header: ['a', 'b&c'] },
        },
      },
    });
    expect(b?.event).toEqual({
      Event: {
        System: {
          EventID: 1102,
          Correlation: { '#attributes': { ActivityID: '11111111-2222-3333-4444-555555555555' } },
        },
        UserData: {
          LogFileCleared: { '#attributes': { xmlns: 'http://x' }, SubjectUserName: 'eve', Header: ['a', 'b&c'] },
        },
      },
    });
    // The record time falls back to the written time when there is no TimeCreated.
    expect(a?.time).toBe(Date.parse('2020-01-01T00:00:00Z'));
  });

  it('takes the record time from System/TimeCreated and keeps record ids, chunk and offset', () => {
    const c = new ChunkBuilder();
    const at = c.record(42, '2019-01-01T00:00:00Z', eventTemplate(1, [], []), SYSTEM);
    const [r] = records(readEvtxBuffer(buildFile([c.finish()])));
    expect(r).toMatchObject({
      recordId: 42,
      time: Date.parse('2020-10-23T21:57:29.217Z'),
      chunk: 0,
      offset: 4096 + at,
    });
  });

  it('keys unnamed Data elements as Data, several of them as an array', () => {
    const t: TemplateRef = {
      id: 3,
      root: {
        el: 'Event',
        children: [
          {
            el: 'EventData',
            children: [
              { el: 'Data', children: [{ sub: 0, type: 1 }] },
              { el: 'Data', children: [{ sub: 1, type: 1 }] },
              { el: 'Binary', children: [{ sub: 2, type: 0x0e }] },
            ],
          },
        ],
      },
    };
    const c = new ChunkBuilder();
    c.record(1, '2020-01-01T00:00:00Z', t, [V.str('one'), V.str('two'), V.binary([0x10])]);
    const [r] = records(readEvtxBuffer(buildFile([c.finish()])));
    expect(r?.event).toEqual({ Event: { EventData: { Data: ['one', 'two'], Binary: '10' } } });
  });

  it('keeps a key named __proto__ as data, not as the prototype', () => {
    const data = single(['__proto__', 'constructor'], [V.str('p'), V.str('c')]);
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(JSON.stringify(data)).toBe('{"__proto__":"p","constructor":"c"}');
  });
});

describe('streaming', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'evtx-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function file(chunks: number): Buffer {
    const built: Uint8Array[] = [];
    let id = 1;
    for (let k = 0; k < chunks; k++) {
      const c = new ChunkBuilder();
      for (let i = 0; i < 20; i++)
        c.record(id++, '2020-01-01T00:00:00Z', eventTemplate(1, ['n'], [0x08]), [...SYSTEM, V.u32(id)]);
      built.push(c.finish(id - 20));
    }
    return buildFile(built);
  }

  async function collect(items: AsyncIterable<EvtxItem>): Promise<EvtxItem[]> {
    const out: EvtxItem[] = [];
    for await (const it of items) out.push(it);
    return out;
  }

  it('reads a path, a .evtx.gz path, gzip bytes and odd-sized pieces the same way', async () => {
    const bytes = file(3);
    const expected = [...readEvtxBuffer(bytes)];
    expect(expected.filter((i) => i.ok)).toHaveLength(60);
    writeFileSync(path.join(dir, 'a.evtx'), bytes);
    writeFileSync(path.join(dir, 'a.evtx.gz'), gzipSync(bytes));
    expect(await collect(readEvtx(path.join(dir, 'a.evtx')))).toEqual(expected);
    expect(await collect(readEvtx(path.join(dir, 'a.evtx.gz')))).toEqual(expected);
    expect(await collect(readEvtx(gzipSync(bytes)))).toEqual(expected);
    async function* pieces(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < bytes.length; i += 10_007) yield bytes.subarray(i, i + 10_007);
    }
    expect(await collect(readEvtx(pieces()))).toEqual(expected);
  });

  it('reports a truncated gzip stream and keeps the records before the cut', async () => {
    const gz = gzipSync(file(3));
    const items = await collect(readEvtx(gz.subarray(0, Math.floor(gz.length * 0.6))));
    const recs = items.filter((i) => i.ok);
    expect(recs.length).toBeGreaterThanOrEqual(20);
    expect(recs.length).toBeLessThan(60);
    expect(items.some((i) => !i.ok && /read error|truncated/.test(i.reason))).toBe(true);
  });

  it('rejects a missing path', async () => {
    await expect(collect(readEvtx(path.join(dir, 'missing.evtx')))).rejects.toThrow(/ENOENT/);
  });
});
