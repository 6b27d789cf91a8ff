/**
 * @module
 * ATT&CK tactics and techniques from Sigma tags (`attack.credential-access`, `attack.t1003.001`).
 */

const TACTICS = new Set([
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
  'stealth',
  'defense-impairment',
]);

/** Splits tags into ATT&CK tactics (names) and technique ids (upper-case, e.g. `T1003.001`). */
export function attackFromTags(tags: readonly string[]): { tactics: string[]; techniques: string[] } {
  const tactics: string[] = [];
  const techniques: string[] = [];
  for (const t of tags) {
    const lower = t.toLowerCase();
    if (!lower.startsWith('attack.')) continue;
    const v = lower.slice(7).replaceAll('_', '-');
    // Newer ATT&CK versions add tactics (stealth, defense-impairment): any word tag that is not
    // an object id (t1234, g0001, s0002, ds0009, m1040, a0001) is taken as a tactic.
    if (TACTICS.has(v) || (/^[a-z]+(-[a-z]+)*$/.test(v) && !/^(t|g|s|ds|m|a)\d+$/.test(v))) {
      if (!tactics.includes(v)) tactics.push(v);
    } else if (/^t\d{4}(\.\d{3})?$/.test(v)) {
      const id = v.toUpperCase();
      if (!techniques.includes(id)) techniques.push(id);
    }
  }
  return { tactics, techniques };
}
