/**
 * @module
 * Loading indicators from files and folders of any supported source: STIX bundles or object
 * lists, MISP events, MISP feed folders (`manifest.json`), CSV feeds and free-text feeds.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { indicatorsFromStix } from './from-stix.js';
import type { IndicatorSet } from './types.js';
import { csvFeedIndicators, freetextFeedIndicators, openMispFeed } from '../misp/feeds.js';
import { indicatorsFromMisp } from '../misp/indicators.js';
import { parseMispEvents } from '../misp/parse.js';
import type { WarninglistIndex } from '../misp/warninglists.js';

/** Options of `loadIndicators`. */
export interface LoadIndicatorsOptions {
  readonly warninglists?: WarninglistIndex;
}

function merge(into: IndicatorSet, from: IndicatorSet): void {
  into.simple.push(...from.simple);
  into.patterns.push(...from.patterns);
  into.rejected.push(...from.rejected);
}

function looksLikeStix(doc: unknown): boolean {
  const first = Array.isArray(doc) ? doc[0] : doc;
  return !!first && typeof first === 'object' && typeof (first as Record<string, unknown>)['type'] === 'string';
}

/** Loads every indicator under the given paths. */
export async function loadIndicators(
  paths: readonly string[],
  options: LoadIndicatorsOptions = {},
): Promise<IndicatorSet> {
  const set: IndicatorSet = { simple: [], patterns: [], rejected: [] };
  const visit = async (p: string): Promise<void> => {
    const st = statSync(p);
    if (st.isDirectory()) {
      if (existsSync(path.join(p, 'manifest.json'))) {
        const feed = await openMispFeed(p);
        for (const e of await feed.events()) {
          set.simple.push(
            ...indicatorsFromMisp(e, {
              source: `feed:${path.basename(p)}`,
              ...(options.warninglists ? { warninglists: options.warninglists } : {}),
            }),
          );
        }
        return;
      }
      for (const name of readdirSync(p).sort()) await visit(path.join(p, name));
      return;
    }
    const text = readFileSync(p, 'utf8');
    const name = path.basename(p);
    if (p.endsWith('.json')) {
      const doc = JSON.parse(text) as unknown;
      if (looksLikeStix(doc)) {
        merge(set, indicatorsFromStix(Array.isArray(doc) ? doc : [doc]));
        return;
      }
      const events = parseMispEvents(doc);
      if (!events.ok) {
        set.rejected.push({ id: p, reason: events.reason });
        return;
      }
      for (const e of events.value) {
        set.simple.push(...indicatorsFromMisp(e, options.warninglists ? { warninglists: options.warninglists } : {}));
      }
      return;
    }
    if (p.endsWith('.csv')) set.simple.push(...csvFeedIndicators(text, { name }));
    else set.simple.push(...freetextFeedIndicators(text, name));
  };
  for (const p of paths) await visit(p);
  if (options.warninglists) {
    const wl = options.warninglists;
    set.simple.splice(0, set.simple.length, ...set.simple.filter((i) => wl.check(i.value).length === 0));
  }
  return set;
}
