import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPORA, listFiles, readLines } from '../../internal/corpora.js';
import { windowsFormat } from './index.js';

const MORDOR = path.join(CORPORA, 'mordor/windows');
const EVTX = path.join(CORPORA, 'evtx');

/** macOS AppleDouble sidecars (`._name`) shipped inside some upstream archives: binary, not datasets. */
const isAppleDouble = (f: string): boolean => path.basename(f).startsWith('._');

describe.skipIf(!existsSync(MORDOR))(`windows corpus: mordor flat JSONL (${MORDOR})`, { tags: ['corpus'] }, () => {
  it('parses every line of every Windows dataset, with Channel, EventID and Computer', { timeout: 300_000 }, () => {
    const files = listFiles(MORDOR, '.jsonl.gz');
    let lines = 0;
    let parsedCount = 0;
    let withTime = 0;
    let appleDouble = 0;
    const datasets = files.filter((f) => !isAppleDouble(f)).length;
    const failures: string[] = [];
    const missing: string[] = [];
    for (const file of files) {
      const parser = windowsFormat.open?.({ name: file }) ?? expect.unreachable();
      for (const line of readLines(file)) {
        if (isAppleDouble(file)) {
          appleDouble++;
          expect(parser.parse(line).ok).not.toBe(true);
          continue;
        }
        lines++;
        const r = parser.parse(line);
        if (r.ok !== true) {
          if (failures.length < 5) failures.push(`${file}: ${r.ok === false ? r.reason : 'skip'}`);
          continue;
        }
        parsedCount++;
        if (r.value.time !== undefined) withTime++;
        // Every mordor Windows record carries a channel, an event id and a host under one of the
        // collector spellings; all must come out under the Sigma names. Counted, not asserted per
        // record: 450k `expect` calls would dominate the run time.
        const f = r.value.fields;
        if (typeof f['Channel'] !== 'string') missing.push(`Channel: ${line.slice(0, 100)}`);
        if (typeof f['EventID'] !== 'number' || r.value.ecs['event.code'] !== String(f['EventID'])) {
          missing.push(`EventID: ${line.slice(0, 100)}`);
        }
        // host.name is the short lower-case name; host.hostname keeps the Computer as written.
        const computer = f['Computer'];
        if (typeof computer !== 'string' || (r.value.ecs['host.hostname'] ?? r.value.ecs['host.name']) !== computer) {
          missing.push(`Computer: ${line.slice(0, 100)}`);
        }
      }
    }
    console.log(
      `windows corpus mordor: ${datasets} datasets, ${lines} lines, ${parsedCount} parsed, ${withTime} with time; ` +
        `${files.length - datasets} AppleDouble sidecar files (${appleDouble} lines) rejected`,
    );
    expect(failures).toEqual([]);
    expect(missing.length, missing.slice(0, 5).join('\n')).toBe(0);
    expect(parsedCount).toBe(lines);
    expect(lines).toBeGreaterThan(400_000);
  });
});

describe.skipIf(!existsSync(EVTX))(`windows corpus: evtx JSON renderings (${EVTX})`, { tags: ['corpus'] }, () => {
  it('parses every nested record with Channel, EventID, Computer and time', { timeout: 120_000 }, () => {
    const files = listFiles(EVTX, '.jsonl.gz');
    let lines = 0;
    let parsedCount = 0;
    let nullChannel = 0;
    const failures: string[] = [];
    for (const file of files) {
      const parser = windowsFormat.open?.({ name: file }) ?? expect.unreachable();
      for (const line of readLines(file)) {
        lines++;
        const r = parser.parse(line);
        if (r.ok !== true) {
          if (failures.length < 5) failures.push(`${file}: ${r.ok === false ? r.reason : 'skip'}`);
          continue;
        }
        parsedCount++;
        const f = r.value.fields;
        const ok =
          typeof f['EventID'] === 'number' &&
          typeof f['Computer'] === 'string' &&
          typeof r.value.time === 'number' &&
          (f['Channel'] === undefined || r.value.ecs['winlog.channel'] === f['Channel']);
        if (!ok && failures.length < 5) failures.push(`${file}: missing System fields in ${line.slice(0, 120)}`);
        if (f['Channel'] === undefined) nullChannel++;
      }
    }
    console.log(
      `windows corpus evtx: ${files.length} files, ${lines} records, ${parsedCount} parsed, ${nullChannel} with null Channel`,
    );
    expect(failures).toEqual([]);
    expect(parsedCount).toBe(lines);
    expect(lines).toBeGreaterThan(18_000);
  });
});
