/**
 * @module
 * Reading MISP JSON: `{"Event": {...}}`, `{"response": [{"Event": ...}]}`, a bare event, or a
 * list of those, validated with the core-format schema.
 */
import { fail, ok, type Result } from '@intersoc/core';
import { MispEventSchema, type MispEvent } from './types.js';

/** Parses every event in a MISP JSON document. */
export function parseMispEvents(doc: unknown): Result<MispEvent[]> {
  const raw: unknown[] = [];
  const collect = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(collect);
    else if (x && typeof x === 'object') {
      const o = x as Record<string, unknown>;
      if ('response' in o) collect(o['response']);
      else if ('Event' in o) collect(o['Event']);
      else raw.push(o);
    }
  };
  collect(doc);
  const out: MispEvent[] = [];
  for (const [i, r] of raw.entries()) {
    const parsed = MispEventSchema.safeParse(r);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return fail(`event ${i}: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`);
    }
    out.push(parsed.data);
  }
  return ok(out);
}

/** Parses a document holding exactly one event. */
export function parseMispEvent(doc: unknown): Result<MispEvent> {
  const r = parseMispEvents(doc);
  if (!r.ok) return r;
  const [first] = r.value;
  return r.value.length === 1 && first ? ok(first) : fail(`expected one event, found ${r.value.length}`);
}
