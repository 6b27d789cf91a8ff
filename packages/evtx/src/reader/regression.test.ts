import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { normValue } from '../internal/testing/compare.js';
import type { EvtxRecord, JsonObject } from '../types.js';
import { readEvtxBuffer } from './index.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const CORPORA = process.env['INTERSOC_CORPORA'] ?? path.resolve(REPO, '../shared/corpora');
const DIR = path.join(CORPORA, 'sigma', 'regression_data');

function filesUnder(dir: string, suffix: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p, suffix));
    else if (name.endsWith(suffix)) out.push(p);
  }
  return out;
}

/** The exports hold one object, an array, or several objects back to back. */
function parseExport(text: string): unknown[] {
  const t = text.trim();
  try {
    const v = JSON.parse(t) as unknown;
    return Array.isArray(v) ? v : [v];
  } catch {
    const out: unknown[] = [];
    let depth = 0;
    let start = 0;
    let inString = false;
    for (let i = 0; i < t.length; i++) {
      const c = t[i];
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{' && depth++ === 0) start = i;
      else if (c === '}' && --depth === 0) out.push(JSON.parse(t.slice(start, i + 1)));
    }
    return out;
  }
}

function flat(o: unknown, p: string, out: Map<string, unknown>): Map<string, unknown> {
  if (o !== null && typeof o === 'object' && !Array.isArray(o)) {
    for (const [k, v] of Object.entries(o)) flat(v, p === '' ? k : `${p}.${k}`, out);
  } else {
    out.set(p, o);
  }
  return out;
}

const recordId = (e: unknown): unknown =>
  (((e as JsonObject)['Event'] as JsonObject)['System'] as JsonObject)['EventRecordID'];

describe.skipIf(!existsSync(DIR))('Sigma regression data (evtx_dump exports)', { tags: ['corpus'] }, () => {
  it('renders the same JSON as evtx_dump, up to timestamp precision', () => {
    const files = filesUnder(DIR, '.evtx').filter((f) => existsSync(f.replace(/\.evtx$/, '.json')));
    expect(files.length).toBeGreaterThan(0);
    let compared = 0;
    let identical = 0;
    const unexplained: string[] = [];
    const referenceDefects: string[] = [];
    for (const file of files) {
      const bytes = readFileSync(file);
      const mine: EvtxRecord[] = [];
      for (const item of readEvtxBuffer(bytes)) {
        if (!item.ok) unexplained.push(`${file}: ${item.reason}`);
        else mine.push(item.record);
      }
      for (const ref of parseExport(readFileSync(file.replace(/\.evtx$/, '.json'), 'utf8'))) {
        compared++;
        const record = mine.find((r) => recordId(r.event) === recordId(ref));
        if (!record) {
          unexplained.push(`${file}: record ${String(recordId(ref))} not decoded`);
          continue;
        }
        // Exact JSON first: same keys, order, value types and text.
        if (JSON.stringify(record.event) === JSON.stringify(ref)) {
          identical++;
          continue;
        }
        const a = flat(ref, '', new Map());
        const b = flat(record.event, '', new Map());
        for (const key of new Set([...a.keys(), ...b.keys()])) {
          const x = a.get(key);
          const y = b.get(key);
          if (x === y || (typeof x === 'string' && typeof y === 'string' && normValue(x) === normValue(y))) continue;
          // A reference value that the file does not contain at all was edited after export:
          // count it apart, as long as the decoded value is really in the file.
          const inFile = (v: unknown): boolean => typeof v === 'string' && bytes.includes(Buffer.from(v, 'utf16le'));
          if (!inFile(x) && inFile(y)) referenceDefects.push(`${path.relative(DIR, file)} ${key}`);
          else
            unexplained.push(
              `${path.relative(DIR, file)} ${key}: expected ${JSON.stringify(x)} got ${JSON.stringify(y)}`,
            );
        }
      }
    }
    console.info(
      `regression data: ${files.length} files, ${compared} exported records, ${identical} byte-identical, ` +
        `${referenceDefects.length} reference values not present in their file`,
    );
    expect(unexplained).toEqual([]);
    expect(referenceDefects.length).toBeLessThanOrEqual(1);
    expect(identical).toBeGreaterThanOrEqual(compared - 2);
  });
});
