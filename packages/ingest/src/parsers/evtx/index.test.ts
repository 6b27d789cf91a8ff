import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { ParseResult } from '@intersoc/core';
import { describe, expect, it } from 'vitest';
import { parseWindowsNested } from '../windows/index.js';
import { evtxFormat, evtxParseResults } from './index.js';

/**
 * A gzipped EVTX file of one chunk and two records, built with the EVTX package's test builder:
 * record 101, Sysmon process creation (EventData: Image, CommandLine with a trailing space,
 * ParentImage, ProcessId as UInt32); record 102, Security 1102 whose UserData is nested BinXML
 * (LogFileCleared: SubjectUserName alice, SubjectDomainName CORP).
 */
const FIXTURE_GZ = Buffer.from(
  'H4sIAAAAAAACA+3ZS2xUVRzH8e+duS3tQKUUVxIDGMRIAlNACcGQiAUUw6MBDZA0MaWd0sG+0mkpsPARFi5N3GpMlOjGjQv3GHcm' +
    'YFz4wIVGE+OOGBNJjBpHz5k7d6ZFjRjUhd/PopPpPa97z//8ppnumxjbX52osNTp7PU5IKEIvQm328br13cjSZIkSZL+cfsmxgbG' +
    'p56m+Q3AWPa69H34HuDEMuhfDq+/9v7dt2PuK3e+9a478N/atAlOdLT2m3Xd73zR+2myMklYkYTvfDYWGheWfv/zfBFCqz31+nwR' +
    'DhWaFzrYx1kqTDEHvAB0nmm7eI5JJpiiFt4lDzLOHHPMsIsyZWqMME6FSYapsYVJqowwyzQ1phljji2MMM0kZRaoMkWZbfTTzwOU' +
    '6WcnZSr59LVF7wpJvf5BAj/kq+nkGOepMRdnhMKeev0kcFex2aKLwTj7WaqMUmEW2AHs3503STnMMJPxEfZA0nmi7dKjzMee0JOw' +
    'spjU6/cAF/IWy9oe1gH2hjX0FOhM99Trg8ClvOFynqAaZxlglgrDcdFh4PvCjVzJG5YW3VOzE/QUWRXm3/Lb/D/mrXva5j9KJT7b' +
    'WUbztaSU0mzR5bS16AHGGWaKKSpMxIYdJKHhhpATaevpDcS9mmE+rmc2Nu0kCff3CHCxremxOP08s1SZ4zywNtzZm2lrt56kFkdp' +
    'rO6OZawuhkm/B67mzbrbbmlvfE7D2dZuB26krc1pXV0dhg9b2pF0cCBW32kqFHq6GmvdnPVc22q3PLu3yfggRjkYqzH06f6TPoMM' +
    'x+1r7HdrnlKjz/1ZnzWtPt1ZBY5QoUaNA4xS6FlOV5qmrAC2kdDLSgp00sUquijxOAkbSFjBanaSsJGEfhJSujh005HazPG4+FGm' +
    'WaDG5qyEJplmCnhq58zxTe99OXD5YOeN6os/fZbw9tdrYkw0Y+NWxyxzhJm4lWEHqvF3w7GSQtt+tmbHfJYZtlDhXDxhM0zEUk4a' +
    'WdTRBwywi6Elcw0tOgLb2cYQI0wymo0Vxlj8fh1lRljHAuNMx7mqrPvD0UOfsJbpuJWzbaO+1EsjT0OuXiu2Pj858caHrVwNAfTM' +
    'ssaFwpJcPZnkuXooaeRqrZmh/35evkojL8PxWZMlY18z//K0a2ZbKcu2PMP6sgzrbmZUM4VKWQrlCVPKEiZPklKWJHle9GV50d1M' +
    'hfz8h9C52tVKkmZMtJ3+ni7Wp2nsu+N3zktf23m5kKz/S/XcSplQCeEfJtc+r/z87SenDlz8eGrol1e+euxw+vCl7+K2N8vg5oy7' +
    '1XpvFFDI78vdjTGLSwpoa6uA7k3gm+7mhTs4GBe6n2oceCD+bORR+CB5tlVmDy0ps0bIVRmLITT3t0ttYdEzbC+2xjMMJbcNeLnU' +
    'XPRKjjHPKc7EJzeX723rM7cQyjCUQfhc/ijvuGpJx71xacNxAe2dE5I0jadwBQklkhhE1Zi3IQCOcJTBOOK1on8vSpIkSZIkSZIk' +
    'SZIkSZIkSZIkSZIkSZIkSZIkSZIkSZIkSZIkSZIkSZIkSZIkSZIkSZIkSZIkSZIkSZIkSZIkSZIkSZIkSZIkSZIkSZIkSZIkSZIk' +
    'SZIkSZIk6f/lV1zSVAUAEAEA',
  'base64',
);
const FIXTURE = gunzipSync(FIXTURE_GZ);

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../..');
const CORPORA = process.env['INTERSOC_CORPORA'] ?? path.resolve(REPO, '../shared/corpora');
const EVTX_DIR = path.join(CORPORA, 'evtx');

function ok(results: Iterable<ParseResult>): Extract<ParseResult, { ok: true }>['value'][] {
  const out: Extract<ParseResult, { ok: true }>['value'][] = [];
  for (const r of results) {
    if (r.ok !== true) throw new Error(r.ok === false ? r.reason : 'skip');
    out.push(r.value);
  }
  return out;
}

describe('evtx format plug-in', () => {
  it('is a binary format recognised by its signature', () => {
    expect(evtxFormat.name).toBe('evtx');
    expect(evtxFormat.framing).toBe('binary');
    expect(Buffer.from(evtxFormat.magic ?? []).toString('latin1')).toBe('ElfFile\0');
    expect(evtxFormat.detect(FIXTURE.subarray(0, 64).toString('latin1'))).toBe(1);
    expect(evtxFormat.detect('{"Event":{}}', 'x.json')).toBe(0);
    expect(evtxFormat.detect('', 'Security.evtx.gz')).toBeGreaterThan(0.5);
  });

  it('turns records into the Windows flat fields, ECS, time and raw JSON', () => {
    const [proc, cleared] = ok(evtxFormat.openBinary?.({ name: 'x.evtx' }).decode(FIXTURE) ?? []);
    expect(proc?.fields).toMatchObject({
      Channel: 'Microsoft-Windows-Sysmon/Operational',
      EventID: 1,
      Provider_Name: 'Microsoft-Windows-Sysmon',
      Computer: 'ws01.corp.example',
      EventRecordID: 101,
      Image: 'C:\\Windows\\System32\\cmd.exe',
      CommandLine: 'cmd.exe /c whoami',
      ProcessId: 4242,
    });
    expect(proc?.ecs).toMatchObject({ 'process.command_line': 'cmd.exe /c whoami', 'event.code': '1' });
    expect(proc?.time).toBe(Date.parse('2021-03-04T10:11:12.123Z'));
    const raw = JSON.parse(proc?.raw ?? '{}') as { Event: { System: { EventRecordID: number } } };
    expect(raw.Event.System.EventRecordID).toBe(101);
    expect(cleared?.fields).toMatchObject({
      Channel: 'Security',
      EventID: 1102,
      SubjectUserName: 'alice',
      SubjectDomainName: 'CORP',
    });
    // The same fields come out of the nested JSON the record renders to.
    expect(parseWindowsNested(JSON.parse(cleared?.raw ?? '{}'))).toEqual({
      ok: true,
      value: { ...cleared, raw: undefined, time: cleared?.time },
    });
  });

  it('accepts gzip bytes and streams from a byte source', async () => {
    const fromGz = ok(evtxFormat.openBinary?.({}).decode(FIXTURE_GZ) ?? []);
    const streamed: ParseResult[] = [];
    for await (const r of evtxParseResults(FIXTURE_GZ)) streamed.push(r);
    expect(fromGz).toHaveLength(2);
    expect(streamed).toEqual(fromGz.map((value) => ({ ok: true, value })));
  });

  it('dead-letters damage with chunk, offset and reason, and keeps what it can read', () => {
    const second = FIXTURE.indexOf(Buffer.from([0x2a, 0x2a, 0, 0]), 4096 + 512 + 8);
    const cut = FIXTURE.subarray(0, second + 40);
    const results = [...(evtxFormat.openBinary?.({}).decode(cut) ?? [])];
    expect(results.filter((r) => r.ok === true)).toHaveLength(1);
    const bad = results.filter((r) => r.ok === false);
    expect(bad.length).toBeGreaterThan(0);
    expect(bad.map((r) => (r.ok === false ? r.reason : ''))[0]).toMatch(
      /^evtx: chunk 0 at offset \d+: chunk truncated/,
    );
    expect([...(evtxFormat.openBinary?.({}).decode(FIXTURE_GZ.subarray(0, 100)) ?? [])][0]).toMatchObject({
      ok: false,
    });
  });
});

describe.skipIf(!existsSync(EVTX_DIR))('evtx corpus through the plug-in', { tags: ['corpus'] }, () => {
  it('gives Sigma the same field names as the JSON renderings of the same records', () => {
    const dir = path.join(EVTX_DIR, 'EVTX-ATTACK-SAMPLES', 'Credential Access');
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.evtx.gz'))
      .slice(0, 25);
    let compared = 0;
    for (const f of files) {
      const results = ok(evtxFormat.openBinary?.({}).decode(readFileSync(path.join(dir, f))) ?? []);
      const lines = gunzipSync(readFileSync(path.join(dir, f.replace(/\.evtx\.gz$/, '.jsonl.gz'))))
        .toString('utf8')
        .split('\n')
        .filter((l) => l !== '');
      const byId = new Map(
        results.map((r) => [`${String(r.fields['EventRecordID'])}/${String(r.fields['EventID'])}`, r]),
      );
      for (const line of lines) {
        const ref = parseWindowsNested(JSON.parse(line));
        if (!ref.ok) continue;
        const mine = byId.get(`${String(ref.value.fields['EventRecordID'])}/${String(ref.value.fields['EventID'])}`);
        expect(mine, f).toBeDefined();
        const names = (fields: Record<string, unknown>): string[] =>
          Object.keys(fields)
            .filter((k) => fields[k] !== null && fields[k] !== '' && !k.startsWith('xmlns'))
            .sort();
        expect(names(mine?.fields ?? {}), f).toEqual(names(ref.value.fields));
        for (const k of ['Channel', 'EventID', 'Provider_Name', 'Computer']) {
          expect(String(mine?.fields[k]), `${f} ${k}`).toBe(String(ref.value.fields[k]));
        }
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(100);
  });
});
