/**
 * @module
 * Incident titles that say what happened: the stages of the attack that corroborated alerts
 * show, where, and by whom — `Credential theft, lateral movement and data exfiltration on fs-01,
 * dc-01 (administrator, adm-wgarcia)`. A story of one rule keeps the rule's own title.
 */
import { TACTIC_PHRASES, tacticRank } from './tactics.js';

/** What a title is made from. */
export interface TitleInput {
  /** Tactics of alerts of medium severity or more, else all tactics. */
  readonly tactics: readonly string[];
  /** Rules by alert count, most first. */
  readonly rules: readonly { readonly title: string }[];
  readonly hosts: readonly string[];
  readonly users: readonly string[];
  readonly ips: readonly string[];
}

function list(items: readonly string[], max: number): string {
  const shown = items.slice(0, max);
  const more = items.length - shown.length;
  return more > 0 ? `${shown.join(', ')} +${more}` : shown.join(', ');
}

function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1] ?? ''}`;
}

/** True when the tactics are in kill-chain order already (incidents pass them so). */
function inOrder(tactics: readonly string[]): boolean {
  for (let n = 1; n < tactics.length; n++) {
    if (tacticRank(tactics[n - 1] ?? '') > tacticRank(tactics[n] ?? '')) return false;
  }
  return true;
}

/** The title of an incident. */
export function incidentTitle(i: TitleInput): string {
  const where = i.hosts.length > 0 ? ` on ${list(i.hosts, 3)}` : i.ips.length > 0 ? ` from ${list(i.ips, 2)}` : '';
  const who = i.users.length > 0 ? ` (${list(i.users, 2)})` : '';
  if (i.rules.length === 1 || i.tactics.length === 0) {
    const rule = i.rules[0]?.title ?? 'Alerts';
    return `${rule}${where}${who}`;
  }
  // The most advanced stages say most about the story: keep the first and the last three.
  const sorted = inOrder(i.tactics) ? i.tactics : [...i.tactics].sort((a, b) => tacticRank(a) - tacticRank(b));
  const picked = sorted.length <= 4 ? sorted : [sorted[0] ?? '', ...sorted.slice(-3)];
  const words = picked.map((t) => TACTIC_PHRASES[t] ?? t.replaceAll('-', ' '));
  const text = joinWords(words);
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}${where}${who}`;
}
