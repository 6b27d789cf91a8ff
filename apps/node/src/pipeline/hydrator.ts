/**
 * @module
 * Re-derives an event's fields and ECS projection from its stored raw record with the format
 * plug-in that parsed it. Stored blocks keep only raw records and envelopes (parse once at the
 * edge, keep storage small); search and the term indexer call this on read.
 */
import type { EventHydrator } from '@intersoc/storage';
import { getFormat } from '@intersoc/ingest';
import type { RecordParser } from '@intersoc/core';

const EMPTY = { fields: {}, ecs: {} } as const;
/** Binary formats store a JSON rendering, re-parsed by the text format that shares its shape. */
const RENDERED_AS: Readonly<Record<string, string>> = { evtx: 'windows' };

/**
 * True when re-parsing a stored record of `format` yields the values its first parse did, so the
 * term index can take them from the first parse. Rendered binary formats are re-parsed by another
 * plug-in: their blocks are indexed from the re-parse in the writer.
 */
export function sameValuesOnRead(format: string): boolean {
  return RENDERED_AS[format] === undefined;
}

/** A hydrator backed by the ingest format registry, caching one parser per format and context. */
export function createHydrator(): EventHydrator {
  const parsers = new Map<string, RecordParser | null>();
  return {
    hydrate(e) {
      const format = RENDERED_AS[e.source.format] ?? e.source.format;
      const key = `${format}\0${e.context ?? ''}`;
      let parser = parsers.get(key);
      if (parser === undefined) {
        const plugin = getFormat(format);
        parser = plugin?.open ? plugin.open({ name: e.source.name }) : null;
        // Stateful formats (Zeek, CSV) need their header lines before any record.
        if (parser && e.context) for (const line of e.context.split('\n')) parser.parse(line);
        if (parsers.size > 256) parsers.clear();
        parsers.set(key, parser);
      }
      if (!parser) return EMPTY;
      const r = parser.parse(e.raw);
      return r.ok === true ? { fields: r.value.fields, ecs: r.value.ecs } : EMPTY;
    },
  };
}
