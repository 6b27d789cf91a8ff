/**
 * @module
 * Playbooks between SOCs. Sharing wraps the stored (signed) playbook as an `x-oca-playbook` STIX
 * object marked with the playbook's TLP (or a stricter one asked for), stores it in the CTI store
 * and shares it through federation, whose policy decides which peers may get it. Receiving: the
 * wrapper lands in the CTI store with its provenance; each new version whose CACAO signatures
 * verify with a key this node trusts (its peers' from their cards) is added to the tenant's
 * playbooks, with the peer as its source. Unsigned or unverifiable ones stay where they landed.
 */
import { AppError, systemContext, type AuthContext } from '@intersoc/core';
import type { CtiStore } from '@intersoc/cti';
import type { Federation } from '@intersoc/federation';
import {
  OCA_PLAYBOOK_TYPE,
  playbookFromStix,
  playbookToStix,
  stixIdOfPlaybook,
  type RespondRuntime,
} from '@intersoc/respond';

const TLP_ORDER = ['clear', 'green', 'amber', 'amber+strict', 'red'];

/** Shares a stored playbook; returns the STIX id and the federation's report. */
export function sharePlaybook(
  rt: Pick<RespondRuntime, 'playbooks'>,
  cti: CtiStore,
  federation: Federation | undefined,
  ctx: AuthContext,
  id: string,
  tlp?: string,
): { stixId: string; queued: Record<string, number>; denied: number } {
  if (!federation) throw new AppError('CONFIG', 'federation is not set up on this node (intersoc node init)');
  const stored = rt.playbooks.show(ctx, id).stored;
  // A share can only make the marking stricter, never looser than the playbook's own.
  const own = stored.tlp ?? 'amber';
  const level = tlp && TLP_ORDER.indexOf(tlp) > TLP_ORDER.indexOf(own) ? tlp : own;
  const obj = playbookToStix(stored.playbook, level);
  const [r] = cti.put(ctx, [obj], { source: 'local', via: 'respond' });
  if (!r || r.status === 'rejected')
    throw new AppError('VALIDATION', `the playbook wrapper was refused: ${r?.reason ?? ''}`);
  const report = federation.share(ctx, {
    ids: [stixIdOfPlaybook(stored.id)],
    tlp: level as never,
    explicit: level === 'red',
  });
  return { stixId: stixIdOfPlaybook(stored.id), queued: { ...report.queued }, denied: report.denied };
}

/** Imports received playbooks of every tenant with some; returns how many were added. */
export function importSharedPlaybooks(rt: RespondRuntime, cti: CtiStore, onError: (err: unknown) => void): number {
  let added = 0;
  const tenants = (
    rt.store.db.prepare('SELECT DISTINCT tenant FROM cti_objects WHERE type = ?').all(OCA_PLAYBOOK_TYPE) as {
      tenant: string;
    }[]
  ).map((r) => r.tenant);
  for (const tenant of tenants) {
    const ctx: AuthContext = { ...systemContext(tenant), user: 'federation' };
    let after: string | undefined;
    do {
      const page = cti.query(ctx, {
        types: [OCA_PLAYBOOK_TYPE],
        versions: 'all',
        limit: 500,
        ...(after ? { after } : {}),
      });
      for (const o of page.objects) {
        if (!o.provenance.source.startsWith('peer:')) continue;
        try {
          const doc = playbookFromStix(o.object) as { id?: unknown; modified?: unknown };
          if (typeof doc.id !== 'string' || typeof doc.modified !== 'string') continue;
          if (rt.store.getPlaybook(ctx, doc.id, doc.modified)) continue;
          const r = rt.playbooks.add(ctx, doc, { source: o.provenance.source, requireSignature: true });
          if (r.added) added += 1;
        } catch (err) {
          onError(
            new Error(
              `shared playbook ${String(o.object['playbook_id'] ?? o.id)} from ${o.provenance.source} not imported: ${(err as Error).message}`,
            ),
          );
        }
      }
      after = page.next;
    } while (after);
  }
  return added;
}
