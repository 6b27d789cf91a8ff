/**
 * Cases labelled from the RSIT definitions, not from the classifier's table. Each case takes one
 * RSIT type's published definition (cti/rsit-classes-types.csv in the corpora, quoted in `rsit`),
 * picks the ATT&CK technique whose own ATT&CK definition is that example (quoted in `attack`),
 * and gives the incident all of the technique's ATT&CK tactics (ATT&CK v18.1, as rules tag them).
 * The expected label is the RSIT type the definition names; where the taxonomy itself leaves two
 * types open, both are accepted.
 */
import { describe, expect, it } from 'vitest';
import { RulesClassifier, type ClassificationInput } from './classifier.js';

interface DefinitionCase {
  readonly expect: readonly string[];
  /** The RSIT definition the label comes from. */
  readonly rsit: string;
  /** Why the ATT&CK technique is that example. */
  readonly attack: string;
  readonly input: Partial<ClassificationInput>;
}

const base: ClassificationInput = {
  tactics: [],
  techniques: [],
  rules: [],
  maxSeverity: 'high',
  users: [],
  privileged: false,
  sources: ['host'],
  alertCount: 5,
};

const CASES: readonly DefinitionCase[] = [
  {
    expect: ['intrusion-attempts/brute-force'],
    rsit: 'Login Attempts: "Multiple brute-force login attempts (including guessing or cracking of passwords)."',
    attack: 'T1110.001 Password Guessing (credential-access), and nothing after it.',
    input: { tactics: ['credential-access'], techniques: ['T1110.001'] },
  },
  {
    expect: ['information-gathering/scanner'],
    rsit: 'Scanning: "Attacks that send requests to a system to discover weaknesses ... port scanning."',
    attack: 'T1046 Network Service Discovery: lists the services running on remote hosts (port scans).',
    input: { tactics: ['discovery'], techniques: ['T1046'], sources: ['network'] },
  },
  {
    expect: ['information-gathering/scanner'],
    rsit: 'Scanning: "... ICMP, SMTP (EXPN, RCPT, etc) port scanning."',
    attack: 'T1595.001 Active Scanning: Scanning IP Blocks (reconnaissance).',
    input: { tactics: ['reconnaissance'], techniques: ['T1595.001'], sources: ['network'] },
  },
  {
    expect: ['information-gathering/sniffing'],
    rsit: 'Sniffing: "Observing and recording of network traffic (i.e. wiretapping)."',
    attack: 'T1040 Network Sniffing: captures traffic passing over the network (credential-access, discovery).',
    input: { tactics: ['credential-access', 'discovery'], techniques: ['T1040'] },
  },
  {
    expect: ['malicious-code/infected-system'],
    rsit: 'Infected System: "System infected with malware ... a connection to a sinkholed command and control server."',
    attack: 'T1071.001 Application Layer Protocol: Web Protocols, beaconing to a C2 server (command-and-control).',
    input: { tactics: ['command-and-control'], techniques: ['T1071.001'] },
  },
  {
    expect: ['intrusion-attempts/ids-alert'],
    rsit: 'Exploitation of Known Vulnerabilities: "An attempt to compromise a system ... by exploiting vulnerabilities with a standardised identifier such as CVE name."',
    attack: 'T1190 Exploit Public-Facing Application seen by a network sensor, with nothing run after it.',
    input: { tactics: ['initial-access'], techniques: ['T1190'], sources: ['network'] },
  },
  {
    expect: ['intrusions/application-compromise'],
    rsit: 'Application Compromise: "Compromise of an application by exploiting (un)known software vulnerabilities, e.g., SQL injection."',
    attack: 'T1190 exploitation followed by T1505.003 Web Shell (persistence) and T1059.004 Unix Shell (execution).',
    input: { tactics: ['initial-access', 'persistence', 'execution'], techniques: ['T1190', 'T1505.003', 'T1059.004'] },
  },
  {
    expect: ['intrusions/privileged-account-compromise'],
    rsit: 'Privileged Account Compromise: "Compromise of a system where the attacker has gained administrative privileges."',
    attack: 'T1068 Exploitation for Privilege Escalation, then commands (T1059.004).',
    input: { tactics: ['privilege-escalation', 'execution'], techniques: ['T1068', 'T1059.004'] },
  },
  {
    expect: ['intrusions/unprivileged-account-compromise'],
    rsit: 'Unprivileged Account Compromise: "Compromise of a system using an unprivileged (user/service) account."',
    attack:
      'T1078.003 Valid Accounts: Local Accounts, an ordinary user account logging in and running commands (T1059.004).',
    input: {
      tactics: ['defense-evasion', 'persistence', 'privilege-escalation', 'initial-access', 'execution'],
      techniques: ['T1078.003', 'T1059.004'],
      users: ['jdoe'],
      privileged: false,
    },
  },
  {
    expect: ['intrusions/system-compromise', 'intrusions/unprivileged-account-compromise'],
    rsit: 'System Compromise: "Compromise of a system, e.g., unauthorised logins or commands."',
    attack: 'T1021.004 Remote Services: SSH (lateral-movement) then T1059.004 commands; no account is named.',
    input: { tactics: ['lateral-movement', 'execution'], techniques: ['T1021.004', 'T1059.004'] },
  },
  {
    expect: ['availability/dos'],
    rsit: 'Denial of Service: "sending specially crafted requests to a web application which causes the application to crash or slow down."',
    attack: 'T1499.004 Endpoint Denial of Service: Application or System Exploitation (impact).',
    input: { tactics: ['impact'], techniques: ['T1499.004'], sources: ['network'] },
  },
  {
    expect: ['availability/ddos'],
    rsit: 'Distributed Denial of Service: "e.g., SYN flood or UDP-based reflection/amplification attacks."',
    attack: 'T1498.002 Network Denial of Service: Reflection Amplification (impact); no rule title needed to say so.',
    input: {
      tactics: ['impact'],
      techniques: ['T1498.002'],
      sources: ['network'],
      rules: [{ title: 'Inbound UDP flood', kind: 'sigma', count: 40 }],
    },
  },
  {
    expect: ['information-content-security/unauthorised-information-modification'],
    rsit: 'Unauthorised Modification of Information: "... or ransomware encrypting data."',
    attack: 'T1486 Data Encrypted for Impact (impact).',
    input: { tactics: ['impact'], techniques: ['T1486'] },
  },
  {
    expect: ['information-content-security/unauthorised-information-modification'],
    rsit: 'Unauthorised Modification of Information: "Also includes defacements."',
    attack: 'T1491.002 Defacement: External Defacement (impact).',
    input: { tactics: ['impact'], techniques: ['T1491.002'] },
  },
  {
    expect: ['information-content-security/data-leak'],
    rsit: 'Leak of Confidential Information: "Leaked confidential information, e.g., credentials or personal data."',
    attack: 'T1567.002 Exfiltration Over Web Service: Exfiltration to Cloud Storage (exfiltration).',
    input: { tactics: ['collection', 'exfiltration'], techniques: ['T1005', 'T1567.002'] },
  },
  {
    expect: ['information-content-security/unauthorised-information-access'],
    rsit: 'Unauthorised Access to Information: "e.g., by abusing stolen login credentials for a system or application."',
    attack: 'T1078.004 Valid Accounts: Cloud Accounts used to read mail (T1114.002 Remote Email Collection).',
    input: {
      tactics: ['defense-evasion', 'persistence', 'privilege-escalation', 'initial-access', 'collection'],
      techniques: ['T1078.004', 'T1114.002'],
      users: ['jdoe'],
    },
  },
  {
    expect: ['fraud/unauthorised-use-of-resources'],
    rsit: 'Unauthorised Use of Resources: "Using resources for unauthorised purposes including profit-making ventures."',
    attack: 'T1496 Resource Hijacking, e.g. cryptocurrency mining (impact).',
    input: { tactics: ['impact'], techniques: ['T1496'] },
  },
  {
    expect: ['fraud/phishing'],
    rsit: 'Phishing: "Masquerading as another entity in order to persuade the user to reveal private credentials."',
    attack: 'T1566.002 Phishing: Spearphishing Link (initial-access).',
    input: { tactics: ['initial-access'], techniques: ['T1566.002'] },
  },
  {
    expect: ['fraud/masquerade'],
    rsit: 'Masquerade: "one entity illegitimately impersonates the identity of another in order to benefit from it."',
    attack:
      'T1656 Impersonation: impersonating a trusted person or organisation to make a target act (defense-evasion).',
    input: { tactics: ['defense-evasion'], techniques: ['T1656'] },
  },
];

describe('RulesClassifier on cases labelled from the RSIT definitions', () => {
  const c = new RulesClassifier();
  for (const k of CASES) {
    it(`${k.input.techniques?.join(' + ') ?? ''} → ${k.expect.join(' or ')}`, () => {
      const r = c.classify({ ...base, ...k.input });
      expect(k.expect, `${k.rsit} / ${k.attack}; got ${r.class}/${r.type} (${r.reason})`).toContain(
        `${r.class}/${r.type}`,
      );
    });
  }
});
