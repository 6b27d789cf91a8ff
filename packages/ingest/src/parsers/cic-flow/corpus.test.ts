import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPORA, listFiles, readLines } from '../../internal/corpora.js';
import { openCicFlow } from './index.js';

const DIR = path.join(CORPORA, 'ml/cicids2017-improved-sample');

describe.skipIf(!existsSync(DIR))(`cic-flow corpus: CIC-IDS2017 sample (${DIR})`, { tags: ['corpus'] }, () => {
  it('parses every flow of every labelled file with its 5-tuple and Label', () => {
    const files = listFiles(DIR, '.csv').filter((f) => !f.endsWith('data_header_reference.csv'));
    let rows = 0;
    let parsedCount = 0;
    const labels = new Map<string, number>();
    const failures: string[] = [];
    for (const file of files) {
      const parser = openCicFlow({ name: file });
      for (const line of readLines(file)) {
        const r = parser.parse(line);
        if (r.ok === 'skip') continue;
        rows++;
        if (r.ok === false) {
          if (failures.length < 5) failures.push(`${file}: ${r.reason}`);
          continue;
        }
        const e = r.value.ecs;
        const ok =
          typeof e['source.ip'] === 'string' &&
          typeof e['destination.port'] === 'number' &&
          r.value.time !== undefined &&
          typeof r.value.fields['Label'] === 'string';
        if (!ok && failures.length < 5) failures.push(`${file}: incomplete ${line.slice(0, 80)}`);
        parsedCount++;
        const label = String(r.value.fields['Label']);
        labels.set(label, (labels.get(label) ?? 0) + 1);
      }
    }
    console.log(
      `cic-flow corpus: ${files.length} files, ${rows} flows, ${parsedCount} parsed; ` +
        [...labels].map(([k, v]) => `${k}=${v}`).join(' '),
    );
    expect(failures).toEqual([]);
    expect(parsedCount).toBe(rows);
    expect(labels.size).toBeGreaterThanOrEqual(10);
  });
});
