/**
 * @module
 * Which ATT&CK techniques and tactics an incident claims. A rule's tags say what its alert *may*
 * show; an incident holds more evidence and settles what one rule cannot:
 *
 * - **Exfiltration channel.** A rule that tags an upload with both T1041 (over the C2 channel)
 *   and T1048/T1567 (over another protocol or a web service) cannot tell which. The incident can:
 *   T1041 when the upload went to an endpoint its command-and-control alerts name, the others
 *   when it did not.
 * - **Guessing or spraying.** Spraying (T1110.003) tries each account once or twice to stay under
 *   the lockout threshold; a source that also hammered one account (T1110.001) is guessing, so
 *   its spraying alerts claim nothing more.
 * - **Context.** An alert below medium severity whose only account is the system's own (SYSTEM,
 *   a service account) and that names no artefact or lateral edge joined the incident only
 *   because it happened on the same host: the machine did it, not the incident's actor. It is
 *   shown, but claims techniques and tactics only in an incident that has nothing else. (An
 *   alert that names no account at all, such as an auditd command, may well be the actor's.)
 *
 * Settled when the incident is snapshotted, so the order in which alerts arrive does not matter.
 * Memory per incident is capped like the rest of its state.
 */
import type { Entity } from '@intersoc/core';
import type { AlertKeys } from './keys.js';

const CAP = 200;
const NONE: readonly string[] = Object.freeze([]);
const C2_TACTIC = 'command-and-control';
const OVER_C2 = 'T1041';
/** Exfiltration techniques a rule may tag beside T1041 when it cannot tell the channel. */
const OTHER_CHANNELS = ['T1048', 'T1567'];
const GUESSING = 'T1110.001';
const SPRAYING = 'T1110.003';

interface ExfilClaim {
  /** External endpoints the data went to (`x:` address, `d:` domain keys). */
  readonly to: readonly string[];
  /** The techniques claimed when the endpoint is not the incident's C2. */
  readonly others: readonly string[];
}

function pushCapped(list: string[], value: string): void {
  if (list.length < CAP && !list.includes(value)) list.push(value);
}

function addCapped(set: Set<string>, value: string): void {
  if (set.size < CAP) set.add(value);
}

function isOtherChannel(t: string): boolean {
  return OTHER_CHANNELS.some((p) => t === p || t.startsWith(`${p}.`));
}

/** Addresses an alert's activity came from (a correlation's group-by address, a connection's source). */
function sourceAddresses(entities: readonly Entity[]): string[] {
  const out: string[] = [];
  for (const e of entities) {
    if (e.type === 'ip' && (e.role === undefined || e.role === 'source')) out.push(e.value.trim().toLowerCase());
  }
  return out;
}

/** True when the alert joins its incident as context only (see the module comment). */
export function isContextAlert(
  k: AlertKeys,
  entities: readonly Entity[],
  severityIndex: number,
  mediumIndex: number,
): boolean {
  if (severityIndex >= mediumIndex || k.strong.length > 0 || k.from.length > 0 || k.to.length > 0) return false;
  // Accounts were named, and every one was the system's own (keys leave those out).
  return k.users.length === 0 && entities.some((e) => e.type === 'user');
}

/** The technique and tactic claims of one incident. */
export class TechniqueClaims {
  private readonly techniques: string[] = [];
  private readonly tactics: string[] = [];
  private readonly contextTechniques: string[] = [];
  private readonly contextTactics: string[] = [];
  /** Whether any alert was evidence rather than context. */
  private evidence = false;
  private c2: Set<string> | undefined;
  private exfil: ExfilClaim[] | undefined;
  /** Keys of the pending claims above, so repeats of one finding are kept once. */
  private pending: Set<string> | undefined;
  private guessers: Set<string> | undefined;
  /** Source addresses of each spraying alert. */
  private sprays: string[][] | undefined;

  /**
   * Adds one alert's claims: `techniques` upper-case and `tactics` normalised, as the incident
   * keeps them.
   */
  add(
    techniques: readonly string[],
    tactics: readonly string[],
    k: AlertKeys,
    entities: readonly Entity[],
    context: boolean,
  ): void {
    if (context) {
      for (const t of techniques) pushCapped(this.contextTechniques, t);
      for (const t of tactics) pushCapped(this.contextTactics, t);
      return;
    }
    this.evidence = true;
    for (const t of tactics) pushCapped(this.tactics, t);
    if (tactics.includes(C2_TACTIC)) {
      this.c2 ??= new Set();
      for (const ip of k.extIps) addCapped(this.c2, `x:${ip}`);
      for (const d of k.domains) addCapped(this.c2, `d:${d}`);
    }
    const others = techniques.includes(OVER_C2) ? techniques.filter(isOtherChannel) : NONE;
    if (others.length > 0 && k.extIps.length + k.domains.length > 0 && (this.exfil?.length ?? 0) < CAP) {
      const to = [...k.extIps.map((ip) => `x:${ip}`), ...k.domains.map((d) => `d:${d}`)];
      if (this.fresh(`e:${to.join(' ')}|${others.join(' ')}`)) (this.exfil ??= []).push({ to, others });
      for (const t of techniques) if (t !== OVER_C2 && !others.includes(t)) pushCapped(this.techniques, t);
      return;
    }
    const guesses = techniques.includes(GUESSING);
    const sprays = techniques.includes(SPRAYING);
    const from = guesses !== sprays ? sourceAddresses(entities) : [];
    if (guesses && from.length > 0) {
      this.guessers ??= new Set();
      for (const a of from) addCapped(this.guessers, a);
    }
    if (sprays && from.length > 0 && (this.sprays?.length ?? 0) < CAP) {
      if (this.fresh(`s:${from.join(' ')}`)) (this.sprays ??= []).push(from);
      for (const t of techniques) if (t !== SPRAYING) pushCapped(this.techniques, t);
      return;
    }
    for (const t of techniques) pushCapped(this.techniques, t);
  }

  /** True the first time `key` is seen. */
  private fresh(key: string): boolean {
    this.pending ??= new Set();
    if (this.pending.has(key)) return false;
    this.pending.add(key);
    return true;
  }

  /** Takes in the claims of an incident merged into this one. */
  absorb(o: TechniqueClaims): void {
    this.evidence ||= o.evidence;
    for (const t of o.techniques) pushCapped(this.techniques, t);
    for (const t of o.tactics) pushCapped(this.tactics, t);
    for (const t of o.contextTechniques) pushCapped(this.contextTechniques, t);
    for (const t of o.contextTactics) pushCapped(this.contextTactics, t);
    if (o.c2) {
      this.c2 ??= new Set();
      for (const v of o.c2) addCapped(this.c2, v);
    }
    if (o.guessers) {
      this.guessers ??= new Set();
      for (const v of o.guessers) addCapped(this.guessers, v);
    }
    for (const e of o.exfil ?? []) {
      if ((this.exfil?.length ?? 0) < CAP && this.fresh(`e:${e.to.join(' ')}|${e.others.join(' ')}`))
        (this.exfil ??= []).push(e);
    }
    for (const s of o.sprays ?? []) {
      if ((this.sprays?.length ?? 0) < CAP && this.fresh(`s:${s.join(' ')}`)) (this.sprays ??= []).push(s);
    }
  }

  /** The techniques and tactics the incident claims now (unsorted). */
  settle(): { techniques: string[]; tactics: string[] } {
    if (!this.evidence) return { techniques: [...this.contextTechniques], tactics: [...this.contextTactics] };
    const techniques = [...this.techniques];
    for (const e of this.exfil ?? []) {
      const overC2 = e.to.some((v) => this.c2?.has(v) === true);
      for (const t of overC2 ? [OVER_C2] : e.others) pushCapped(techniques, t);
    }
    for (const from of this.sprays ?? []) {
      if (!from.every((a) => this.guessers?.has(a) === true)) pushCapped(techniques, SPRAYING);
    }
    return { techniques, tactics: [...this.tactics] };
  }
}
