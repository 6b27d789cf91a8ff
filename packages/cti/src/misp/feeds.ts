/**
 * @module
 * MISP feeds. A MISP-format feed is a directory or URL with `manifest.json` (event uuid →
 * summary, optionally `integrity:sha256` of the event file), one `<uuid>.json` per event, and
 * `hashes.csv` (md5 of every attribute value → event uuid) for cheap "is this value in the feed"
 * checks. CSV and free-text feeds are also read, into indicators directly.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '@intersoc/core';
import { z } from 'zod';
import { extractObservables, inferObservable } from '../indicators/infer.js';
import { hashAlgorithm } from '../indicators/normalise.js';
import type { SimpleIndicator } from '../indicators/types.js';
import { parseMispEvent } from './parse.js';
import type { MispEvent } from './types.js';

/** One manifest entry. */
export const ManifestEntrySchema = z.looseObject({
  info: z.string().optional(),
  date: z.string().optional(),
  timestamp: z.union([z.string(), z.number()]).optional(),
  Tag: z.array(z.looseObject({ name: z.string() })).optional(),
  'integrity:sha256': z.string().optional(),
});
/** The feed manifest. */
export const ManifestSchema = z.record(z.string(), ManifestEntrySchema);
/** A manifest. */
export type FeedManifest = z.infer<typeof ManifestSchema>;

/** Reads a file of a feed (directory path or http(s) URL). */
export type FeedReader = (name: string) => Promise<Buffer>;

/** A reader for a directory or URL. */
export function feedReader(source: string): FeedReader {
  if (/^https?:\/\//i.test(source)) {
    const base = source.endsWith('/') ? source : `${source}/`;
    return async (name) => {
      const res = await fetch(new URL(name, base));
      if (!res.ok) throw new AppError('NOT_FOUND', `feed ${base}${name}: HTTP ${res.status}`);
      return Buffer.from(await res.arrayBuffer());
    };
  }
  return (name) => readFile(path.join(source, name));
}

/** A MISP feed opened for reading. */
export interface MispFeed {
  readonly manifest: FeedManifest;
  /** Loads one event, checking the manifest's sha256 when present. */
  event(uuid: string): Promise<MispEvent>;
  /** All events, in manifest order. */
  events(): Promise<MispEvent[]>;
  /** md5 of attribute values → event uuids, from hashes.csv (empty when the feed has none). */
  hashes(): Promise<FeedHashes>;
}

/** Opens a MISP-format feed. */
export async function openMispFeed(source: string | FeedReader): Promise<MispFeed> {
  const read = typeof source === 'string' ? feedReader(source) : source;
  const parsed = ManifestSchema.safeParse(JSON.parse((await read('manifest.json')).toString('utf8')));
  if (!parsed.success)
    throw new AppError('VALIDATION', `feed manifest: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const manifest = parsed.data;
  const event = async (uuid: string): Promise<MispEvent> => {
    if (!/^[0-9a-f-]{36}$/i.test(uuid)) throw new AppError('BAD_REQUEST', `not an event uuid: ${uuid}`);
    const bytes = await read(`${uuid}.json`);
    const want = manifest[uuid]?.['integrity:sha256'];
    if (want && createHash('sha256').update(bytes).digest('hex') !== want.toLowerCase()) {
      throw new AppError('VALIDATION', `feed event ${uuid} fails its integrity check`);
    }
    const r = parseMispEvent(JSON.parse(bytes.toString('utf8')));
    if (!r.ok) throw new AppError('VALIDATION', `feed event ${uuid}: ${r.reason}`);
    return r.value.uuid ? r.value : { ...r.value, uuid };
  };
  return {
    manifest,
    event,
    events: async () => Promise.all(Object.keys(manifest).map(event)),
    hashes: async () => {
      try {
        return FeedHashes.parse((await read('hashes.csv')).toString('utf8'));
      } catch (err) {
        if (err instanceof AppError || (err as NodeJS.ErrnoException).code === 'ENOENT') return FeedHashes.parse('');
        throw err;
      }
    },
  };
}

/** The hashes.csv lookup: which events of a feed hold a value. */
export class FeedHashes {
  private constructor(private readonly map: ReadonlyMap<string, readonly string[]>) {}

  /** Parses `md5,event_uuid` lines. */
  static parse(text: string): FeedHashes {
    const map = new Map<string, string[]>();
    for (const line of text.split(/\r?\n/)) {
      const [h, uuid] = line.split(',').map((s) => s.trim());
      if (!h || !uuid || !/^[0-9a-f]{32}$/i.test(h)) continue;
      const k = h.toLowerCase();
      const cur = map.get(k);
      if (cur) cur.push(uuid);
      else map.set(k, [uuid]);
    }
    return new FeedHashes(map);
  }

  /** Number of distinct hashed values. */
  get size(): number {
    return this.map.size;
  }

  /** Events of the feed holding `value` (exact attribute value or one part of a composite). */
  lookup(value: string): readonly string[] {
    return this.map.get(createHash('md5').update(value).digest('hex')) ?? [];
  }
}

/** Options of CSV feeds. */
export interface CsvFeedOptions {
  /** Column holding the value: index or header name; default 0. */
  readonly column?: number | string;
  readonly delimiter?: string;
  /** First line is a header (default: detected when `column` is a name). */
  readonly header?: boolean;
  /** Feed name, used in ids and `source`. */
  readonly name: string;
}

/** Indicators of a CSV feed; the kind of each value is inferred. */
export function csvFeedIndicators(text: string, options: CsvFeedOptions): SimpleIndicator[] {
  const delim = options.delimiter ?? ',';
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
  let col = typeof options.column === 'number' ? options.column : 0;
  let start = 0;
  if (typeof options.column === 'string' || options.header) {
    const head = (lines[0] ?? '').split(delim).map((h) => h.trim().replace(/^"|"$/g, ''));
    if (typeof options.column === 'string') col = head.indexOf(options.column);
    if (col < 0) throw new AppError('VALIDATION', `CSV feed ${options.name} has no column "${String(options.column)}"`);
    start = 1;
  }
  const out: SimpleIndicator[] = [];
  for (let i = start; i < lines.length; i++) {
    const cell = (lines[i] as string).split(delim)[col]?.trim().replace(/^"|"$/g, '');
    const o = cell ? inferObservable(cell) : undefined;
    if (!o) continue;
    out.push(feedIndicator(options.name, i, o.kind, o.value));
  }
  return out;
}

/** Indicators of a free-text feed (one or more observables per line, defanged forms allowed). */
export function freetextFeedIndicators(text: string, name: string): SimpleIndicator[] {
  return extractObservables(text).map((o, i) => feedIndicator(name, i, o.kind, o.value));
}

function feedIndicator(name: string, i: number, kind: SimpleIndicator['kind'], value: string): SimpleIndicator {
  const algorithm = kind === 'hash' ? hashAlgorithm(value) : undefined;
  return { id: `feed:${name}:${i}`, kind, value, source: `feed:${name}`, ...(algorithm ? { algorithm } : {}) };
}
