/**
 * @module
 * The record of processing activities (GDPR Art. 30(1)), generated from the node's configuration:
 * controller and DPO, purposes, categories of data subjects and personal data (the inventory),
 * recipients (the federation peers and their sharing policies), retention, and safeguards.
 */
import type { Config } from '@intersoc/core';
import { Inventory } from '../inventory/inventory.js';

/** A federation peer as the record names it. */
export interface RecipientPeer {
  readonly name: string;
  readonly organisation?: string;
  readonly status?: string;
  /** What the sharing policy lets reach it. */
  readonly policy: string;
}

/** The Art. 30 record. */
export interface ProcessingRecord {
  readonly controller: string;
  readonly dpo: string;
  readonly purposes: readonly string[];
  readonly dataSubjects: readonly string[];
  readonly categories: readonly { field: string; kind: string; when: string; category: string; legalBasis: string }[];
  readonly recipients: readonly RecipientPeer[];
  readonly transfers: string;
  readonly retention: { readonly eventsDays: number; readonly perTenant: Readonly<Record<string, number | undefined>> };
  readonly safeguards: readonly string[];
}

/** Builds the record from configuration and the node's peers. */
export function processingRecord(
  config: Config,
  peers: readonly RecipientPeer[],
  tenants: readonly string[],
): ProcessingRecord {
  const inv = Inventory.of(config, '');
  const perTenant: Record<string, number | undefined> = {};
  for (const t of tenants) perTenant[t] = config.storage.tenants[t]?.retentionDays ?? config.storage.retentionDays;
  const extra = tenants.flatMap((t) =>
    (config.privacy.tenants[t]?.extraFields ?? []).map((f) => ({ ...f, category: `${f.category} (tenant ${t})` })),
  );
  return {
    controller: config.privacy.controller,
    dpo: config.privacy.dpoContact,
    purposes: config.privacy.purposes,
    dataSubjects: [
      'employees and contractors of the monitored organisations (account holders, workstation users)',
      'external parties appearing in network traffic and e-mail (senders, recipients, remote hosts)',
    ],
    categories: [...inv.fields, ...extra].map((f) => ({
      field: f.field,
      kind: f.kind,
      when: f.when,
      category: f.category,
      legalBasis: f.legalBasis,
    })),
    recipients: peers,
    transfers:
      'Events, alerts, accounts and audit logs never leave the node. Shared objects are minimised first (personal values pseudonymised or removed, free text scrubbed; docs/PRIVACY.md).',
    retention: { eventsDays: config.storage.retentionDays, perTenant },
    safeguards: [
      `pseudonymised triage for roles ${config.privacy.pseudonymiseRoles.join(', ') || '(none)'} (HMAC-SHA-256 per tenant)`,
      `re-identification only with a case and a reason, audited${config.privacy.fourEyes ? ', approved by a second person' : ''}`,
      'tenant isolation on every route; role-based access',
      'hash-chained, append-only audit log',
      'erasure rewrites compressed event blocks and the term index; freed pages zeroed',
      'data minimisation before federation sharing (pseudonyms under community keys, TLP and distribution enforced by the sender)',
    ],
  };
}

/** The record as Markdown. */
export function renderRecord(r: ProcessingRecord): string {
  const out = [
    '# Record of processing activities (GDPR Art. 30)',
    '',
    `**Controller:** ${r.controller}  `,
    `**Data protection officer:** ${r.dpo}`,
    '',
    '## Purposes',
    ...r.purposes.map((p) => `- ${p}`),
    '',
    '## Categories of data subjects',
    ...r.dataSubjects.map((p) => `- ${p}`),
    '',
    '## Categories of personal data',
    '',
    '| field | identifies | when | category | legal basis |',
    '|---|---|---|---|---|',
    ...r.categories.map((c) => `| \`${c.field}\` | ${c.kind} | ${c.when} | ${c.category} | ${c.legalBasis} |`),
    '',
    '## Recipients',
    ...(r.recipients.length === 0
      ? ['- none: this node has no federation peers']
      : r.recipients.map(
          (p) =>
            `- ${p.name}${p.organisation ? ` (${p.organisation})` : ''}${p.status ? `, ${p.status}` : ''}: ${p.policy}`,
        )),
    '',
    '## Transfers',
    r.transfers,
    '',
    '## Retention',
    `- events: ${r.retention.eventsDays === 0 ? 'kept until erased' : `${r.retention.eventsDays} days`} (node default)`,
    ...Object.entries(r.retention.perTenant).map(
      ([t, d]) => `- tenant ${t}: ${d === 0 ? 'kept until erased' : `${d} days`}`,
    ),
    '',
    '## Technical and organisational measures (Art. 32)',
    ...r.safeguards.map((s) => `- ${s}`),
    '',
  ];
  return out.join('\n');
}
