/**
 * @module
 * A closed incident made anonymous before it becomes an exercise. The privacy module's
 * pseudonym view of the incident's tenant replaces every personal value it finds (the inventory's
 * fields of each parsed event, user profile paths, entity lists) and every value the node knows
 * to be personal there (asset inventory, pseudonyms shown before, personal names) in every string,
 * raw records included; the incident's own hosts and users are added to that list whatever the
 * inventory says (a server is no person, but a trainee must not learn the SOC's real machine
 * names either). What is stored is the pseudonymised incident: the exercise, its export and the
 * instructor's key hold pseudonyms only, and each run renames those again per trainee.
 */
import type { SocEvent } from '@intersoc/core';
import type { PersonalValue, PseudonymView } from '@intersoc/privacy';
import type { IncidentFacts, IncidentRecord } from '@intersoc/train';

/** The short name of a host (`fs-01` of `fs-01.corp.example.com`). */
const shortHost = (h: string): string => h.split('.')[0] ?? h;
/** The account of a user (`dwalsh` of `CORP\dwalsh` or `dwalsh@corp.example.com`). */
const account = (u: string): string => u.replace(/^.*\\/, '').replace(/@.*$/, '');

/** An incident's facts and events, pseudonymised, as `exerciseFromIncident` takes them. */
export function anonymiseIncident(
  view: PseudonymView,
  known: readonly PersonalValue[],
  facts: IncidentFacts,
  events: readonly { readonly event: SocEvent; readonly label?: string }[],
): { facts: IncidentFacts; records: IncidentRecord[]; replaced: number } {
  const own: PersonalValue[] = [
    ...facts.hosts.map((h): PersonalValue => ({ field: 'incident.hosts', kind: 'host', value: shortHost(h) })),
    ...(facts.firstHost
      ? [{ field: 'incident.first_host', kind: 'host', value: shortHost(facts.firstHost) } as PersonalValue]
      : []),
    ...facts.users.map((u): PersonalValue => ({ field: 'incident.users', kind: 'user', value: account(u) })),
  ];
  const { value, used } = view.apply({ facts, events: events.map((e) => e.event) }, [...own, ...known]);
  return {
    facts: value.facts,
    records: value.events.map((e, i) => ({
      format: e.source.format,
      record: e.raw,
      ...(events[i]?.label === undefined ? {} : { label: events[i].label }),
    })),
    replaced: used.length,
  };
}
