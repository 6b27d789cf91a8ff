/**
 * @module
 * The personal-data inventory: which fields carry personal data, what they identify, under which
 * category and legal basis. The default covers `user.*`, `email.*`, the `host.name` of
 * workstations, internal `source.ip`/`destination.ip`, and user profile paths in command lines;
 * configuration replaces or extends it, per node and per tenant (`privacy` in the node config).
 */
import type { Config, PersonalField } from '@intersoc/core';
import { InternalScope } from '@intersoc/federation';

/** What a personal value identifies. */
export type PersonalKind = PersonalField['kind'];

/** A personal value found in a record. */
export interface PersonalValue {
  readonly field: string;
  readonly kind: PersonalKind;
  readonly value: string;
}

const LI = 'Art. 6(1)(f) legitimate interest in network and information security (Recital 49)';

/** The default inventory. */
export const DEFAULT_INVENTORY: readonly PersonalField[] = [
  { field: 'user.*', kind: 'user', when: 'always', category: 'identification: account names', legalBasis: LI },
  { field: 'email.*', kind: 'email', when: 'always', category: 'contact data: e-mail addresses', legalBasis: LI },
  {
    field: 'host.name',
    kind: 'host',
    when: 'workstation',
    category: 'online identifiers: workstation',
    legalBasis: LI,
  },
  {
    field: 'host.hostname',
    kind: 'host',
    when: 'workstation',
    category: 'online identifiers: workstation',
    legalBasis: LI,
  },
  {
    field: 'source.ip',
    kind: 'ip',
    when: 'internal',
    category: 'online identifiers: internal address',
    legalBasis: LI,
  },
  {
    field: 'destination.ip',
    kind: 'ip',
    when: 'internal',
    category: 'online identifiers: internal address',
    legalBasis: LI,
  },
  {
    field: 'process.command_line',
    kind: 'path',
    when: 'user-path',
    category: 'usage data: user files',
    legalBasis: LI,
  },
  // Original fields of Windows, auditd and Zeek records that name accounts.
  { field: 'TargetUserName', kind: 'user', when: 'always', category: 'identification: account names', legalBasis: LI },
  { field: 'SubjectUserName', kind: 'user', when: 'always', category: 'identification: account names', legalBasis: LI },
];

/** Accounts of the system, not of a person. */
const BUILTIN = new Set([
  'system',
  'local service',
  'network service',
  'root',
  '-',
  'anonymous logon',
  'nt authority',
  '',
]);

const USER_PATH = /(?:[A-Za-z]:\\+(?:Users|Documents and Settings)\\+|\/home\/|\/Users\/)([^\\/\s"'`]+)/g;

/** Field-name glob to a test. */
function globTest(glob: string): (name: string) => boolean {
  const re = new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`, 'i');
  return (name) => re.test(name);
}

/** The inventory in force for one tenant, ready to classify fields. */
export class Inventory {
  private readonly entries: { readonly def: PersonalField; readonly test: (name: string) => boolean }[];
  private readonly workstation: RegExp;
  private readonly scope: InternalScope;

  constructor(
    readonly fields: readonly PersonalField[],
    opts: { readonly workstationPattern: string; readonly internalNetworks: readonly string[] },
  ) {
    this.entries = fields.map((def) => ({ def, test: globTest(def.field) }));
    this.workstation = new RegExp(opts.workstationPattern, 'i');
    this.scope = new InternalScope(opts.internalNetworks);
  }

  /** The inventory of `tenant` under `config` (default or configured, plus the extensions). */
  static of(config: Config, tenant: string): Inventory {
    const p = config.privacy;
    const fields = [...(p.inventory ?? DEFAULT_INVENTORY), ...p.extraFields, ...(p.tenants[tenant]?.extraFields ?? [])];
    return new Inventory(fields, p);
  }

  /** True when a host name is a workstation's. */
  isWorkstation(host: string): boolean {
    return this.workstation.test(host);
  }

  /** True for an internal address. */
  isInternalIp(ip: string): boolean {
    return this.scope.isInternalIp(ip);
  }

  /** The inventory entries naming `field`. */
  entriesFor(field: string): PersonalField[] {
    return this.entries.filter((e) => e.test(field)).map((e) => e.def);
  }

  /** Personal values of one field value (none when the field is not in the inventory or its condition fails). */
  valuesOf(field: string, value: unknown): PersonalValue[] {
    if (value === null || value === undefined) return [];
    if (Array.isArray(value)) return value.flatMap((v) => this.valuesOf(field, v));
    if (typeof value === 'object') return [];
    const s = String(value);
    const out: PersonalValue[] = [];
    for (const def of this.entriesFor(field)) out.push(...this.apply(def, field, s));
    return out;
  }

  private apply(def: PersonalField, field: string, s: string): PersonalValue[] {
    switch (def.when) {
      case 'workstation':
        return this.isWorkstation(s) ? hostValues(field, s) : [];
      case 'internal':
        return this.isInternalIp(s) ? [{ field, kind: 'ip', value: s }] : [];
      case 'user-path':
        return Array.from(s.matchAll(USER_PATH), (m) => m[1] as string)
          .filter((u) => !BUILTIN.has(u.toLowerCase()) && !/^(public|default|all users)$/i.test(u))
          .map((u) => ({ field, kind: 'user', value: u }));
      case 'always':
        // `user.domain` names the organisation's directory, not a person.
        if (def.kind === 'user') return /(^|\.)domain$/i.test(field) ? [] : userValues(field, s);
        if (def.kind === 'host') return hostValues(field, s);
        if (def.kind === 'ip') return [{ field, kind: 'ip', value: s }];
        if (def.kind === 'email') return s.includes('@') ? emailValues(field, s) : [];
        return [{ field, kind: def.kind, value: s }];
    }
  }

  /** Every personal value of a record's fields (ECS projection and original fields). */
  valuesOfRecord(...maps: readonly Readonly<Record<string, unknown>>[]): PersonalValue[] {
    const out: PersonalValue[] = [];
    for (const m of maps) for (const [k, v] of Object.entries(m)) out.push(...this.valuesOf(k, v));
    return out;
  }
}

/** A user value and the bare account inside it (`DOMAIN\name`, `name@REALM`, `name(uid=1)`). */
function userValues(field: string, s: string): PersonalValue[] {
  const v = s.trim();
  if (BUILTIN.has(v.toLowerCase())) return [];
  const bare = v
    .replace(/^[^\\]*\\+/, '')
    .replace(/@.*$/, '')
    .replace(/\(uid=\d+\)$/, '')
    .trim();
  if (bare === '' || BUILTIN.has(bare.toLowerCase())) return [];
  const out: PersonalValue[] = [{ field, kind: 'user', value: bare }];
  if (bare !== v) out.push({ field, kind: 'user', value: v });
  return out;
}

/** A host value and its first label (`WKS-01.corp.example.com` and `WKS-01`). */
function hostValues(field: string, s: string): PersonalValue[] {
  const v = s.trim();
  if (v === '') return [];
  const label = v.split('.')[0] as string;
  return label === v
    ? [{ field, kind: 'host', value: v }]
    : [
        { field, kind: 'host', value: v },
        { field, kind: 'host', value: label },
      ];
}

function emailValues(field: string, s: string): PersonalValue[] {
  const v = s.trim();
  return [{ field, kind: 'email', value: v }];
}
