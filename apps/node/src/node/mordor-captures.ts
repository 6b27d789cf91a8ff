/**
 * @module
 * The OTRF Security-Datasets (mordor) captures of the shared corpora as events: the manifest's
 * labelled Windows captures, each read as the node would parse it (the flat Windows JSON
 * plug-in). Shared by the detection benchmark and the incident builder's mordor check.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { eventId, type SocEvent } from '@intersoc/core';
import { parseWindowsObject } from '@intersoc/ingest';

/** One labelled capture of the manifest. */
export interface MordorCapture {
  /** Path under `mordor/`, e.g. `windows/credential_access/host/...jsonl.gz`. */
  readonly file: string;
  /** ATT&CK technique ids the capture was recorded for (upper case). */
  readonly labels: readonly string[];
  /** ATT&CK tactic ids (`TA0006`) of the capture. */
  readonly tactics: readonly string[];
}

interface ManifestEntry {
  readonly file: string;
  readonly attack_techniques?: readonly string[];
  readonly attack_tactics?: readonly string[];
}

/** The labelled Windows captures present under `<corpora>/mordor`, in manifest order. */
export function mordorCaptures(corpora: string, select: (file: string) => boolean = () => true): MordorCapture[] {
  const dir = path.join(corpora, 'mordor');
  return readFileSync(path.join(dir, 'manifest.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as ManifestEntry)
    .filter(
      (m) =>
        m.file.startsWith('windows/') &&
        m.file.endsWith('.jsonl.gz') &&
        // `._name`: macOS metadata copies that came along with some captures, not captures.
        !path.basename(m.file).startsWith('._') &&
        (m.attack_techniques?.length ?? 0) > 0,
    )
    .filter((m) => select(m.file) && existsSync(path.join(dir, m.file)))
    .map((m) => ({
      file: m.file,
      labels: (m.attack_techniques ?? []).map((t) => t.toUpperCase()),
      tactics: [...(m.attack_tactics ?? [])],
    }));
}

/** The events of one capture, parsed and sorted by time (lines that are not whole JSON are skipped). */
export function captureEvents(corpora: string, file: string, tenant: string): SocEvent[] {
  const events: SocEvent[] = [];
  let i = 0;
  for (const line of gunzipSync(readFileSync(path.join(corpora, 'mordor', file)))
    .toString('utf8')
    .split('\n')) {
    if (line.length === 0 || line[0] !== '{') continue;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      continue; // a few captures hold pretty-printed fragments; whole lines only
    }
    const r = parseWindowsObject(obj);
    if (!r.ok) continue;
    events.push({
      id: eventId(tenant, `${file}:${i++}`, line),
      time: r.value.time ?? 0,
      ingested: 0,
      tenant,
      source: { format: 'windows', kind: 'file', name: file },
      raw: line,
      fields: r.value.fields,
      ecs: r.value.ecs,
    });
  }
  return events.sort((a, b) => a.time - b.time);
}
