// Parse-rate check for the json/windows hot path against plain JSON.parse on mordor lines.
// Not a unit test (no timing assertions): `node packages/ingest/scripts/parse-rate.mjs [maxLines]`
// after `npx tsc -b packages/ingest`. Rounds are interleaved and medians reported, because the
// machines are shared and single runs are noisy.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { jsonFormat, readRecords, windowsFormat } from '../dist/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const corpora = process.env.INTERSOC_CORPORA ?? path.resolve(here, '../../../../shared/corpora');
const dir = path.join(corpora, 'mordor/windows');
const maxLines = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.env.ROUNDS ?? 7);

function* walk(d) {
  for (const e of readdirSync(d).sort()) {
    const p = path.join(d, e);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (e.endsWith('.jsonl.gz') && !e.startsWith('._')) yield p;
  }
}

// A fixed sample: lines taken round-robin from every dataset, so every collector shape is in it.
const perFile = [];
for (const f of walk(dir)) perFile.push(gunzipSync(readFileSync(f)).toString('utf8').split('\n').filter(Boolean));
const lines = [];
for (let i = 0; lines.length < maxLines; i++) {
  let added = false;
  for (const ls of perFile) {
    if (i < ls.length && lines.length < maxLines) {
      lines.push(ls[i]);
      added = true;
    }
  }
  if (!added) break;
}
const bytes = lines.reduce((a, l) => a + Buffer.byteLength(l), 0);
console.log(
  `${lines.length} mordor lines from ${perFile.length} datasets, ${Math.round(bytes / lines.length)} bytes/line avg`,
);

const win = windowsFormat.open({});
const json = jsonFormat.open({});
const cases = {
  'JSON.parse': (l) => JSON.parse(l) !== null,
  'windows plug-in': (l) => win.parse(l).ok === true,
  'json plug-in (routes to windows)': (l) => json.parse(l).ok === true,
};

function rate(fn) {
  const t0 = process.hrtime.bigint();
  let n = 0;
  for (let i = 0; i < lines.length; i++) if (fn(lines[i])) n++;
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (n !== lines.length) throw new Error(`only ${n} of ${lines.length} parsed`);
  return lines.length / s;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
const ratios = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (const fn of Object.values(cases)) rate(fn); // warm-up
for (let r = 0; r < rounds; r++) {
  const base = rate(cases['JSON.parse']);
  results['JSON.parse'].push(base);
  ratios['JSON.parse'].push(1);
  for (const [name, fn] of Object.entries(cases)) {
    if (name === 'JSON.parse') continue;
    const v = rate(fn);
    results[name].push(v);
    ratios[name].push(v / base);
  }
}
for (const name of Object.keys(cases)) {
  console.log(
    `${name.padEnd(34)} ${Math.round(median(results[name])).toString().padStart(8)} records/s  ratio ${median(ratios[name]).toFixed(3)}`,
  );
}

// End to end over files: read + gunzip + frame + parse, against read + gunzip + split + JSON.parse.
const files = [...walk(dir)].slice(0, Number(process.env.FILES ?? 12));
async function viaReadRecords() {
  let n = 0;
  const t0 = process.hrtime.bigint();
  for (const f of files) for await (const r of readRecords(f)) if (r.ok) n++;
  return n / (Number(process.hrtime.bigint() - t0) / 1e9);
}
function viaJsonParse() {
  let n = 0;
  const t0 = process.hrtime.bigint();
  for (const f of files) {
    for (const l of gunzipSync(readFileSync(f)).toString('utf8').split('\n')) if (l && JSON.parse(l)) n++;
  }
  return n / (Number(process.hrtime.bigint() - t0) / 1e9);
}
const fileRatios = [];
for (let r = 0; r < 3; r++) {
  const base = viaJsonParse();
  const v = await viaReadRecords();
  fileRatios.push([v, base, v / base]);
}
const [v, base, ratio] = fileRatios.sort((a, b) => a[2] - b[2])[1];
console.log(
  `readRecords on ${files.length} files: ${Math.round(v)} records/s vs gunzip+split+JSON.parse ${Math.round(base)}/s, ratio ${ratio.toFixed(3)}`,
);
