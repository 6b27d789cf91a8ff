/**
 * @module
 * The classes and types of ENISA's Reference Incident Classification Taxonomy (RSIT), as a table
 * in code so a node needs no taxonomy files at run time. Ids and labels are the taxonomy's;
 * the one-line notes are ours. A test checks the table against the published list.
 */

/** One RSIT type. */
export interface RsitType {
  readonly class: string;
  readonly classLabel: string;
  readonly type: string;
  readonly typeLabel: string;
  /** What falls under it, in a few words. */
  readonly note: string;
}

const T = (cls: string, classLabel: string, type: string, typeLabel: string, note: string): RsitType => ({
  class: cls,
  classLabel,
  type,
  typeLabel,
  note,
});

/** Every RSIT class and type. */
export const RSIT_TYPES: readonly RsitType[] = [
  T('abusive-content', 'Abusive Content', 'spam', 'Spam', 'unsolicited bulk mail and its infrastructure'),
  T('abusive-content', 'Abusive Content', 'harmful-speech', 'Harmful Speech', 'harassment, threats, discrimination'),
  T(
    'abusive-content',
    'Abusive Content',
    'violence',
    '(Child) Sexual Exploitation/Sexual/Violent Content',
    'exploitation or violent content',
  ),
  T('malicious-code', 'Malicious Code', 'infected-system', 'Infected System', 'a host running malware or an implant'),
  T('malicious-code', 'Malicious Code', 'c2-server', 'C2 Server', 'a command-and-control server'),
  T('malicious-code', 'Malicious Code', 'malware-distribution', 'Malware Distribution', 'a place serving malware'),
  T('malicious-code', 'Malicious Code', 'malware-configuration', 'Malware Configuration', 'a malware config host'),
  T('information-gathering', 'Information Gathering', 'scanner', 'Scanning', 'probing hosts, services, accounts'),
  T('information-gathering', 'Information Gathering', 'sniffing', 'Sniffing', 'capturing network traffic'),
  T(
    'information-gathering',
    'Information Gathering',
    'social-engineering',
    'Social Engineering',
    'getting information out of people',
  ),
  T(
    'intrusion-attempts',
    'Intrusion Attempts',
    'ids-alert',
    'Exploitation of Known Vulnerabilities',
    'attempts on a known vulnerability',
  ),
  T('intrusion-attempts', 'Intrusion Attempts', 'brute-force', 'Login Attempts', 'password guessing and spraying'),
  T(
    'intrusion-attempts',
    'Intrusion Attempts',
    'exploit',
    'New Attack Signature',
    'an attempt with an unknown exploit',
  ),
  T(
    'intrusions',
    'Intrusions',
    'privileged-account-compromise',
    'Privileged Account Compromise',
    'an attacker holds administrative rights',
  ),
  T(
    'intrusions',
    'Intrusions',
    'unprivileged-account-compromise',
    'Unprivileged Account Compromise',
    'an attacker holds a user or service account',
  ),
  T(
    'intrusions',
    'Intrusions',
    'application-compromise',
    'Application Compromise',
    'an application taken over through a flaw',
  ),
  T('intrusions', 'Intrusions', 'system-compromise', 'System Compromise', 'unauthorised logins or commands on a host'),
  T('intrusions', 'Intrusions', 'burglary', 'Burglary', 'physical intrusion'),
  T('availability', 'Availability', 'dos', 'Denial of Service', 'a service made unavailable'),
  T('availability', 'Availability', 'ddos', 'Distributed Denial of Service', 'unavailability from many sources'),
  T('availability', 'Availability', 'misconfiguration', 'Misconfiguration', 'unavailability from a bad setting'),
  T('availability', 'Availability', 'sabotage', 'Sabotage', 'physical sabotage'),
  T('availability', 'Availability', 'outage', 'Outage', 'unavailability without an attacker'),
  T(
    'information-content-security',
    'Information Content Security',
    'unauthorised-information-access',
    'Unauthorised Access to Information',
    'data read without permission',
  ),
  T(
    'information-content-security',
    'Information Content Security',
    'unauthorised-information-modification',
    'Unauthorised Modification of Information',
    'data changed, encrypted or defaced',
  ),
  T('information-content-security', 'Information Content Security', 'data-loss', 'Data Loss', 'data lost'),
  T(
    'information-content-security',
    'Information Content Security',
    'data-leak',
    'Leak of Confidential Information',
    'confidential data taken out',
  ),
  T(
    'fraud',
    'Fraud',
    'unauthorised-use-of-resources',
    'Unauthorised Use of Resources',
    'resources used for other ends',
  ),
  T('fraud', 'Fraud', 'copyright', 'Copyright', 'unlicensed software or content'),
  T('fraud', 'Fraud', 'masquerade', 'Masquerade', 'impersonating someone'),
  T('fraud', 'Fraud', 'phishing', 'Phishing', 'luring users into giving credentials'),
  T('vulnerable', 'Vulnerable', 'weak-crypto', 'Weak Cryptography', 'services with weak cryptography'),
  T('vulnerable', 'Vulnerable', 'ddos-amplifier', 'DDoS Amplifier', 'services usable for amplification'),
  T(
    'vulnerable',
    'Vulnerable',
    'potentially-unwanted-accessible',
    'Potentially Unwanted Accessible Services',
    'exposed services that should not be',
  ),
  T('vulnerable', 'Vulnerable', 'information-disclosure', 'Information disclosure', 'services disclosing information'),
  T('vulnerable', 'Vulnerable', 'vulnerable-system', 'Vulnerable System', 'a host open to known attacks'),
  T('other', 'Other', 'other', 'Uncategorised', 'fits no other class'),
  T('other', 'Other', 'undetermined', 'Undetermined', 'not yet determined'),
  T('test', 'Test', 'test', 'Test', 'for testing'),
];

const BY_KEY = new Map(RSIT_TYPES.map((t) => [`${t.class}/${t.type}`, t]));

/** The RSIT entry of a class and type, when both exist. */
export function rsitType(cls: string, type: string): RsitType | undefined {
  return BY_KEY.get(`${cls}/${type}`);
}
