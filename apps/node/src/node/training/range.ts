/**
 * @module
 * The node's training range: what hands-on levels and alert marks are checked against, read from
 * a run's training tenant through the node's real services. Alerts come from the event store and
 * are labelled by their events' ground truth (the replayed records carry it); cases from the case
 * service with the alerts of their incidents; playbook runs from the respond store; a trainee's
 * Sigma rule is compiled by the Sigma engine and run over the tenant's stored events.
 */
import { systemContext, type AuthContext, type SocEvent } from '@intersoc/core';
import type { CaseService } from '@intersoc/cases';
import type { SqliteIncidentStore } from '@intersoc/correlate';
import { buildRuleSet, parseSigmaText, SigmaDetector } from '@intersoc/detect';
import type { RespondRuntime } from '@intersoc/respond';
import type { EventReader } from '@intersoc/storage';
import { labelIsAttack, type RangeAlert, type SigmaOutcome, type TrainingRange } from '@intersoc/train';

/** Training tenants are small; these bound what one check reads. */
const MAX_EVENTS = 200_000;
const MAX_ALERTS = 20_000;
const PAGE = 5_000;

/** What the range reads. */
export interface RangeWiring {
  readonly reader: EventReader;
  readonly incidents: SqliteIncidentStore;
  readonly cases: CaseService;
  readonly respond: RespondRuntime['store'];
}

function* allEvents(reader: EventReader, ctx: AuthContext): Generator<readonly SocEvent[]> {
  let cursor: string | undefined;
  let read = 0;
  do {
    const page = reader.searchEvents(ctx, { q: '', limit: PAGE, ...(cursor ? { cursor } : {}) });
    read += page.items.length;
    yield page.items;
    cursor = page.next;
  } while (cursor && read < MAX_EVENTS);
}

/** The range over the node's services. */
export function nodeRange(w: RangeWiring): TrainingRange {
  const alerts = (tenant: string): Promise<readonly RangeAlert[]> => {
    const ctx = systemContext(tenant);
    const labels = new Map<string, string | undefined>();
    for (const page of allEvents(w.reader, ctx)) for (const e of page) labels.set(e.id, e.label);
    const out: RangeAlert[] = [];
    let cursor: string | undefined;
    do {
      const page = w.reader.searchAlerts(ctx, { q: '', limit: PAGE, ...(cursor ? { cursor } : {}) });
      for (const a of page.items) {
        const verdicts = a.eventIds.map((id) => labelIsAttack(labels.get(id), []));
        const attack = verdicts.includes(true) ? true : verdicts.includes(false) ? false : undefined;
        out.push({ id: a.id, rule: a.detector.ruleTitle, attack });
      }
      cursor = page.next;
    } while (cursor && out.length < MAX_ALERTS);
    return Promise.resolve(out);
  };

  return {
    alerts,

    cases: (tenant, since) => {
      const ctx = systemContext(tenant);
      return Promise.resolve(
        w.cases
          .list(ctx, { limit: 500 })
          .items.filter((c) => c.created >= since)
          .map((c) => ({
            id: c.id,
            number: c.number,
            created: c.created,
            createdBy: c.createdBy,
            alerts: c.incidents.flatMap((i) => w.incidents.alerts(ctx, i).map((a) => a.id)),
          })),
      );
    },

    playbookRuns: (tenant, since) =>
      Promise.resolve(
        w.respond
          .listRuns(systemContext(tenant), { limit: 1000 })
          .items.filter((r) => r.created >= since)
          .map((r) => ({
            id: r.id,
            playbook: r.playbookId,
            name: r.playbookName,
            status: r.status,
            created: r.created,
          })),
      ),

    sigma: (tenant, rule, techniques): Promise<SigmaOutcome> => {
      const docs = parseSigmaText(rule, 'training');
      const bad = docs.find((x) => !x.ok);
      if (bad && !bad.ok) return Promise.resolve({ ok: false, reason: bad.rejection.reason });
      const built = buildRuleSet(docs.flatMap((x) => (x.ok ? [x.doc] : [])));
      const compiled = built.ruleSet.rules[0];
      if (!compiled) return Promise.resolve({ ok: false, reason: built.rejected[0]?.reason ?? 'no rule in the text' });
      const detector = new SigmaDetector({ ruleSet: built.ruleSet });
      let attack = 0;
      let benign = 0;
      let attackMatched = 0;
      let benignMatched = 0;
      for (const page of allEvents(w.reader, systemContext(tenant))) {
        const kinds = new Map<string, 'attack' | 'benign' | 'other'>();
        for (const e of page) {
          // Attack events of other techniques are neither: a rule may fire on them or not.
          const k = labelIsAttack(e.label, techniques) ? 'attack' : e.label === 'benign' ? 'benign' : 'other';
          kinds.set(e.id, k);
          if (k === 'attack') attack++;
          else if (k === 'benign') benign++;
        }
        const matched = new Set<string>();
        for (const a of detector.detect(page)) for (const id of a.eventIds) matched.add(id);
        for (const id of matched) {
          const k = kinds.get(id);
          if (k === 'attack') attackMatched++;
          else if (k === 'benign') benignMatched++;
        }
      }
      return Promise.resolve({ ok: true, title: compiled.title, attack, attackMatched, benign, benignMatched });
    },

    copyPlaybook: (from, to, ref) => {
      const src = systemContext(from);
      const want = ref.trim().toLowerCase();
      const brief = w.respond
        .listPlaybooks(src)
        .find((p) => p.id.toLowerCase() === want || p.name.trim().toLowerCase() === want);
      const stored = brief && w.respond.getPlaybook(src, brief.id);
      if (!stored) return Promise.resolve(false);
      const { tenant: _t, ...rest } = stored;
      w.respond.putPlaybook(systemContext(to), rest);
      return Promise.resolve(true);
    },
  };
}
