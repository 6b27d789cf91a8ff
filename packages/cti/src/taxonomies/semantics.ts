/**
 * @module
 * Taxonomies with built-in meaning: PAP levels, and confidence from the admiralty scale and from
 * estimative language, on the STIX 2.1 confidence scales (Appendix A: Admiralty credibility,
 * DNI estimative probability, None/Low/Med/High). RSIT, NIS2 and the others are vocabularies
 * served by the taxonomy registry.
 */
import { parseMachineTag } from './machine-tag.js';

/** PAP levels, least to most restrictive (PAP:WHITE is the older name of CLEAR). */
export const PAP_LEVELS = ['clear', 'green', 'amber', 'red'] as const;
/** One PAP level. */
export type PapLevel = (typeof PAP_LEVELS)[number];

/** The PAP level of a tag (`PAP:AMBER`, `pap:white`), or undefined. */
export function papLevel(tag: string): PapLevel | undefined {
  const m = /^pap:\s*"?([a-z]+)"?$/i.exec(tag.trim());
  if (!m) return undefined;
  const l = (m[1] as string).toLowerCase();
  if (l === 'white') return 'clear';
  return (PAP_LEVELS as readonly string[]).includes(l) ? (l as PapLevel) : undefined;
}

const ADMIRALTY_CREDIBILITY: Readonly<Record<string, number>> = { '1': 90, '2': 70, '3': 50, '4': 30, '5': 10 };
const LIKELIHOOD: Readonly<Record<string, number>> = {
  'almost-no-chance': 5,
  remote: 5,
  'very-unlikely': 15,
  'highly-improbable': 15,
  unlikely: 30,
  improbable: 30,
  'roughly-even-chance': 50,
  'roughly-even-odds': 50,
  likely: 70,
  probable: 70,
  'very-likely': 85,
  'highly-probable': 85,
  'almost-certain': 95,
  'nearly-certain': 95,
};
const ANALYTIC_CONFIDENCE: Readonly<Record<string, number>> = { low: 15, moderate: 50, high: 85 };

/** STIX confidence (0–100) carried by one tag, or undefined. */
export function confidenceOfTag(tag: string): number | undefined {
  const mt = parseMachineTag(tag);
  if (!mt || mt.value === undefined) return undefined;
  const ns = mt.namespace.toLowerCase();
  const v = mt.value.toLowerCase();
  if (ns === 'admiralty-scale' && mt.predicate === 'information-credibility') return ADMIRALTY_CREDIBILITY[v];
  if (ns === 'estimative-language' && mt.predicate === 'likelihood-probability') return LIKELIHOOD[v];
  if (ns === 'estimative-language' && mt.predicate === 'confidence-in-analytic-judgment') return ANALYTIC_CONFIDENCE[v];
  return undefined;
}

/** The confidence of a tag set: the first tag that carries one, in order of preference. */
export function confidenceFromTags(tags: readonly string[]): number | undefined {
  for (const t of tags) {
    const c = confidenceOfTag(t);
    if (c !== undefined) return c;
  }
  return undefined;
}
