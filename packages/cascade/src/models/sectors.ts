/**
 * @module
 * Sectors and the default sector interdependency matrix for the IIM.
 *
 * Where the default matrix comes from: it is **our own expert-judgement estimate**, not measured
 * input–output data. Each entry `A*[i][j]` rates how much sector i's operability depends on
 * sector j, on the scale 0 (none), 0.02 (marginal), 0.05 (low), 0.1 (medium), 0.2 (high),
 * 0.3–0.4 (critical), in the spirit of the expert elicitations used with the IIM for
 * infrastructure sectors (Setola, De Porcellinis and Sforna 2009). Every row sums below 0.75,
 * so `I − A*` is invertible and the Neumann series converges. Use it for orientation only;
 * for decisions, derive A* from a national input–output table with `interdependencyFromIo`
 * (for example Eurostat's symmetric input–output tables) and pass it with `--matrix`.
 */

/** The default sectors, in matrix order. */
export const SECTORS = [
  'energy',
  'telecom',
  'finance',
  'transport',
  'water',
  'health',
  'government',
  'digital',
] as const;

/** A default sector id. */
export type Sector = (typeof SECTORS)[number];

/** Words that map an entity's or a peer's sector text onto a default sector. */
const SECTOR_WORDS: readonly [Sector, RegExp][] = [
  ['energy', /energy|electric|power|grid|gas|oil|utility/i],
  ['telecom', /telecom|telco|communication|mobile|isp|network-operator/i],
  ['finance', /financ|bank|payment|insurance|market/i],
  ['transport', /transport|rail|aviation|air|port|maritime|logistic|road/i],
  ['water', /water|wastewater|sewage/i],
  ['health', /health|hospital|medical|pharma/i],
  ['government', /government|public|administration|national|defen/i],
  ['digital', /digital|cloud|data-?cent|dns|ict|hosting|it-service/i],
];

/** The default sector a free-form sector name falls into, if any. */
export function sectorOf(text: string | undefined): Sector | undefined {
  if (text === undefined) return undefined;
  const exact = SECTORS.find((s) => s === text.toLowerCase());
  if (exact) return exact;
  return SECTOR_WORDS.find(([, re]) => re.test(text))?.[0];
}

/** Expert-judgement interdependency matrix over `SECTORS` (rows depend on columns). */
export const DEFAULT_SECTOR_MATRIX: readonly (readonly number[])[] = [
  //  energy telecom finance transport water health gov  digital
  [0.0, 0.15, 0.02, 0.1, 0.05, 0.0, 0.02, 0.05], // energy
  [0.35, 0.0, 0.02, 0.02, 0.02, 0.0, 0.02, 0.1], // telecom
  [0.2, 0.25, 0.0, 0.02, 0.02, 0.0, 0.05, 0.2], // finance
  [0.3, 0.1, 0.05, 0.0, 0.02, 0.0, 0.05, 0.1], // transport
  [0.35, 0.1, 0.02, 0.05, 0.0, 0.0, 0.02, 0.05], // water
  [0.2, 0.1, 0.02, 0.1, 0.2, 0.0, 0.02, 0.1], // health
  [0.15, 0.2, 0.05, 0.05, 0.05, 0.02, 0.0, 0.2], // government
  [0.35, 0.3, 0.02, 0.02, 0.05, 0.0, 0.0, 0.0], // digital
];

/** Default recovery times per sector, hours (the same kind of estimate as the matrix). */
export const DEFAULT_RECOVERY_HOURS: readonly number[] = [48, 24, 24, 48, 72, 72, 48, 24];
