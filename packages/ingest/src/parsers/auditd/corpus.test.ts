import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPORA, listFiles, readLines } from '../../internal/corpora.js';
import { parseAuditLine } from './index.js';

const DIR = path.join(CORPORA, 'mordor/linux');

describe.skipIf(!existsSync(DIR))(`auditd corpus: mordor linux (${DIR})`, { tags: ['corpus'] }, () => {
  it('parses every audit record with type, serial, time, and decodes proctitles', () => {
    const files = listFiles(DIR, '.log');
    let lines = 0;
    let parsedCount = 0;
    const commands: string[] = [];
    const failures: string[] = [];
    for (const file of files) {
      for (const line of readLines(file)) {
        lines++;
        const r = parseAuditLine(line);
        if (r.ok !== true) {
          failures.push(`${file}: ${JSON.stringify(r)}`);
          continue;
        }
        parsedCount++;
        if (typeof r.value.fields['type'] !== 'string' || r.value.time === undefined)
          failures.push(`incomplete: ${line}`);
        if (r.value.fields['type'] === 'PROCTITLE') commands.push(String(r.value.ecs['process.command_line']));
      }
    }
    console.log(
      `auditd corpus: ${files.length} files, ${lines} lines, ${parsedCount} parsed; proctitles: ${commands.join(' | ')}`,
    );
    expect(failures).toEqual([]);
    expect(parsedCount).toBe(lines);
    expect(commands).toContain('dd if=/dev/zero bs=1 count=1');
    expect(commands).toContain('arp -a');
  });
});
