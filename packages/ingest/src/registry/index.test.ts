import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FormatPlugin } from '@intersoc/core';
import { CORPORA, listFiles, readText } from '../internal/corpora.js';
import { detectFormat, FORMATS, getFormat, registerFormat, scoreFormats } from './index.js';

const SAMPLES: [string, string, string?][] = [
  ['windows', '{"Event":{"System":{"EventID":1,"EventRecordID":2,"Channel":"x"}}}'],
  ['windows', '{"Hostname":"h","Channel":"Security","EventID":4624}\n'],
  ['suricata', '{"timestamp":"2024-01-01T00:00:00.000000+0000","flow_id":1,"event_type":"flow","src_ip":"1.2.3.4"}'],
  ['zeek', '#separator \\x09\n#set_separator\t,\n#fields\tts\tuid\n'],
  ['zeek', '{"ts":1.5,"uid":"C1","id.orig_h":"1.2.3.4","id.orig_p":1}'],
  ['cic-flow', 'Flow ID,Src IP,Src Port,Dst IP,Dst Port,Protocol,Timestamp,Flow Duration,Label\n'],
  ['cef', 'CEF:0|V|P|1|s|n|5|src=1.1.1.1'],
  ['cef', '<134>Jun 14 08:00:01 fw1 CEF:0|V|P|1|s|n|5|src=1.1.1.1'],
  ['leef', 'LEEF:2.0|V|P|1|41|^|src=1.1.1.1'],
  ['auditd', 'type=SYSCALL msg=audit(1.0:1): pid=1\n'],
  ['syslog', '<13>Jun 14 08:00:01 host app[1]: hello\n<13>Jun 14 08:00:02 host app[1]: again\n'],
  ['syslog', '<165>1 2003-10-11T22:14:15.003Z host app - - - hi\n'],
  ['json', '{"anything":"else","n":1}\n'],
  ['json', '[\n  {\n    "a": 1\n  }\n]'],
];

describe('format registry', () => {
  it('lists every plug-in once and finds them by name', () => {
    const names = FORMATS.map((f) => f.name);
    // Binary plug-ins (the lead registers `evtx`) come first, then the text formats, generic JSON last.
    const binary = FORMATS.filter((f) => f.magic !== undefined).map((f) => f.name);
    expect(names.slice(0, binary.length)).toEqual(binary);
    expect(names.slice(binary.length)).toEqual([
      'windows',
      'suricata',
      'zeek',
      'cic-flow',
      'cef',
      'leef',
      'auditd',
      'syslog',
      'json',
    ]);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(getFormat(n)?.name).toBe(n);
    expect(getFormat('nope')).toBeUndefined();
  });

  it.each(SAMPLES)('detects %s from %j', (expected, sample, name) => {
    expect(detectFormat(sample, name)?.name).toBe(expected);
  });

  it('detects nothing in random text and scores never throw', () => {
    expect(detectFormat('lorem ipsum dolor sit amet')).toBeUndefined();
    expect(scoreFormats(Buffer.from([0, 1, 2, 255, 254]))).toEqual([]);
  });

  it('checks binary magic first, before any text score', () => {
    const magic: FormatPlugin = {
      name: 'test-magic',
      description: 'a binary test format recognised by its magic',
      framing: 'binary',
      magic: Buffer.from('MAGIC\0'),
      detect: () => 0,
    };
    registerFormat(magic);
    expect(FORMATS[0]?.name).toBe('test-magic');
    expect(FORMATS.find((f) => f.name === 'evtx')?.magic).toBeDefined();
    expect(detectFormat(Buffer.from('MAGIC\0{"EventID":1,"Channel":"x"}'))?.name).toBe('test-magic');
    expect(detectFormat('{"EventID":1,"Channel":"x"}')?.name).toBe('windows');
    registerFormat({ ...magic });
    expect(FORMATS.filter((f) => f.name === 'test-magic')).toHaveLength(1);
  });
});

const CASES: [string, string, string][] = [
  ['mordor/windows', '.jsonl.gz', 'windows'],
  ['evtx', '.jsonl.gz', 'windows'],
  ['network/ics-zeek-logs', '.log.gz', 'zeek'],
  ['ml/cicids2017-improved-sample', '.csv', 'cic-flow'],
  ['mordor/linux', '.log', 'auditd'],
];

describe.skipIf(!existsSync(CORPORA))(`format detection on the corpora (${CORPORA})`, { tags: ['corpus'] }, () => {
  it.each(CASES)('detects every %s file (%s) as %s', (dir, suffix, expected) => {
    const files = listFiles(path.join(CORPORA, dir), suffix).filter((f) => !path.basename(f).startsWith('._'));
    const wrong: string[] = [];
    let empty = 0;
    for (const f of files) {
      const sample = readText(f).slice(0, 65536);
      // Some evtx conversions yielded no records (see the corpus README): nothing to detect.
      if (sample.length === 0) {
        empty++;
        continue;
      }
      const got = detectFormat(sample, f)?.name;
      if (got !== expected) wrong.push(`${f}: ${got}`);
    }
    console.log(
      `detect ${dir}: ${files.length - empty - wrong.length}/${files.length - empty} as ${expected} (${empty} empty files)`,
    );
    expect(wrong).toEqual([]);
    expect(files.length).toBeGreaterThan(0);
  });
});
