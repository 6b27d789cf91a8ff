import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { writeSimplePdf } from '@intersoc/text';
import { register } from './text.js';

const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

/** Runs `intersoc text ...` in-process; returns stdout. */
async function text(args: string[]): Promise<string> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    out += String(c);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const program = new Command('intersoc').exitOverride();
  register(program);
  await program.parseAsync(['node', 'intersoc', 'text', ...args]);
  return out;
}

function file(name: string, content: string | Uint8Array): string {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
}

describe('intersoc text (the contract of the checks)', () => {
  it('attack: one line per input line, techniques sorted by score, --top K', async () => {
    const input = file(
      'in.jsonl',
      [
        { id: 's1', text: 'The attackers dumped credentials from LSASS memory with Mimikatz.' },
        { id: 's2', text: 'A scheduled task was created to run the implant at every logon.' },
        { id: 's3', text: 'Thank you for reading our blog.' },
      ]
        .map((l) => JSON.stringify(l))
        .join('\n'),
    );
    const out = path.join(dir, 'out.jsonl');
    await text(['attack', '--input', input, '--output', out, '--top', '3']);
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; techniques: { id: string; score: number }[] });
    expect(lines.map((l) => l.id)).toEqual(['s1', 's2', 's3']);
    for (const l of lines) {
      expect(l.techniques).toHaveLength(3);
      const scores = l.techniques.map((t) => t.score);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
      for (const t of l.techniques) expect(t.id).toMatch(/^T\d{4}(\.\d{3})?$/);
    }
    expect(lines[0]?.techniques[0]?.id).toBe('T1003.001');
    expect(lines[1]?.techniques[0]?.id).toBe('T1053.005');
    // Without --top: the techniques above the threshold; prose gets none.
    await text(['attack', '--input', input, '--output', out]);
    const plain = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { techniques: unknown[] });
    expect(plain[0]?.techniques.length).toBeGreaterThan(0);
    expect(plain[2]?.techniques).toEqual([]);
  });

  it('attack: a line that is not {"id","text"} is a clear error naming the line', async () => {
    const input = file('bad.jsonl', '{"id":"a","text":"ok"}\n{"id":"b"}\n');
    await expect(text(['attack', '--input', input, '--output', path.join(dir, 'o2.jsonl')])).rejects.toThrow(
      /bad\.jsonl:2: expected/,
    );
  });

  it('iocs --json: refanged indicators of a PDF, known-benign ones dropped with a reason', async () => {
    const pdf = file(
      'report.pdf',
      writeSimplePdf([
        [
          'The implant beacons to hxxps://update-check[.]evil-cdn[.]com/gate.php and 203.0.113[.]45.',
          'It persists under HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\Updater.',
          'Payload sha256 275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f,',
          'exploiting CVE-2021-44228. Internal staging host 10.1.2.3 was used.',
        ],
      ]),
    );
    const r = JSON.parse(await text(['iocs', '--input', pdf, '--json'])) as {
      iocs: { type: string; value: string }[];
      dropped: { type: string; value: string; reason: string }[];
    };
    expect(r.iocs).toEqual(
      expect.arrayContaining([
        { type: 'url', value: 'https://update-check.evil-cdn.com/gate.php' },
        { type: 'windows-registry-key', value: 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\Updater' },
        { type: 'sha256', value: '275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f' },
        { type: 'cve', value: 'CVE-2021-44228' },
      ]),
    );
    expect(r.dropped).toEqual(
      expect.arrayContaining([
        { type: 'ipv4-addr', value: '10.1.2.3', reason: expect.stringMatching(/1918/) as string },
      ]),
    );
    for (const i of [...r.iocs, ...r.dropped]) expect(i.value).not.toMatch(/\[\.\]|hxxp/);
  });
});
