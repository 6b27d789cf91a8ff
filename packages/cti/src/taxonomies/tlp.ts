/**
 * @module
 * Traffic Light Protocol markings. TLP 1.0 has four predefined STIX 2.1 marking-definitions
 * (spec §7.2.1.4); TLP 2.0 is published by OASIS as marking-definitions carrying the TLP 2.0
 * extension. Other platforms emit variant ids (OpenCTI maps CLEAR onto the TLP 1.0 WHITE id and
 * uses its own id for AMBER+STRICT), so every known id and tag is normalised to one TLP 2.0 level.
 */
import type { MarkingDefinition } from '../stix/types.js';

/** TLP 2.0 levels, least to most restrictive. */
export const TLP_LEVELS = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const;
/** One TLP 2.0 level. */
export type TlpLevel = (typeof TLP_LEVELS)[number];

/** TLP 1.0 predefined marking ids (level → id). */
export const TLP_V1_MARKINGS = {
  white: 'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9',
  green: 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da',
  amber: 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82',
  red: 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed',
} as const;

/** The OASIS TLP 2.0 extension-definition id. */
export const TLP_V2_EXTENSION_ID = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';

/** TLP 2.0 marking ids published by OASIS (level → id). */
export const TLP_V2_MARKINGS: Readonly<Record<TlpLevel, string>> = {
  clear: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  green: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  amber: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'amber+strict': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  red: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};

/** OpenCTI's non-OASIS id for TLP:AMBER+STRICT. */
export const OPENCTI_AMBER_STRICT_ID = 'marking-definition--826578e1-40ad-459f-bc73-ede076f81f37';

const BY_ID = new Map<string, TlpLevel>([
  ...Object.entries(TLP_V2_MARKINGS).map(([l, id]) => [id, l as TlpLevel] as const),
  [TLP_V1_MARKINGS.white, 'clear'],
  [TLP_V1_MARKINGS.green, 'green'],
  [TLP_V1_MARKINGS.amber, 'amber'],
  [TLP_V1_MARKINGS.red, 'red'],
  [OPENCTI_AMBER_STRICT_ID, 'amber+strict'],
]);

/**
 * The TLP 2.0 level of a marking id, a tag (`tlp:white`, `TLP:AMBER+STRICT`, `tlp:ex:chr`
 * is not TLP) or a marking-definition object; undefined when it is not a TLP marking.
 */
export function normaliseTlp(marking: string | Readonly<Record<string, unknown>>): TlpLevel | undefined {
  if (typeof marking !== 'string') return tlpOfDefinition(marking);
  const byId = BY_ID.get(marking.toLowerCase());
  if (byId) return byId;
  const m = /^tlp:\s*"?([a-z+ -]+?)"?$/i.exec(marking.trim());
  if (!m) return undefined;
  const level = (m[1] as string).toLowerCase().replace(/\s+/g, '').replace('amber-strict', 'amber+strict');
  if (level === 'white') return 'clear';
  return (TLP_LEVELS as readonly string[]).includes(level) ? (level as TlpLevel) : undefined;
}

function tlpOfDefinition(md: Readonly<Record<string, unknown>>): TlpLevel | undefined {
  if (typeof md['id'] === 'string') {
    const byId = BY_ID.get(md['id']);
    if (byId) return byId;
  }
  const ext = (md['extensions'] as Record<string, { tlp_2_0?: unknown }> | undefined)?.[TLP_V2_EXTENSION_ID];
  if (ext && typeof ext.tlp_2_0 === 'string') return normaliseTlp(`tlp:${ext.tlp_2_0}`);
  const def = md['definition'] as { tlp?: unknown } | undefined;
  if (md['definition_type'] === 'tlp' && typeof def?.tlp === 'string') return normaliseTlp(`tlp:${def.tlp}`);
  if (typeof md['name'] === 'string') return normaliseTlp(md['name']);
  return undefined;
}

/** The most restrictive TLP level among markings (ids or tags); undefined when none is TLP. */
export function strictestTlp(markings: readonly string[]): TlpLevel | undefined {
  let best = -1;
  for (const m of markings) {
    const l = normaliseTlp(m);
    if (l !== undefined) best = Math.max(best, TLP_LEVELS.indexOf(l));
  }
  return best < 0 ? undefined : TLP_LEVELS[best];
}

/** True when `level` may be shared under a ceiling (`level` ≤ `ceiling`). */
export function tlpAllows(ceiling: TlpLevel, level: TlpLevel): boolean {
  return TLP_LEVELS.indexOf(level) <= TLP_LEVELS.indexOf(ceiling);
}

/** The OASIS TLP 2.0 marking-definition object for a level. */
export function tlpMarkingDefinition(level: TlpLevel): MarkingDefinition {
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: TLP_V2_MARKINGS[level],
    created: '2022-10-01T00:00:00.000Z',
    name: `TLP:${level.toUpperCase()}`,
    extensions: { [TLP_V2_EXTENSION_ID]: { extension_type: 'property-extension', tlp_2_0: level } },
  };
}

/** The MISP machine tag of a level (`tlp:amber+strict`). */
export function tlpTag(level: TlpLevel): string {
  return `tlp:${level}`;
}
