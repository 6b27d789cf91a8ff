/**
 * @module
 * TLP 2.0 badges: the label and the colours FIRST specifies (coloured text on black), so a
 * badge reads the same as on a printed report.
 */

/** Badge text and colours of a TLP level. */
export interface TlpBadge {
  readonly label: string;
  readonly fg: string;
  readonly bg: string;
  /** Plain-language meaning, for the tooltip and screen readers. */
  readonly meaning: string;
}

const BADGES: Readonly<Record<string, TlpBadge>> = {
  clear: { label: 'TLP:CLEAR', fg: '#FFFFFF', bg: '#000000', meaning: 'may be shared publicly' },
  white: { label: 'TLP:CLEAR', fg: '#FFFFFF', bg: '#000000', meaning: 'may be shared publicly' },
  green: { label: 'TLP:GREEN', fg: '#33FF00', bg: '#000000', meaning: 'community-wide sharing' },
  amber: { label: 'TLP:AMBER', fg: '#FFC000', bg: '#000000', meaning: 'organisation and its clients, need to know' },
  'amber+strict': {
    label: 'TLP:AMBER+STRICT',
    fg: '#FFC000',
    bg: '#000000',
    meaning: 'organisation only, need to know',
  },
  red: { label: 'TLP:RED', fg: '#FF2B2B', bg: '#000000', meaning: 'named recipients only' },
};

/** The badge of a TLP level (`green`, `TLP:AMBER+STRICT` ...); undefined for no or unknown TLP. */
export function tlpBadge(level: string | undefined): TlpBadge | undefined {
  if (level === undefined) return undefined;
  return BADGES[level.toLowerCase().replace(/^tlp:/, '')];
}
