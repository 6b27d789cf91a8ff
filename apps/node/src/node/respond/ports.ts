/**
 * @module
 * The node services behind the `intersoc` playbook commands and `sigma` hunts: indicators in the
 * tenant's CTI store (the indicator detector reloads when they change, whoever wrote them),
 * federation shares, cases and observables, and hunts of a Sigma rule over the stored events.
 */
import { randomUUID } from 'node:crypto';
import { AppError, type AuthContext } from '@intersoc/core';
import type { CaseService } from '@intersoc/cases';
import { TLP_V2_MARKINGS, normaliseTlp, parsePattern, type CtiStore } from '@intersoc/cti';
import { buildRuleSet, parseSigmaText, SigmaDetector } from '@intersoc/detect';
import type { Federation } from '@intersoc/federation';
import type { NodePorts } from '@intersoc/respond';
import type { EventReader } from '@intersoc/storage';

/** What the ports are built from; absent parts make their commands fail with a clear reason. */
export interface PortDeps {
  readonly cti: CtiStore;
  readonly cases?: CaseService;
  readonly federation?: Federation;
  readonly reader?: EventReader;
}

/** Most events a hunt reads. */
const HUNT_MAX_EVENTS = 200_000;

function indicator(
  ctx: AuthContext,
  pattern: string,
  name: string,
  tlp: string,
  validFor?: number,
): Record<string, unknown> {
  const p = parsePattern(pattern);
  if (!p.ok) throw new AppError('VALIDATION', `not a STIX pattern: ${p.reason.message}`);
  const now = new Date();
  const level = normaliseTlp(tlp) ?? 'amber';
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${randomUUID()}`,
    created: now.toISOString(),
    modified: now.toISOString(),
    name,
    pattern,
    pattern_type: 'stix',
    valid_from: now.toISOString(),
    ...(validFor ? { valid_until: new Date(now.getTime() + validFor).toISOString() } : {}),
    labels: ['intersoc-respond'],
    object_marking_refs: [TLP_V2_MARKINGS[level]],
    x_intersoc_created_by: ctx.user,
  };
}

function putOne(cti: CtiStore, ctx: AuthContext, o: Record<string, unknown>): string {
  const [r] = cti.put(ctx, [o], { source: 'local', via: 'playbook' });
  if (!r || r.status === 'rejected') throw new AppError('VALIDATION', `indicator refused: ${r?.reason ?? 'unknown'}`);
  return String(o['id']);
}

/** The node's ports. */
export function nodePorts(d: PortDeps): NodePorts {
  const shareIds = (ctx: AuthContext, ids: string[], tlp?: string) => {
    if (!d.federation) throw new AppError('CONFIG', 'federation is not set up on this node (intersoc node init)');
    const level = tlp === undefined ? undefined : normaliseTlp(tlp);
    return d.federation.share(ctx, { ids, explicit: level === 'red', ...(level ? { tlp: level } : {}) });
  };
  return {
    share: async (ctx, req) => {
      const id =
        req.id ??
        putOne(d.cti, ctx, indicator(ctx, req.pattern ?? '', req.name ?? 'indicator shared by a playbook', req.tlp));
      const r = shareIds(ctx, [id], req.tlp);
      return { id, peers: Object.values(r.queued).filter((n) => n > 0).length, denied: r.denied };
    },
    unshare: async (ctx, id) => {
      if (!d.cti.revoke(ctx, id)) throw new AppError('NOT_FOUND', `no object ${id}`);
      shareIds(ctx, [id]);
    },
    block: async (ctx, req) => ({
      id: putOne(d.cti, ctx, indicator(ctx, req.pattern, req.name, 'amber', req.validFor)),
    }),
    unblock: async (ctx, id) => {
      if (!d.cti.revoke(ctx, id)) throw new AppError('NOT_FOUND', `no indicator ${id}`);
    },
    ...(d.cases
      ? {
          openCase: async (
            ctx: AuthContext,
            req: { title: string; description?: string; severity?: string; incident?: string },
          ) => {
            const c = (d.cases as CaseService).create(ctx, {
              title: req.title,
              ...(req.description ? { description: req.description } : {}),
              ...(req.severity ? { severity: req.severity as never } : {}),
              ...(req.incident ? { incidents: [req.incident] } : {}),
            });
            return { id: c.id, number: c.number };
          },
          addObservable: async (
            ctx: AuthContext,
            req: { case: string; kind: string; value: string; ioc?: boolean },
          ) => {
            const o = (d.cases as CaseService).addObservable(ctx, req.case, {
              kind: req.kind as never,
              value: req.value,
              ...(req.ioc === undefined ? {} : { ioc: req.ioc }),
            });
            return { id: o.id };
          },
        }
      : {}),
    ...(d.reader
      ? {
          hunt: async (ctx: AuthContext, req: { rule: string; from?: number; to?: number; limit: number }) => {
            const docs = parseSigmaText(req.rule, 'playbook');
            const bad = docs.find((x) => !x.ok);
            if (bad && !bad.ok) throw new AppError('VALIDATION', `Sigma rule: ${bad.rejection.reason}`);
            const built = buildRuleSet(docs.flatMap((x) => (x.ok ? [x.doc] : [])));
            const rule = built.ruleSet.rules[0];
            if (!rule)
              throw new AppError('VALIDATION', `Sigma rule not usable: ${built.rejected[0]?.reason ?? 'no rule'}`);
            const detector = new SigmaDetector({ ruleSet: built.ruleSet });
            const reader = d.reader as EventReader;
            const events = new Set<string>();
            let matches = 0;
            let read = 0;
            let cursor: string | undefined;
            do {
              const page = reader.searchEvents(ctx, {
                q: '',
                ...(req.from ? { from: req.from } : {}),
                ...(req.to ? { to: req.to } : {}),
                limit: 2000,
                ...(cursor ? { cursor } : {}),
              });
              read += page.items.length;
              for (const a of detector.detect(page.items)) {
                matches += 1;
                for (const e of a.eventIds) if (events.size < req.limit) events.add(e);
              }
              cursor = page.next;
            } while (cursor && read < HUNT_MAX_EVENTS);
            return { matches, events: [...events], rule: rule.title };
          },
        }
      : {}),
  };
}
