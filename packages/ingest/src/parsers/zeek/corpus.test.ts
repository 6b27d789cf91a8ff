import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPORA, listFiles, readText } from '../../internal/corpora.js';
import { openZeek } from './index.js';

const DIR = path.join(CORPORA, 'network/ics-zeek-logs');

describe.skipIf(!existsSync(DIR))(`zeek corpus: ics-zeek-logs (${DIR})`, { tags: ['corpus'] }, () => {
  it('parses every data line of every log, with the 5-tuple and time', () => {
    const files = listFiles(DIR, '.log.gz');
    let dataLines = 0;
    let parsedCount = 0;
    let withTuple = 0;
    const byPath = new Map<string, number>();
    const failures: string[] = [];
    for (const file of files) {
      const parser = openZeek({ name: file });
      for (const line of readText(file).split('\n')) {
        if (line.length === 0) continue;
        const r = parser.parse(line);
        if (r.ok === 'skip') continue;
        dataLines++;
        if (r.ok === false) {
          if (failures.length < 5) failures.push(`${file}: ${r.reason}`);
          continue;
        }
        parsedCount++;
        const p = String(r.value.fields['_path']);
        byPath.set(p, (byPath.get(p) ?? 0) + 1);
        if (r.value.time === undefined) failures.push(`${file}: no time`);
        if (r.value.ecs['source.ip'] !== undefined && r.value.ecs['destination.port'] !== undefined) withTuple++;
      }
    }
    const paths = [...byPath].map(([k, v]) => `${k}=${v}`).join(' ');
    console.log(
      `zeek corpus: ${files.length} files, ${dataLines} records, ${parsedCount} parsed, ${withTuple} with 5-tuple; ${paths}`,
    );
    expect(failures).toEqual([]);
    expect(files.length).toBe(190);
    expect(parsedCount).toBe(dataLines);
    expect(byPath.get('conn')).toBeGreaterThan(0);
  });
});
