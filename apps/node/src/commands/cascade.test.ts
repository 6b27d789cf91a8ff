import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { isAppError } from '@intersoc/core';
import { register } from './cascade.js';

const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-cascade-'));
const data = path.join(dir, 'data');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

/** Runs `intersoc cascade ...` in-process; returns stdout. */
async function cascade(args: string[]): Promise<string> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    out += String(c);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const program = new Command('intersoc').exitOverride();
  register(program);
  await program.parseAsync(['node', 'intersoc', 'cascade', ...args]);
  return out;
}

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('intersoc cascade (the contract of the checks)', () => {
  it('imports the CSV and prints failed and steps for a functional impact', async () => {
    const csv = file(
      'deps.csv',
      'source,target,type,strength,min_inputs_of_source\ntelecom,power,physical,0.9,1\nbank,telecom,cyber,1,1\nbank,backup,cyber,1,2\nshop,bank,logical,1,1\n',
    );
    const imported = JSON.parse(await cascade(['import', csv, '--graph', 'g1', '--data', data, '--json'])) as Record<
      string,
      unknown
    >;
    expect(imported).toMatchObject({ name: 'g1', entities: 5, dependencies: 4, format: 'csv' });
    const out = await cascade([
      'impact',
      '--graph',
      'g1',
      '--fail',
      'power',
      '--model',
      'functional',
      '--json',
      '--data',
      data,
    ]);
    expect(JSON.parse(out)).toEqual({
      failed: ['power', 'telecom', 'bank', 'shop'],
      steps: [['power'], ['telecom'], ['bank'], ['shop']],
    });
    const two = JSON.parse(
      await cascade([
        'impact',
        '--graph',
        'g1',
        '--fail',
        'backup,power',
        '--model',
        'functional',
        '--json',
        '--data',
        data,
      ]),
    ) as { steps: string[][] };
    expect(two.steps[0]).toEqual(['backup', 'power']);
  });

  it('imports with an explicit format and replaces the graph', async () => {
    const json = file('g.json', JSON.stringify({ dependencies: [{ source: 'x', target: 'y' }] }));
    await cascade(['import', json, '--graph', 'g1', '--format', 'json', '--data', data]);
    const out = JSON.parse(
      await cascade(['impact', '--graph', 'g1', '--fail', 'y', '--model', 'functional', '--json', '--data', data]),
    ) as unknown;
    expect(out).toEqual({ failed: ['y', 'x'], steps: [['y'], ['x']] });
  });

  it('prints q of the IIM', async () => {
    const a = file('A.csv', '0,0.2\n0.3,0\n');
    const c = file('c.csv', '0.1\n0\n');
    const q = (JSON.parse(await cascade(['iim', '--matrix', a, '--perturbation', c, '--json'])) as { q: number[] }).q;
    expect(q[0]).toBeCloseTo(0.1 / 0.94, 12);
    expect(q[1]).toBeCloseTo(0.03 / 0.94, 12);
  });

  it('answers unknown ids and mismatched sizes with an AppError', async () => {
    await expect(cascade(['impact', '--graph', 'g1', '--fail', 'nope', '--json', '--data', data])).rejects.toSatisfy(
      (e) => isAppError(e, 'NOT_FOUND'),
    );
    const a = file('A3.csv', '0,0.2\n0.3,0\n');
    const c = file('c3.csv', '0.1\n0\n0.2\n');
    await expect(cascade(['iim', '--matrix', a, '--perturbation', c, '--json'])).rejects.toSatisfy((e) =>
      isAppError(e, 'VALIDATION'),
    );
  });
});
