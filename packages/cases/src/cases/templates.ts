/**
 * @module
 * Task templates per incident type. A case opened from an incident gets the tasks of the
 * template that fits its RSIT class and type best (type, then class, then the default);
 * admins can replace any template with their own.
 */

/** One task of a template. */
export interface TemplateTask {
  readonly title: string;
  readonly group: string;
  readonly description?: string;
}

/** A template: the tasks for one kind of incident. */
export interface TaskTemplate {
  /** `default`, an RSIT class (`intrusions`) or class/type (`intrusions/system-compromise`). */
  readonly key: string;
  readonly name: string;
  readonly tasks: readonly TemplateTask[];
}

const t = (group: string, title: string, description?: string): TemplateTask =>
  description === undefined ? { group, title } : { group, title, description };

const TRIAGE = [
  t('triage', 'Confirm the alerts are real', 'Read the alerts and their events; rule out a false positive.'),
  t(
    'triage',
    'Scope the affected hosts and accounts',
    'Walk the entity graph; search for the same activity elsewhere.',
  ),
];
const CLOSE = [
  t('recovery', 'Verify normal operation and monitoring'),
  t('reporting', 'Write the lessons learned and tune detections'),
];

/** The built-in templates. */
export const BUILTIN_TEMPLATES: readonly TaskTemplate[] = [
  {
    key: 'default',
    name: 'Generic incident',
    tasks: [
      ...TRIAGE,
      t('containment', 'Contain the affected assets'),
      t('eradication', 'Remove what the attacker left'),
      ...CLOSE,
    ],
  },
  {
    key: 'intrusions',
    name: 'Intrusion',
    tasks: [
      ...TRIAGE,
      t('containment', 'Isolate compromised hosts from the network'),
      t('containment', 'Disable or reset the accounts used by the attacker'),
      t('eradication', 'Remove persistence (accounts, scheduled tasks, services, run keys)'),
      t('eradication', 'Collect forensic images or triage packages of compromised hosts'),
      ...CLOSE,
    ],
  },
  {
    key: 'intrusions/privileged-account-compromise',
    name: 'Privileged account compromise',
    tasks: [
      ...TRIAGE,
      t('containment', 'Reset the compromised privileged credentials (twice for krbtgt when the domain is hit)'),
      t('containment', 'Isolate hosts where credentials were dumped'),
      t('eradication', 'Review group memberships, new accounts and delegations'),
      t('eradication', 'Remove persistence on every host the account touched'),
      ...CLOSE,
    ],
  },
  {
    key: 'malicious-code',
    name: 'Malware infection',
    tasks: [
      ...TRIAGE,
      t('containment', 'Isolate infected hosts'),
      t('containment', 'Block command-and-control addresses and domains'),
      t('eradication', 'Collect the sample and its hashes; check other hosts for them'),
      t('eradication', 'Reimage or clean infected hosts'),
      ...CLOSE,
    ],
  },
  {
    key: 'information-content-security/data-leak',
    name: 'Data exfiltration',
    tasks: [
      ...TRIAGE,
      t('containment', 'Block the exfiltration destinations'),
      t('containment', 'Isolate the hosts the data left from'),
      t('eradication', 'Establish what data left and whose it is'),
      t('reporting', 'Involve the data protection officer (GDPR) and assess NIS2 significance'),
      ...CLOSE,
    ],
  },
  {
    key: 'intrusion-attempts',
    name: 'Intrusion attempt',
    tasks: [
      ...TRIAGE,
      t('containment', 'Block the source addresses'),
      t('eradication', 'Check whether any attempt succeeded (logons after the failures)'),
      t('eradication', 'Harden the exposed service (MFA, lockout, exposure)'),
      ...CLOSE,
    ],
  },
  {
    key: 'availability',
    name: 'Availability incident',
    tasks: [...TRIAGE, t('containment', 'Engage upstream mitigation'), t('recovery', 'Restore the service'), ...CLOSE],
  },
];

/** The template for an RSIT class/type among `templates` (type, then class, then `default`). */
export function templateFor(
  templates: readonly TaskTemplate[],
  rsit: { readonly class: string; readonly type: string } | undefined,
): TaskTemplate {
  const byKey = new Map(templates.map((x) => [x.key, x]));
  const fallback = byKey.get('default') ?? BUILTIN_TEMPLATES[0];
  if (!fallback) throw new Error('no default template');
  if (rsit === undefined) return fallback;
  return byKey.get(`${rsit.class}/${rsit.type}`) ?? byKey.get(rsit.class) ?? fallback;
}
