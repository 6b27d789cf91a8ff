import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { register } from './predict.js';

const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-predict-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

async function predict(args: string[]): Promise<string> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    out += String(c);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const program = new Command('intersoc').exitOverride();
  register(program);
  await program.parseAsync(['node', 'intersoc', 'predict', ...args]);
  return out;
}

interface Scored {
  id: string;
  score: number;
}

describe('intersoc predict next (the contract)', () => {
  it('prints tactics as TA ids and techniques, sorted by score, for --techniques', async () => {
    const out = JSON.parse(await predict(['next', '--techniques', 'T1566.001,T1204.002', '--json'])) as {
      tactics: Scored[];
      techniques: Scored[];
    };
    expect(Object.keys(out).sort()).toEqual(['tactics', 'techniques']);
    expect(out.tactics.length).toBeGreaterThan(3);
    for (const t of out.tactics) expect(t.id).toMatch(/^TA\d{4}$/);
    for (const t of out.techniques) expect(t.id).toMatch(/^T\d{4}(\.\d{3})?$/);
    for (const list of [out.tactics, out.techniques])
      for (let i = 1; i < list.length; i++) expect(list[i - 1]?.score ?? 0).toBeGreaterThanOrEqual(list[i]?.score ?? 0);
    expect(out.techniques.map((t) => t.id)).not.toContain('T1204.002');
  });

  it('answers every JSONL line with the same object plus its id, in order', async () => {
    const input = path.join(dir, 'in.jsonl');
    const output = path.join(dir, 'out.jsonl');
    writeFileSync(input, '{"id":"a","techniques":["T1566.001","T1204.002"]}\n\n{"id":"b","techniques":["T1190"]}\n');
    await predict(['next', '--input', input, '--output', output]);
    const lines = readFileSync(output, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l['id'])).toEqual(['a', 'b']);
    const single = JSON.parse(await predict(['next', '--techniques', 'T1566.001,T1204.002', '--json'])) as object;
    const { id: _id, ...rest } = lines[0] ?? {};
    expect(rest).toEqual(single);
  });

  it('refuses malformed lines with the line number', async () => {
    const input = path.join(dir, 'bad.jsonl');
    writeFileSync(input, '{"id":"a","techniques":["T1566.001"]}\n{"id":"b","techniques":"T1190"}\n');
    await expect(predict(['next', '--input', input, '--output', path.join(dir, 'o.jsonl')])).rejects.toThrow(
      /bad.jsonl:2/,
    );
    await expect(predict(['next', '--input', input])).rejects.toThrow(/--output/);
    await expect(predict(['next', '--json'])).rejects.toThrow(/--techniques or --input/);
  });
});
