/**
 * @module
 * Erasure (GDPR Art. 17): a subject's values are redacted from every record the node holds,
 * except records under legal hold, which are kept and listed with the reason:
 *
 * - events: the compressed blocks are rewritten with the values replaced by `[erased]` in the raw
 *   record (the fields are re-derived from it), the term index of each block is rebuilt and the
 *   index optimised, freed pages are zeroed (`secure_delete`) and the WAL truncated;
 * - the asset inventory: the subject's own entry deleted, entries naming it (as owner) redacted;
 * - pseudonyms shown for the values and restrictions naming the subject: deleted;
 * - open Sigma correlation windows keyed by the subject's values: dropped;
 * - host behaviour baselines of the subject (its logon history, a host's process pairs, rates): deleted;
 * - every file is then VACUUMed, so no freed page keeps an old copy;
 * - alerts, dead letters, incidents (documents, search text, alert copies, observables), closed
 *   cases (documents, notes, tasks, history) and CTI objects: values replaced in place;
 * - legal hold (Art. 17(3)(b) and (e)): cases that are open or significant under NIS2, their
 *   incidents, those incidents' alerts and the alerts' events; the hash-chained audit log
 *   (accountability, Art. 5(2)), which is append-only by design.
 *
 * The node makes no backups of its own (operators' file backups must be handled by the operator;
 * docs/PRIVACY.md says how). The caller must hold the writer lock of the data folder.
 */
import type { EventHydrator, EventRewrite, RewriteOutcome, SqliteDb } from '@intersoc/storage';
import { rewriteEventDb } from '@intersoc/storage';
import { hasTable, holdsOf, rowsOf } from '../internal/tables.js';
import type { PrivacyStore } from '../view/privacy-store.js';
import { SqlitePrivacyStore } from '../view/store.js';
import { mentions, redactText, subjectLabel, subjectValues, valuesPattern, type Subject } from '../subject/subject.js';

/** What replaces an erased value. */
export const ERASED = '[erased]';

/** A record kept under legal hold. */
export interface HeldRecord {
  readonly kind: 'events' | 'alerts' | 'incidents' | 'cases' | 'audit';
  readonly tenant: string;
  readonly id: string;
  readonly reason: string;
}

/** What an erasure did. */
export interface ErasureOutcome {
  readonly subject: string;
  readonly erased: {
    readonly events: number;
    readonly blocks: number;
    readonly alerts: number;
    readonly deadLetters: number;
    readonly incidents: number;
    readonly cases: number;
    readonly observables: number;
    readonly cti: number;
    /** Open correlation windows dropped (they would re-raise alerts naming the subject). */
    readonly correlationWindows: number;
    /** Asset-inventory entries of the subject deleted, or naming it (as owner) redacted. */
    readonly assets: number;
    /** Rows of the host behaviour baselines deleted (they would keep the subject's habits). */
    readonly baselineRows: number;
  };
  readonly held: readonly HeldRecord[];
}

/** What the single writer of the event store needs to erase a subject from one tenant (serialisable). */
export interface EventErasureSpec {
  readonly tenant: string;
  readonly subject: Subject;
  /** Events and alerts under legal hold. */
  readonly keepEvents: readonly string[];
  readonly keepAlerts: readonly string[];
}

/** The event-store rewrite of an erasure (for `rewriteEventDb`, in whichever thread owns the writer). */
export function subjectRewrite(spec: EventErasureSpec): EventRewrite {
  const values = subjectValues(spec.subject);
  const re = valuesPattern(values) as RegExp;
  const redact = (s: string): string => redactText(re, s, ERASED);
  return {
    tenant: spec.tenant,
    values,
    touches: (s) => mentions(re, s),
    event: (e) => ({
      ...e,
      raw: redact(e.raw),
      ...(e.context === undefined ? {} : { context: redact(e.context) }),
      ...(e.label === undefined ? {} : { label: redact(e.label) }),
    }),
    text: redact,
    keepEvents: new Set(spec.keepEvents),
    keepAlerts: new Set(spec.keepAlerts),
  };
}

/** Erases from the event database in this thread, and rebuilds its file. */
export function eraseEventsIn(db: SqliteDb, hydrator: EventHydrator, spec: EventErasureSpec): RewriteOutcome {
  const r = rewriteEventDb(db, hydrator, subjectRewrite(spec));
  compact(db);
  return r;
}

/** The databases to erase from. */
export interface ErasureTargets {
  readonly nodeDb: SqliteDb;
  /**
   * Erases from the event store (`eraseEventsIn` where this thread owns the writer, or a hand-over
   * to the thread that does); absent when the node has no event store.
   */
  readonly events?: (spec: EventErasureSpec) => RewriteOutcome | Promise<RewriteOutcome>;
  readonly tenants: readonly string[];
  /** The Sigma correlation state (open windows keyed by group values); matching windows are dropped. */
  readonly correlationStateDb?: SqliteDb;
  /**
   * Erases from the host behaviour baselines (`eraseBaselinesIn` where this thread owns them, or a
   * hand-over to the thread that does); returns the rows deleted.
   */
  readonly baselines?: (spec: EventErasureSpec) => number | Promise<number>;
  /**
   * Where pseudonyms shown and restrictions live; by default the node database's own tables
   * (`SqlitePrivacyStore` on `nodeDb`), so they go in the same transaction as the rest.
   */
  readonly privacy?: PrivacyStore;
}

/** Erases `subject` from every tenant of `t`. */
export async function eraseSubject(t: ErasureTargets, subject: Subject): Promise<ErasureOutcome> {
  const values = subjectValues(subject);
  const re = valuesPattern(values) as RegExp;
  const touches = (s: string | null | undefined): boolean => typeof s === 'string' && mentions(re, s);
  const redact = (s: string): string => redactText(re, s, ERASED);
  const held: HeldRecord[] = [];
  const erased = {
    events: 0,
    blocks: 0,
    alerts: 0,
    deadLetters: 0,
    incidents: 0,
    cases: 0,
    observables: 0,
    cti: 0,
    correlationWindows: 0,
    assets: 0,
    baselineRows: 0,
  };
  const db = t.nodeDb;
  db.pragma('secure_delete = ON');
  // The privacy store would create its tables: a node that never had them has nothing to forget.
  const privacy = t.privacy ?? (hasTable(db, 'privacy_pseudonyms') ? new SqlitePrivacyStore(db) : undefined);
  for (const tenant of t.tenants) {
    const holds = holdsOf(db, tenant);
    if (t.events) {
      const r = await t.events({
        tenant,
        subject,
        keepEvents: [...holds.events],
        keepAlerts: [...holds.alerts],
      });
      erased.events += r.events + r.deletedEvents;
      erased.blocks += r.blocks;
      erased.alerts += r.alerts;
      erased.deadLetters += r.deadLetters;
      for (const id of r.keptEvents)
        held.push({ kind: 'events', tenant, id, reason: 'evidence of an incident under legal hold' });
      for (const id of r.keptAlerts)
        held.push({ kind: 'alerts', tenant, id, reason: 'alert of an incident under legal hold' });
    }
    if (t.baselines) erased.baselineRows += await t.baselines({ tenant, subject, keepEvents: [], keepAlerts: [] });
    db.transaction(() => {
      const setInc = db.prepare('UPDATE incidents SET doc = ?, search = ? WHERE tenant = ? AND id = ?');
      for (const r of rowsOf<{ id: string; doc: string; search: string }>(
        db,
        'incidents',
        'SELECT id, doc, search FROM incidents WHERE tenant = ?',
        tenant,
      )) {
        if (!touches(r.doc) && !touches(r.search)) continue;
        const why = holds.incidents.get(r.id);
        if (why) {
          held.push({ kind: 'incidents', tenant, id: r.id, reason: why });
          continue;
        }
        setInc.run(checkedJson(redact(r.doc)), redact(r.search), tenant, r.id);
        erased.incidents++;
      }
      const setIncAlert = db.prepare('UPDATE incident_alerts SET doc = ? WHERE tenant = ? AND alert_id = ?');
      for (const r of rowsOf<{ alert_id: string; incident: string; doc: string }>(
        db,
        'incident_alerts',
        'SELECT alert_id, incident, doc FROM incident_alerts WHERE tenant = ?',
        tenant,
      ))
        if (touches(r.doc) && !holds.incidents.has(r.incident))
          setIncAlert.run(checkedJson(redact(r.doc)), tenant, r.alert_id);
      const delObs = db.prepare('DELETE FROM incident_observables WHERE tenant = ? AND value = ? AND incident = ?');
      for (const r of rowsOf<{ value: string; incident: string }>(
        db,
        'incident_observables',
        'SELECT value, incident FROM incident_observables WHERE tenant = ?',
        tenant,
      ))
        if (touches(r.value) && !holds.incidents.has(r.incident)) {
          delObs.run(tenant, r.value, r.incident);
          erased.observables++;
        }
      const setCase = db.prepare('UPDATE cases SET doc = ?, search = ? WHERE tenant = ? AND id = ?');
      for (const r of rowsOf<{ id: string; number: number; doc: string; search: string }>(
        db,
        'cases',
        'SELECT id, number, doc, search FROM cases WHERE tenant = ?',
        tenant,
      )) {
        const why = holds.cases.get(r.id);
        const partsTouch = rowsOf<{ doc: string }>(
          db,
          'case_parts',
          'SELECT doc FROM case_parts WHERE tenant = ? AND case_id = ?',
          tenant,
          r.id,
        ).some((p) => touches(p.doc));
        if (!touches(r.doc) && !touches(r.search) && !partsTouch) continue;
        if (why) {
          held.push({ kind: 'cases', tenant, id: r.id, reason: why });
          continue;
        }
        setCase.run(checkedJson(redact(r.doc)), redact(r.search), tenant, r.id);
        erased.cases++;
        const setPart = db.prepare(
          'UPDATE case_parts SET doc = ? WHERE tenant = ? AND case_id = ? AND kind = ? AND id = ?',
        );
        for (const p of rowsOf<{ kind: string; id: string; doc: string }>(
          db,
          'case_parts',
          'SELECT kind, id, doc FROM case_parts WHERE tenant = ? AND case_id = ?',
          tenant,
          r.id,
        ))
          if (touches(p.doc)) {
            setPart.run(checkedJson(redact(p.doc)), tenant, r.id, p.kind, p.id);
            if (p.kind.startsWith('observable')) erased.observables++;
          }
        const setHist = db.prepare('UPDATE case_history SET detail = ? WHERE seq = ?');
        for (const h of rowsOf<{ seq: number; detail: string }>(
          db,
          'case_history',
          'SELECT seq, detail FROM case_history WHERE tenant = ? AND case_id = ?',
          tenant,
          r.id,
        ))
          if (touches(h.detail)) setHist.run(redact(h.detail), h.seq);
      }
      const delAsset = db.prepare('DELETE FROM assets WHERE tenant = ? AND kind = ? AND name = ?');
      const setAsset = db.prepare('UPDATE assets SET doc = ? WHERE tenant = ? AND kind = ? AND name = ?');
      for (const r of rowsOf<{ kind: string; name: string; doc: string }>(
        db,
        'assets',
        'SELECT kind, name, doc FROM assets WHERE tenant = ?',
        tenant,
      )) {
        if (touches(r.name)) delAsset.run(tenant, r.kind, r.name);
        else if (touches(r.doc)) setAsset.run(checkedJson(redact(r.doc)), tenant, r.kind, r.name);
        else continue;
        erased.assets++;
      }
      // Pseudonyms shown for the value, and restrictions naming it, go with it (through the
      // privacy store, inside this transaction when it is the node database's own).
      if (privacy) {
        privacy.forget(tenant, touches);
        for (const r of privacy.restrictions(tenant)) if (touches(r.subject)) privacy.lift(tenant, r.subject);
      }
      const setCti = db.prepare('UPDATE cti_objects SET json = ? WHERE seq = ?');
      for (const r of rowsOf<{ seq: number; json: string }>(
        db,
        'cti_objects',
        'SELECT seq, json FROM cti_objects WHERE tenant = ?',
        tenant,
      ))
        if (touches(r.json)) {
          setCti.run(checkedJson(redact(r.json)), r.seq);
          erased.cti++;
        }
    })();
    for (const r of rowsOf<{ seq: number; actor: string; target: string | null; details: string | null }>(
      db,
      'audit_log',
      'SELECT seq, actor, target, details FROM audit_log WHERE tenant = ?',
      tenant,
    ))
      if (touches(r.actor) || touches(r.target) || touches(r.details))
        held.push({
          kind: 'audit',
          tenant,
          id: `${tenant}/${r.seq}`,
          reason: 'hash-chained audit log: kept for accountability (Art. 5(2)); append-only by design',
        });
  }
  const st = t.correlationStateDb;
  if (st) {
    st.pragma('secure_delete = ON');
    const del = st.prepare('DELETE FROM sigma_correlation_state WHERE scope = ? AND correlation = ? AND grp = ?');
    for (const tenant of t.tenants)
      for (const r of rowsOf<{ correlation: string; grp: string; state: string }>(
        st,
        'sigma_correlation_state',
        'SELECT correlation, grp, state FROM sigma_correlation_state WHERE scope = ?',
        tenant,
      ))
        if (touches(r.grp) || touches(r.state))
          erased.correlationWindows += del.run(tenant, r.correlation, r.grp).changes;
    compact(st);
  }
  // Pages freed before this erasure (by earlier updates) may still hold old copies of the values:
  // VACUUM rebuilds each file from its live rows only.
  compact(db);
  return { subject: subjectLabel(subject), erased, held };
}

/** Rebuilds a database file from its live rows and empties its WAL. */
function compact(db: SqliteDb): void {
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec('VACUUM');
  db.pragma('wal_checkpoint(TRUNCATE)');
}

/** A JSON text after redaction, checked to still parse (a value inside a key would break it). */
function checkedJson(s: string): string {
  JSON.parse(s);
  return s;
}
