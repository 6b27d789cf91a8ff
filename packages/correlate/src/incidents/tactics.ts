/**
 * @module
 * ATT&CK tactics in kill-chain order, grouped into the three phases of an intrusion (getting
 * in, acting inside, acting on objectives), with the words an incident title uses for them.
 */

/** Enterprise ATT&CK tactics (short names), in kill-chain order. */
export const TACTIC_ORDER: readonly string[] = [
  'reconnaissance',
  'resource-development',
  'initial-access',
  'execution',
  'persistence',
  'privilege-escalation',
  'defense-evasion',
  'credential-access',
  'discovery',
  'lateral-movement',
  'collection',
  'command-and-control',
  'exfiltration',
  'impact',
];

const RANK = new Map(TACTIC_ORDER.map((t, i) => [t, i]));

/** Position of a tactic in the kill chain (unknown tactics sort last). */
export function tacticRank(tactic: string): number {
  // Sorts call this per comparison, mostly with names already normalised: look those up first.
  return RANK.get(tactic) ?? RANK.get(normaliseTactic(tactic)) ?? TACTIC_ORDER.length;
}

/** `Credential Access`, `credential_access`, `attack.credential-access` → `credential-access`. */
export function normaliseTactic(tactic: string): string {
  return tactic
    .trim()
    .toLowerCase()
    .replace(/^attack\./, '')
    .replace(/[\s_]+/g, '-');
}

/**
 * Phase of a tactic: 0 getting in (reconnaissance to initial access), 1 acting inside
 * (execution to lateral movement), 2 acting on objectives (collection to impact).
 */
export function tacticPhase(tactic: string): 0 | 1 | 2 {
  const r = tacticRank(tactic);
  if (r <= 2) return 0;
  if (r <= 9 || r >= TACTIC_ORDER.length) return 1;
  return 2;
}

/** Sorts tactics in kill-chain order, without duplicates. */
export function sortTactics(tactics: Iterable<string>): string[] {
  const out: string[] = [];
  for (const t of tactics) {
    const n = RANK.has(t) ? t : normaliseTactic(t);
    if (!out.includes(n)) out.push(n);
  }
  return out.sort((a, b) => tacticRank(a) - tacticRank(b));
}

/** What a title says for each tactic. */
export const TACTIC_PHRASES: Readonly<Record<string, string>> = {
  reconnaissance: 'reconnaissance',
  'resource-development': 'attack preparation',
  'initial-access': 'initial access',
  execution: 'malicious execution',
  persistence: 'persistence',
  'privilege-escalation': 'privilege escalation',
  'defense-evasion': 'defence evasion',
  'credential-access': 'credential theft',
  discovery: 'discovery',
  'lateral-movement': 'lateral movement',
  collection: 'data collection',
  'command-and-control': 'command and control',
  exfiltration: 'data exfiltration',
  impact: 'impact',
};
