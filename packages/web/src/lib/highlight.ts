/**
 * @module
 * Which fields of an event a rule looked at, so the alert view can highlight them. Sigma rules
 * name fields as the log source does (`CommandLine`, `TargetUserName`); events also carry the
 * ECS projection (`process.command_line`). Both spellings are matched.
 */

/** Sigma field names → the ECS fields the node projects them to. */
const SIGMA_TO_ECS: Readonly<Record<string, readonly string[]>> = {
  image: ['process.executable', 'process.name'],
  commandline: ['process.command_line'],
  parentimage: ['process.parent.executable', 'process.parent.name'],
  parentcommandline: ['process.parent.command_line'],
  user: ['user.name'],
  targetusername: ['user.name', 'user.target.name'],
  subjectusername: ['user.name'],
  targetfilename: ['file.path'],
  sourceip: ['source.ip'],
  destinationip: ['destination.ip'],
  sourceport: ['source.port'],
  destinationport: ['destination.port'],
  ipaddress: ['source.ip'],
  queryname: ['dns.question.name'],
  eventid: ['event.code'],
  computer: ['host.name'],
  hashes: ['file.hash.sha256', 'file.hash.md5', 'file.hash.sha1'],
  targetobject: ['registry.path'],
};

const norm = (s: string): string => s.toLowerCase().replace(/[^a-z0-9.]/g, '');

/**
 * The keys of `fields` (original or ECS names) that the rule's detection fields name. A key
 * matches when it equals a rule field, when its last dotted segment does (`EventData.Image`),
 * or when it is the ECS projection of one.
 */
export function matchedFields(keys: readonly string[], ruleFields: readonly string[]): Set<string> {
  const wanted = new Set<string>();
  for (const f of ruleFields) {
    const n = norm(f);
    if (n === '') continue;
    wanted.add(n);
    for (const e of SIGMA_TO_ECS[n] ?? []) wanted.add(norm(e));
  }
  const out = new Set<string>();
  for (const k of keys) {
    const n = norm(k);
    const last = n.slice(n.lastIndexOf('.') + 1);
    if (wanted.has(n) || wanted.has(last)) out.add(k);
  }
  return out;
}

/** A query that finds the given events in search (`_id:a OR _id:b`). */
export function eventIdsQuery(ids: readonly string[]): string {
  return ids.map((id) => `_id:${id}`).join(' OR ');
}
