/**
 * @module
 * The 20 analyst queries of `bench search`, each written twice: in the search language (run by
 * our block store) and as SQL over the baseline (a plain events table with the parsed fields as
 * JSON, and an FTS5 index over the field values). The SQL narrows with FTS5 where a term allows
 * and checks fields with `json_extract`, as one would write it by hand.
 */

/** A result page (newest first) or a histogram over the data set's whole time span. */
export type QueryKind = 'page' | 'histogram';

/** One benchmark query. */
export interface BenchQuery {
  readonly name: string;
  readonly kind: QueryKind;
  /** In the search language. */
  readonly q: string;
  /** FTS5 MATCH expression narrowing the baseline's rows, when a term allows. */
  readonly match?: string;
  /** SQL condition on `e` (the events row) that decides a match exactly. */
  readonly where?: string;
}

/** `lower(json_extract(e.doc, '$."field"'))`: a field's value as our search compares it. */
function f(field: string): string {
  return `lower(json_extract(e.doc, '$."${field}"'))`;
}

/** True when a field (a value or any element of a list, as our search compares) equals `v`. */
function eq(field: string, v: string): string {
  return `EXISTS (SELECT 1 FROM json_each(e.doc, '$."${field}"') WHERE lower(value) = '${v}')`;
}

/** A field's numeric value. */
function n(field: string): string {
  return `CAST(json_extract(e.doc, '$."${field}"') AS REAL)`;
}

/** The queries; `_id:{id}` is replaced by an event id of the data set. */
export const QUERIES: readonly BenchQuery[] = [
  { name: 'text_mimikatz', kind: 'page', q: 'mimikatz', match: 'mimikatz' },
  { name: 'text_psexec', kind: 'page', q: 'psexec', match: 'psexec' },
  { name: 'text_powershell', kind: 'page', q: 'powershell', match: 'powershell' },
  { name: 'field_event_code', kind: 'page', q: 'event.code:4688', match: '"4688"', where: eq('event.code', '4688') },
  { name: 'field_host', kind: 'page', q: 'host.name:fs-01', match: '"fs 01"', where: eq('host.name', 'fs-01') },
  {
    name: 'field_user',
    kind: 'page',
    q: 'user.name:administrator',
    match: 'administrator',
    where: eq('user.name', 'administrator'),
  },
  {
    name: 'field_process_name',
    kind: 'page',
    q: 'process.name:powershell.exe',
    match: '"powershell exe"',
    where: eq('process.name', 'powershell.exe'),
  },
  {
    name: 'field_dest_port',
    kind: 'page',
    q: 'destination.port:3389',
    match: '"3389"',
    where: eq('destination.port', '3389'),
  },
  {
    name: 'wildcard_process_prefix',
    kind: 'page',
    q: 'process.name:power*',
    match: 'power*',
    where: `${f('process.name')} LIKE 'power%'`,
  },
  {
    name: 'wildcard_cmdline_infix',
    kind: 'page',
    q: 'process.command_line:*whoami*',
    where: `${f('process.command_line')} LIKE '%whoami%'`,
  },
  {
    name: 'wildcard_dns_suffix',
    kind: 'page',
    q: 'dns.question.name:*.microsoft.com',
    match: '"microsoft com"',
    where: `${f('dns.question.name')} LIKE '%.microsoft.com'`,
  },
  {
    name: 'range_dest_port',
    kind: 'page',
    q: 'destination.port:[1 TO 1024]',
    where: `${n('destination.port')} BETWEEN 1 AND 1024`,
  },
  { name: 'range_source_bytes', kind: 'page', q: 'source.bytes:>100000', where: `${n('source.bytes')} > 100000` },
  {
    name: 'bool_and',
    kind: 'page',
    q: 'event.code:1 AND process.parent.name:cmd.exe',
    match: '"1" AND "cmd exe"',
    where: `${eq('event.code', '1')} AND ${eq('process.parent.name', 'cmd.exe')}`,
  },
  {
    name: 'bool_or',
    kind: 'page',
    q: 'process.name:whoami.exe OR process.name:net.exe',
    match: '"whoami exe" OR "net exe"',
    where: `${f('process.name')} IN ('whoami.exe', 'net.exe')`,
  },
  {
    name: 'bool_not',
    kind: 'page',
    q: 'event.category:network AND NOT destination.port:443',
    match: 'network',
    where: `${eq('event.category', 'network')} AND NOT ${eq('destination.port', '443')}`,
  },
  { name: 'histogram_all', kind: 'histogram', q: '' },
  {
    name: 'histogram_event_code',
    kind: 'histogram',
    q: 'event.code:4688',
    match: '"4688"',
    where: eq('event.code', '4688'),
  },
  { name: 'histogram_text_mimikatz', kind: 'histogram', q: 'mimikatz', match: 'mimikatz' },
  { name: 'open_event_by_id', kind: 'page', q: '_id:{id}', where: `e.id = '{id}'` },
];
