import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { register } from './misp.js';

const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-misp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

async function misp(args: string[]): Promise<string> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    out += String(c);
    return true;
  });
  const program = new Command('intersoc').exitOverride();
  register(program);
  await program.parseAsync(['node', 'intersoc', 'misp', ...args]);
  return out;
}

describe('intersoc misp', () => {
  it('converts to STIX and back', async () => {
    const event = {
      Event: {
        uuid: '5a3c2fcd-8328-42bb-a95e-4f4402de0b81',
        info: 'c2',
        Tag: [{ name: 'tlp:green' }],
        Attribute: [
          {
            uuid: '5a3c2fcd-0000-4000-8000-000000000001',
            type: 'ip-dst',
            category: 'Network activity',
            value: '198.51.100.1',
            to_ids: true,
          },
        ],
      },
    };
    writeFileSync(path.join(dir, 'e.json'), JSON.stringify(event));
    const bundle = JSON.parse(await misp(['to-stix', path.join(dir, 'e.json')])) as {
      objects: { type: string; pattern?: string }[];
    };
    expect(bundle.objects.find((o) => o.type === 'indicator')?.pattern).toBe(
      "[network-traffic:dst_ref.value = '198.51.100.1']",
    );
    writeFileSync(path.join(dir, 'b.json'), JSON.stringify(bundle));
    const back = JSON.parse(await misp(['from-stix', path.join(dir, 'b.json')])) as {
      Event: { Attribute: { type: string; value: string }[] };
    };
    expect(back.Event.Attribute.map((a) => [a.type, a.value])).toEqual([['ip-dst', '198.51.100.1']]);
  });
});
