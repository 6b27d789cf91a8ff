import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildFile, ChunkBuilder, eventTemplate, V } from '../internal/testing/builder.js';
import type { TemplateRef } from '../internal/testing/builder.js';
import type { EvtxOptions } from '../types.js';
import { readEvtxBuffer } from './index.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const CORPORA = process.env['INTERSOC_CORPORA'] ?? path.resolve(REPO, '../shared/corpora');
const SAMPLES = [
  'evtx/EVTX-ATTACK-SAMPLES/AutomatedTestingTools/Malware/rundll32_cmd_schtask.evtx.gz',
  'evtx/EVTX-ATTACK-SAMPLES/Credential Access/etw_rpc_zerologon.evtx.gz',
  'evtx/EVTX-ATTACK-SAMPLES/Defense Evasion/DE_WinEventLogSvc_Crash_System_7036.evtx.gz',
  'evtx/hayabusa-sample-evtx/YamatoSecurity/ImpairDefenses/T1562.010_DowngradeAttack_PowerShell.evtx.gz',
];

/** Deterministic PRNG (mulberry32), so a failing case can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fixture(): Buffer {
  const nested: TemplateRef = {
    id: 9,
    root: { el: 'Inner', children: [{ el: 'V', children: [{ sub: 0, type: 1 }] }] },
  };
  const t = eventTemplate(1, ['a', 'b', 'c', 'd', 'e'], [0x01, 0x81, 0x11, 0x13, 0x21]);
  const chunks: Uint8Array[] = [];
  let id = 1;
  for (let k = 0; k < 2; k++) {
    const c = new ChunkBuilder();
    for (let i = 0; i < 12; i++, id++) {
      c.record(id, '2022-02-02T02:02:02Z', t, [
        V.str('P'),
        V.u16(1),
        V.filetime('2022-02-02T02:02:02Z'),
        V.str('C'),
        V.str(`value ${id}`),
        V.strArray(['x', 'y']),
        V.filetime(BigInt(id) * 1_000_000_000n),
        V.sid('S-1-5-18'),
        { nested, values: [V.str('n')] },
      ]);
    }
    chunks.push(c.finish(id - 12));
  }
  return buildFile(chunks);
}

/** A chunk with a valid signature and checksums whose body is random, sprinkled with record signatures. */
function randomChunk(r: () => number): Buffer {
  const c = Buffer.alloc(65536);
  for (let i = 0; i < c.length; i++) c[i] = (r() * 256) | 0;
  c.write('ElfChnk\0', 0, 'latin1');
  const free = 512 + ((r() * 65000) | 0);
  c.writeUInt32LE(free, 48);
  for (let k = 0; k < 40; k++) {
    const at = 512 + ((r() * 64000) | 0);
    c.writeUInt32LE(0x2a2a, at);
    c.writeUInt32LE(28 + ((r() * 2000) | 0), at + 4);
  }
  c.writeUInt32LE(crc32(c.subarray(512, Math.min(free, 65536))) >>> 0, 52);
  c.writeUInt32LE(crc32(c.subarray(128, 512), crc32(c.subarray(0, 120))) >>> 0, 124);
  return c;
}

function mutate(base: Buffer, r: () => number): Buffer {
  const b = Buffer.from(base);
  const kind = (r() * 6) | 0;
  const pick = (): number => (r() * b.length) | 0;
  switch (kind) {
    case 0: // scattered byte flips
      for (let i = 0, n = 1 + ((r() * 40) | 0); i < n; i++) b[pick()] = (r() * 256) | 0;
      return b;
    case 1: {
      // a run of random bytes
      const at = pick();
      for (let i = at; i < Math.min(b.length, at + 1 + ((r() * 400) | 0)); i++) b[i] = (r() * 256) | 0;
      return b;
    }
    case 2: // truncation
      return b.subarray(0, pick());
    case 3: {
      // extreme 32-bit values where sizes and offsets live
      for (let i = 0, n = 1 + ((r() * 8) | 0); i < n; i++) {
        const at = Math.max(0, Math.min(pick() & ~3, b.length - 4));
        b.writeUInt32LE([0, 1, 0xffff, 0xffffffff, 4096, 65535][(r() * 6) | 0] ?? 0, at);
      }
      return b;
    }
    case 4: // a random chunk appended
      return Buffer.concat([b.subarray(0, 4096 + Math.floor((b.length - 4096) / 65536) * 65536), randomChunk(r)]);
    default: {
      // a range zeroed
      const at = pick();
      b.fill(0, at, at + ((r() * 3000) | 0));
      return b;
    }
  }
}

/** Runs the reader to the end; returns counts, or throws what the reader threw. */
function run(
  b: Buffer,
  options: EvtxOptions,
): { records: number; problems: number; chunks: number; internal: string[] } {
  let records = 0;
  let problems = 0;
  const internal: string[] = [];
  for (const item of readEvtxBuffer(b, options)) {
    if (item.ok) {
      if (typeof item.record.recordId !== 'number' || typeof item.record.event['Event'] !== 'object')
        throw new Error('bad record');
      records++;
    } else {
      // A reader bug surfaces as an "internal error" problem: fuzzing must find none.
      if (item.reason.includes('internal error')) internal.push(item.reason);
      problems++;
    }
  }
  return { records, problems, chunks: Math.max(0, Math.ceil((b.length - 4096) / 65536)), internal };
}

describe('fuzzing', () => {
  const bases: [string, Buffer][] = [['fixture', fixture()]];
  for (const s of SAMPLES) {
    const p = path.join(CORPORA, s);
    if (existsSync(p)) bases.push([s, gunzipSync(readFileSync(p))]);
  }

  it('never throws, never hangs, and bounds its problem reports on mutated files', () => {
    const max = 8;
    let cases = 0;
    for (const [name, base] of bases) {
      for (let seed = 1; seed <= 80; seed++) {
        const input = mutate(base, rng(seed * 7919 + name.length));
        for (const carve of [false, true]) {
          let res: ReturnType<typeof run> | undefined;
          expect(() => (res = run(input, { maxProblemsPerChunk: max, carve })), `${name} seed ${seed}`).not.toThrow();
          // Per chunk at most `max` problems plus one summary line; plus a few file-level ones.
          expect(res?.problems ?? 0, `${name} seed ${seed}`).toBeLessThanOrEqual((res?.chunks ?? 0) * (max + 1) + 3);
          expect(res?.internal, `${name} seed ${seed}`).toEqual([]);
          cases++;
        }
      }
    }
    expect(cases).toBe(bases.length * 160);
  });

  it('survives random chunks and pure noise', () => {
    const r = rng(42);
    for (let i = 0; i < 30; i++) {
      const chunks = [randomChunk(r), randomChunk(r)];
      const file = Buffer.concat([fixture().subarray(0, 4096), ...chunks]);
      expect(run(file, { carve: i % 2 === 0 }).internal).toEqual([]);
      const noise = Buffer.alloc(4096 + 65536 + ((r() * 1000) | 0));
      for (let k = 0; k < noise.length; k++) noise[k] = (r() * 256) | 0;
      expect(run(noise, {}).records).toBe(0);
    }
  });

  it('stops a record that would expand exponentially', () => {
    // Each template holds two elements of the next substitution's nested template: 2^20 leaves.
    const c = new ChunkBuilder();
    let inner: TemplateRef = { id: 100, root: { el: 'Leaf', children: [{ text: 'x' }] } };
    let values: Parameters<ChunkBuilder['record']>[3] = [];
    for (let level = 0; level < 20; level++) {
      const t: TemplateRef = {
        id: 200 + level,
        root: {
          el: `L${level}`,
          children: [
            { sub: 0, type: 0x21 },
            { sub: 0, type: 0x21 },
          ],
        },
      };
      values = [{ nested: inner, values }];
      inner = t;
    }
    c.record(1, '2020-01-01T00:00:00Z', { id: 1, root: { el: 'Event', children: [{ sub: 0, type: 0x21 }] } }, [
      { nested: inner, values },
    ]);
    const items = [...readEvtxBuffer(buildFile([c.finish()]))];
    expect(items).toHaveLength(1);
    expect(items[0]?.ok).toBe(false);
    expect(!items[0]?.ok && items[0]?.reason).toMatch(/expands to more than/);
  });
});
