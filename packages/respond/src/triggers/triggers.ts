/**
 * @module
 * Which playbooks an incident or a case starts. A playbook says so in its INTERSOC extension
 * (`triggers`: RSIT classes or `class/type`, ATT&CK techniques, a minimum severity, `on_case`,
 * case `tags`); every listed condition must hold (an empty list is no condition). Cases start
 * only playbooks with `on_case: true`, incidents only those without it; `tags` (any of them) are
 * a case's. A playbook with no triggers only runs by hand.
 */
import { SEVERITIES, type Severity } from '@intersoc/core';
import { playbookExtension } from '../cacao/extension.js';
import type { Playbook } from '../cacao/types.js';

/** What a trigger looks at. */
export interface TriggerSubject {
  readonly kind: 'incident' | 'case';
  readonly id: string;
  readonly severity: Severity;
  readonly rsit?: { readonly class: string; readonly type: string };
  readonly techniques: readonly string[];
  /** A case's tags. */
  readonly tags?: readonly string[];
}

/** Why a playbook matches `subject`, or undefined when it does not. */
export function triggerReason(p: Playbook, subject: TriggerSubject): string | undefined {
  const t = playbookExtension(p).triggers;
  if (!t) return undefined;
  const reasons: string[] = [];
  if (subject.kind === 'case') {
    if (t.on_case !== true) return undefined;
    reasons.push('case');
  } else if (t.on_case === true) return undefined;
  if (t.tags && t.tags.length > 0) {
    const tags = (subject.tags ?? []).map((x) => x.toLowerCase());
    const hit = t.tags.find((w) => tags.includes(w.toLowerCase()));
    if (!hit) return undefined;
    reasons.push(`tag ${hit}`);
  }
  if (t.rsit && t.rsit.length > 0) {
    const cls = subject.rsit?.class.toLowerCase() ?? '';
    const full = subject.rsit ? `${cls}/${subject.rsit.type.toLowerCase()}` : '';
    const hit = t.rsit.find((r) => r.toLowerCase() === cls || r.toLowerCase() === full);
    if (!hit) return undefined;
    reasons.push(`RSIT ${hit}`);
  }
  if (t.techniques && t.techniques.length > 0) {
    // A sub-technique matches its parent (T1110.003 matches T1110) but not the other way round.
    const hit = t.techniques.find((w) => subject.techniques.some((s) => s === w || s.startsWith(`${w}.`)));
    if (!hit) return undefined;
    reasons.push(`technique ${hit}`);
  }
  if (t.min_severity) {
    if (SEVERITIES.indexOf(subject.severity) < SEVERITIES.indexOf(t.min_severity)) return undefined;
    reasons.push(`severity ${subject.severity} ≥ ${t.min_severity}`);
  }
  return reasons.length > 0 ? reasons.join(', ') : undefined;
}
