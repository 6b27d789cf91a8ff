/**
 * @module
 * Incident classification behind an interface. `RulesClassifier` derives the RSIT class and type
 * from ATT&CK tactics and techniques and alert content with ordered rules: the most consequential
 * confirmed effect wins (data leaving beats a compromise, a compromise beats an attempt). A
 * learned classifier can replace it later through the same interface.
 */
import type { Severity } from '@intersoc/core';
import type { RsitClassification } from '../incidents/types.js';
import { rsitType } from './rsit.js';

/** What a classifier sees of an incident. */
export interface ClassificationInput {
  readonly tactics: readonly string[];
  readonly techniques: readonly string[];
  readonly rules: readonly { readonly title: string; readonly kind: string; readonly count: number }[];
  readonly maxSeverity: Severity;
  /** Accounts involved (canonical names). */
  readonly users: readonly string[];
  /** True when a privileged account (inventory: critical/high account, or admin naming) acted. */
  readonly privileged: boolean;
  readonly sources: readonly string[];
  readonly alertCount: number;
}

/** Classifies incidents into RSIT. */
export interface IncidentClassifier {
  /** Id and version, recorded on every classification (`rules/2`). */
  readonly id: string;
  classify(input: ClassificationInput): RsitClassification;
}

/** The first technique that is one of `prefixes` or a sub-technique of one. */
function has(techniques: readonly string[], ...prefixes: string[]): string | undefined {
  // Runs for every rule on every incident snapshot: compare in place, build no strings.
  for (const t of techniques) {
    for (const p of prefixes) {
      if (t === p || (t.length > p.length && t.charCodeAt(p.length) === 46 && t.startsWith(p))) return t;
    }
  }
  return undefined;
}

interface Rule {
  readonly cls: string;
  readonly type: string;
  readonly confidence: number;
  /** Returns the reason when the rule applies. */
  readonly test: (i: ClassificationInput, tac: ReadonlySet<string>) => string | undefined;
  /** A more specific type of the same class, when the evidence shows it. */
  readonly refine?: (i: ClassificationInput) => string | undefined;
}

const BRUTE = ['T1110'];
/** Evidence that an account was logged in with: valid accounts, or guessed into. */
const ACCOUNT_USE = ['T1078', 'T1110'];
const AFTER_ACCESS = ['execution', 'persistence', 'privilege-escalation', 'lateral-movement', 'collection'];

/** Ordered: the first rule that applies decides. */
const RULES: readonly Rule[] = [
  {
    cls: 'information-content-security',
    type: 'unauthorised-information-modification',
    confidence: 0.85,
    test: (i) => {
      const t = has(i.techniques, 'T1486', 'T1485', 'T1491', 'T1565', 'T1561');
      return t && `${t}: data encrypted, destroyed or altered`;
    },
  },
  {
    cls: 'information-content-security',
    type: 'data-leak',
    confidence: 0.8,
    test: (i, tac) => {
      const t = has(i.techniques, 'T1041', 'T1048', 'T1567', 'T1020', 'T1030', 'T1537', 'T1052', 'T1011');
      if (t) return `${t}: data sent out of the organisation`;
      return tac.has('exfiltration') ? 'exfiltration tactic observed' : undefined;
    },
  },
  {
    cls: 'availability',
    type: 'ddos',
    confidence: 0.7,
    test: (i) => {
      // Reflection amplification is distributed by definition (RSIT names it as a DDoS example).
      if (has(i.techniques, 'T1498.002')) return 'T1498.002: reflection amplification';
      return has(i.techniques, 'T1498') && i.rules.some((r) => /distribut|ddos|amplif/i.test(r.title))
        ? 'T1498 from many sources'
        : undefined;
    },
  },
  {
    cls: 'availability',
    type: 'dos',
    confidence: 0.7,
    test: (i) => {
      const t = has(i.techniques, 'T1498', 'T1499', 'T1489');
      return t && `${t}: service made unavailable`;
    },
  },
  {
    cls: 'fraud',
    type: 'unauthorised-use-of-resources',
    confidence: 0.75,
    test: (i) => (has(i.techniques, 'T1496') ? 'T1496: resources hijacked' : undefined),
  },
  {
    cls: 'intrusions',
    type: 'privileged-account-compromise',
    confidence: 0.75,
    test: (i, tac) => {
      const t = has(i.techniques, 'T1003', 'T1136', 'T1098', 'T1558', 'T1484', 'T1068', 'T1134', 'T1548', 'T1611');
      if (t) return `${t}: administrative rights in use`;
      if (tac.has('lateral-movement') && i.privileged) return 'lateral movement with a privileged account';
      // ATT&CK files many techniques under privilege escalation as well (valid accounts,
      // scheduled tasks, autostarts): the tactic alone says so only when no technique says more.
      if (tac.has('privilege-escalation') && i.techniques.length === 0) return 'privilege escalation observed';
      return undefined;
    },
  },
  {
    cls: 'information-content-security',
    type: 'unauthorised-information-access',
    confidence: 0.6,
    test: (i) => {
      const t = has(i.techniques, 'T1005', 'T1039', 'T1114', 'T1213', 'T1530', 'T1560');
      return t && `${t}: data collected`;
    },
  },
  {
    cls: 'intrusions',
    type: 'application-compromise',
    confidence: 0.65,
    test: (i, tac) =>
      has(i.techniques, 'T1190', 'T1505') && (tac.has('execution') || tac.has('persistence'))
        ? 'public application exploited, then commands run'
        : undefined,
  },
  {
    cls: 'malicious-code',
    type: 'infected-system',
    confidence: 0.7,
    test: (i, tac) => {
      if (tac.has('command-and-control')) return 'command-and-control traffic from a host';
      const t = has(i.techniques, 'T1204', 'T1055', 'T1547', 'T1105');
      if (t) return `${t}: malicious code started on a host`;
      return i.sources.includes('indicator') && tac.has('execution') ? 'known-bad indicator executed' : undefined;
    },
  },
  {
    cls: 'fraud',
    type: 'phishing',
    confidence: 0.6,
    test: (i) => (has(i.techniques, 'T1566') ? 'phishing message' : undefined),
  },
  {
    cls: 'fraud',
    type: 'masquerade',
    confidence: 0.6,
    test: (i) => (has(i.techniques, 'T1656') ? 'T1656: a trusted person or organisation impersonated' : undefined),
  },
  {
    cls: 'intrusion-attempts',
    type: 'ids-alert',
    confidence: 0.55,
    test: (i) => (has(i.techniques, 'T1190', 'T1210', 'T1203') ? 'exploitation attempt' : undefined),
  },
  {
    cls: 'intrusions',
    type: 'system-compromise',
    confidence: 0.6,
    test: (i, tac) => {
      const after = AFTER_ACCESS.find((t) => tac.has(t));
      if (!after) return undefined;
      return has(i.techniques, ...BRUTE)
        ? `login guessing followed by ${after}`
        : `${after} on a host by an unauthorised party`;
    },
    // RSIT tells apart a compromise through an ordinary account that the evidence shows in use.
    refine: (i) =>
      !i.privileged && i.users.length > 0 && has(i.techniques, ...ACCOUNT_USE) !== undefined
        ? 'unprivileged-account-compromise'
        : undefined,
  },
  {
    cls: 'intrusion-attempts',
    type: 'brute-force',
    confidence: 0.7,
    test: (i) => {
      const t = has(i.techniques, ...BRUTE);
      return t && `${t}: repeated login attempts`;
    },
  },
  {
    cls: 'information-gathering',
    type: 'sniffing',
    confidence: 0.6,
    test: (i) => (has(i.techniques, 'T1040') ? 'T1040: network traffic captured' : undefined),
  },
  {
    cls: 'intrusions',
    type: 'system-compromise',
    confidence: 0.45,
    test: (_i, tac) =>
      tac.has('defense-evasion') || tac.has('credential-access') ? 'attacker tradecraft on a host' : undefined,
  },
  {
    cls: 'information-gathering',
    type: 'scanner',
    confidence: 0.5,
    test: (i, tac) => {
      const t = has(i.techniques, 'T1046', 'T1595', 'T1590', 'T1592', 'T1018', 'T1135');
      if (t) return `${t}: probing of hosts or services`;
      return tac.has('discovery') || tac.has('reconnaissance') ? 'discovery only' : undefined;
    },
  },
];

/** RSIT classification by ordered rules over ATT&CK and alert content. */
export class RulesClassifier implements IncidentClassifier {
  readonly id = 'rules/2';
  private single: RsitClassification | undefined;

  classify(i: ClassificationInput): RsitClassification {
    const tac = new Set(i.tactics);
    // Low-severity findings alone are too thin to name an effect: one rule says nothing yet,
    // several say something with little confidence.
    const low = i.maxSeverity === 'informational' || i.maxSeverity === 'low';
    if (low && i.rules.length <= 1) {
      // Most incidents are one low finding: share one (read-only) answer among them.
      this.single ??= this.result(
        'other',
        'undetermined',
        'a single low-severity finding; not enough to classify',
        0.2,
      );
      return this.single;
    }
    const thin = low ? 0.5 : 1;
    for (const r of RULES) {
      const reason = r.test(i, tac);
      if (reason === undefined) continue;
      const type = r.refine?.(i) ?? r.type;
      return this.result(
        r.cls,
        type,
        type === r.type ? reason : `${reason}, through an ordinary account`,
        r.confidence * thin,
      );
    }
    return i.tactics.length === 0 && i.techniques.length === 0
      ? this.result('other', 'undetermined', 'no ATT&CK mapping on the alerts', 0.2)
      : this.result('other', 'other', `no rule for ${[...i.tactics].join(', ') || i.techniques.join(', ')}`, 0.3);
  }

  private result(cls: string, type: string, reason: string, confidence: number): RsitClassification {
    const t = rsitType(cls, type);
    return {
      class: cls,
      type,
      classLabel: t?.classLabel ?? cls,
      typeLabel: t?.typeLabel ?? type,
      reason,
      classifier: this.id,
      confidence: Math.round(confidence * 100) / 100,
    };
  }
}
