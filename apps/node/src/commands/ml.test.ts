import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { register } from './ml.js';

const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-ml-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

async function ml(args: string[]): Promise<unknown> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    out += String(c);
    return true;
  });
  const program = new Command('intersoc').exitOverride();
  register(program);
  await program.parseAsync(['node', 'intersoc', 'ml', ...args, '--data', path.join(dir, 'data'), '--json']);
  return JSON.parse(out) as unknown;
}

/** CIC-like rows: DoS flows are long with many forward packets; scans are tiny; the rest benign. */
function csv(file: string, rows: number, seed: number): string[] {
  let s = seed;
  const r = (): number => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const labels: string[] = [];
  const lines = ['Flow ID,Src IP,Dst Port,Flow Duration,Total Fwd Packet,Protocol,Label'];
  for (let i = 0; i < rows; i++) {
    const k = r();
    const label = k < 0.6 ? 'BENIGN' : k < 0.8 ? 'DoS' : 'Portscan';
    const duration = label === 'DoS' ? 5e6 + r() * 1e6 : label === 'Portscan' ? r() * 50 : 1e3 + r() * 1e6;
    const packets = label === 'DoS' ? 200 + Math.floor(r() * 50) : label === 'Portscan' ? 1 : 2 + Math.floor(r() * 40);
    const port = label === 'Portscan' ? Math.floor(r() * 60000) : [80, 443, 53][Math.floor(r() * 3)];
    lines.push(`f${i},10.0.0.${i % 250},${port},${duration.toFixed(0)},${packets},6,${label}`);
    labels.push(label);
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return labels;
}

describe('intersoc ml', () => {
  const train = path.join(dir, 'train.csv');
  const test = path.join(dir, 'test.csv');
  csv(train, 1500, 1);
  const truth = csv(test, 400, 2);

  it('trains versions, predicts one line per row in order, evaluates, explains, deploys and retires', async () => {
    const t = (await ml(['train', 'flows', '--input', train, '--format', 'cic-ids', '--rounds', '40'])) as Record<
      string,
      unknown
    >;
    expect(t['version']).toBe(1);
    expect(t['benign']).toBe('BENIGN');
    // Identifiers (Flow ID, Src IP) are not features.
    expect(t['features']).toBe(4);
    expect(typeof t['dataHash']).toBe('string');
    const t2 = (await ml(['train', 'flows', '--input', train, '--algorithm', 'logreg'])) as Record<string, unknown>;
    expect(t2['version']).toBe(2);

    const out = path.join(dir, 'out.jsonl');
    const p = (await ml(['predict', 'flows', '--version', '1', '--input', test, '--output', out])) as Record<
      string,
      unknown
    >;
    expect(p['rows']).toBe(400);
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l['row'])).toEqual(Array.from({ length: 400 }, (_, i) => i));
    let right = 0;
    for (const [i, l] of lines.entries()) {
      expect(Object.keys(l)).toEqual(['row', 'label', 'attack', 'score']);
      expect(l['attack']).toBe(l['label'] !== 'BENIGN');
      if (l['label'] === truth[i]) right++;
    }
    expect(right / 400).toBeGreaterThan(0.97);

    const ev = (await ml(['evaluate', 'flows', '--version', '1', '--input', test])) as Record<string, unknown>;
    expect(ev['rows']).toBe(400);
    expect(ev['accuracy']).toBeCloseTo(right / 400, 4);
    const conf = ev['confusion'] as number[][];
    expect(conf.flat().reduce((a, b) => a + b, 0)).toBe(400);
    expect((ev['perClass'] as { class: string }[]).map((c) => c.class).sort()).toEqual(['BENIGN', 'DoS', 'Portscan']);

    const dos = truth.indexOf('DoS');
    const ex = (await ml(['explain', 'flows', '--version', '1', '--input', test, '--row', String(dos)])) as {
      rows: { row: number; attack: boolean; features: { feature: string; value: unknown; contribution: number }[] }[];
    };
    const row = ex.rows[0];
    expect(row?.row).toBe(dos);
    expect(row?.attack).toBe(true);
    expect(row?.features.length).toBeGreaterThan(0);
    expect(row?.features.length).toBeLessThanOrEqual(5);
    expect(['Flow Duration', 'Total Fwd Packet']).toContain(row?.features[0]?.feature);

    const list = (await ml(['list'])) as { version: number; status: string }[];
    expect(list.map((m) => [m.version, m.status])).toEqual([
      [2, 'trained'],
      [1, 'trained'],
    ]);
    expect(((await ml(['deploy', 'flows', '--version', '1'])) as { status: string }).status).toBe('deployed');
    const shown = (await ml(['show', 'flows', '--version', '1'])) as Record<string, unknown>;
    expect(shown['status']).toBe('deployed');
    expect((shown['training'] as Record<string, unknown>)['dataHash']).toBe(t['dataHash']);
    expect(shown['params']).toHaveProperty('learningRate');
    // Another tenant sees none of it.
    await expect(ml(['show', 'flows', '--tenant', 'other'])).rejects.toThrow(/no model flows/);
    expect(await ml(['retire', 'flows'])).toEqual({ retired: 2 });
  });

  it('refuses bad arguments clearly', async () => {
    await expect(ml(['train', '../x', '--input', train])).rejects.toThrow(/model name/);
    await expect(ml(['train', 'x', '--input', train, '--algorithm', 'svm'])).rejects.toThrow(/--algorithm/);
    await expect(ml(['train', 'x', '--input', train, '--format', 'parquet'])).rejects.toThrow(/--format/);
    await expect(ml(['predict', 'nothing', '--input', test, '--output', path.join(dir, 'x')])).rejects.toThrow(
      /no model nothing/,
    );
  });
});
