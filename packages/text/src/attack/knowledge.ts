/**
 * @module
 * ATT&CK knowledge the extractor needs: technique ids with names and tactics, tactic names, and
 * the names of groups, software and campaigns, read from the ATT&CK-derived data
 * (`ml/attack-stix-derived`) and shipped inside the model file, so a node needs no corpus at
 * run time. Names that are also ordinary words (`Net`, `at`, `Ping`, `Explosive`) are marked
 * ambiguous: they count only written as ATT&CK writes them and beside a word such as
 * "malware", "tool" or "group".
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { AppError } from '@intersoc/core';

/** A named group, piece of software or campaign. */
export interface AttackActor {
  readonly id: string;
  /** STIX type: `intrusion-set`, `malware`, `tool` or `campaign`. */
  readonly type: string;
  readonly name: string;
  /** True when the name is also a common word. */
  readonly ambiguous: boolean;
}

/** The knowledge in its serialisable form. */
export interface AttackKnowledgeState {
  readonly source: string;
  /** id → [name, tactics (short names), is sub-technique]. */
  readonly techniques: Readonly<Record<string, readonly [string, readonly string[]]>>;
  /** short name → [id, name]. */
  readonly tactics: Readonly<Record<string, readonly [string, string]>>;
  readonly actors: readonly AttackActor[];
}

const Derived = z.object({
  source: z.string().optional(),
  tactics: z.record(z.string(), z.object({ name: z.string(), shortname: z.string() })),
  techniques: z.record(z.string(), z.object({ name: z.string(), tactics: z.array(z.string()) })),
  actors: z.record(z.string(), z.object({ type: z.string(), name: z.string() })),
});

/** Words that say a name is meant as a group, software or campaign. */
const CONTEXT =
  /\b(malware|tool|tools|toolkit|backdoor|trojan|rat|ransomware|loader|dropper|implant|stealer|botnet|family|variant|group|actor|actors|apt|campaign|operation|threat|framework|payload|utility|binary)\b/i;

/** One match of an actor in a text. */
export interface ActorMatch {
  readonly actor: AttackActor;
  readonly start: number;
  readonly end: number;
  readonly confidence: number;
}

/** ATT&CK knowledge with a name matcher. */
export class AttackKnowledge {
  private readonly byLower = new Map<string, AttackActor[]>();
  private readonly matcher: RegExp | undefined;

  constructor(readonly state: AttackKnowledgeState) {
    for (const a of state.actors) {
      const k = a.name.toLowerCase();
      this.byLower.set(k, [...(this.byLower.get(k) ?? []), a]);
    }
    const names = [...this.byLower.keys()].filter((n) => n.length >= 2).sort((a, b) => b.length - a.length);
    const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    this.matcher =
      names.length > 0 ? new RegExp(`(?<![\\w-])(?:${names.map(esc).join('|')})(?![\\w-])`, 'gi') : undefined;
  }

  /**
   * Reads the ATT&CK-derived file; `commonWords` (lower case) are the words of ordinary prose,
   * which make a name ambiguous.
   */
  static fromDerived(file: string, commonWords: ReadonlySet<string>): AttackKnowledge {
    const parsed = Derived.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) throw new AppError('PARSE', `${file}: not the ATT&CK-derived format`);
    const d = parsed.data;
    const techniques: Record<string, readonly [string, readonly string[]]> = {};
    for (const [id, t] of Object.entries(d.techniques)) techniques[id] = [t.name, t.tactics];
    const tactics: Record<string, readonly [string, string]> = {};
    for (const [id, t] of Object.entries(d.tactics)) tactics[t.shortname] = [id, t.name];
    const actors = Object.entries(d.actors)
      .filter(([, a]) => ['intrusion-set', 'malware', 'tool', 'campaign'].includes(a.type))
      .map(([id, a]) => ({
        id,
        type: a.type,
        name: a.name,
        ambiguous:
          a.name.length <= 3 ||
          a.name
            .toLowerCase()
            .split(/\s+/)
            .every((w) => commonWords.has(w)),
      }))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    return new AttackKnowledge({ source: d.source ?? file, techniques, tactics, actors });
  }

  /** Name and tactics of a technique, or undefined for an unknown id. */
  technique(id: string): { readonly name: string; readonly tactics: readonly string[] } | undefined {
    const t = this.state.techniques[id];
    return t ? { name: t[0], tactics: t[1] } : undefined;
  }

  /** Tactic id and name of a tactic short name (`execution`). */
  tactic(shortname: string): { readonly id: string; readonly name: string } | undefined {
    const t = this.state.tactics[shortname];
    return t ? { id: t[0], name: t[1] } : undefined;
  }

  /** Explicit technique ids in a text (`T1059.001`), known ones only. */
  explicitTechniques(text: string): { id: string; start: number; end: number }[] {
    const out: { id: string; start: number; end: number }[] = [];
    for (const m of text.matchAll(/(?<![\w.])T\d{4}(?:\.\d{3})?(?![\w]|\.\d)/g)) {
      const id = m[0];
      if (this.state.techniques[id]) out.push({ id, start: m.index, end: m.index + id.length });
    }
    return out;
  }

  /** Groups, software and campaigns named in a text. */
  actors(text: string): ActorMatch[] {
    if (!this.matcher) return [];
    const out: ActorMatch[] = [];
    this.matcher.lastIndex = 0;
    for (const m of text.matchAll(this.matcher)) {
      const list = this.byLower.get(m[0].toLowerCase()) ?? [];
      for (const a of list) {
        if (a.ambiguous) {
          // Written as ATT&CK writes it, and said to be software or a group.
          const around = text.slice(Math.max(0, m.index - 80), m.index + m[0].length + 80);
          if (m[0] !== a.name || !CONTEXT.test(around)) continue;
          out.push({ actor: a, start: m.index, end: m.index + m[0].length, confidence: 0.6 });
        } else {
          // A plain capitalised word (`Empire`, `Carbon`) counts only capitalised: lower case it is prose.
          if (/^[A-Z][a-z]+$/.test(a.name) && m[0] !== a.name) continue;
          out.push({ actor: a, start: m.index, end: m.index + m[0].length, confidence: 0.9 });
        }
      }
    }
    return out;
  }
}
