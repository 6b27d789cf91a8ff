/**
 * @module
 * The observables part of the case service: the IPs, domains, hosts and users a case is about,
 * taken from its incidents or added by analysts, each looked up in threat intelligence by the
 * enricher (a match makes it an IOC). Kept apart because it is the one part that reaches outside
 * the case store, into the CTI core.
 */
import { AppError, requireRole, type AuthContext } from '@intersoc/core';
import { WORK_ROLES, type Incident } from '@intersoc/correlate';
import type { ObservableEnricher } from '../observables/enricher.js';
import { shortId, type CaseCore } from './case-core.js';
import type { CaseObservable, ObservableKind, Tlp } from './types.js';

/** What an analyst adds as an observable. */
export interface ObservableInput {
  readonly kind: ObservableKind;
  readonly value: string;
  readonly ioc?: boolean;
  readonly tlp?: Tlp;
  readonly tags?: readonly string[];
}

/** What an observable update may change. */
export interface ObservablePatch {
  readonly ioc?: boolean;
  readonly tags?: readonly string[];
  readonly tlp?: Tlp;
}

/** Observables of cases. */
export class CaseObservables {
  constructor(
    private readonly core: CaseCore,
    private readonly enricher: ObservableEnricher | undefined,
  ) {}

  /** The case's observables. */
  observables(ctx: AuthContext, id: string): CaseObservable[] {
    this.core.require(ctx, id);
    return this.core.store.parts(ctx, id, 'observable');
  }

  /** Adds the incident's IPs, domains, hosts and users the case does not have yet. */
  fromIncident(ctx: AuthContext, caseId: string, inc: Incident): void {
    const have = new Set(
      this.core.store.parts(ctx, caseId, 'observable').map((o) => `${o.kind}\0${o.value.toLowerCase()}`),
    );
    const add = (kind: ObservableKind, value: string, ioc: boolean): void => {
      if (have.has(`${kind}\0${value.toLowerCase()}`)) return;
      have.add(`${kind}\0${value.toLowerCase()}`);
      this.put(ctx, caseId, {
        kind,
        value,
        ioc,
        tags: [`incident:${inc.id.slice(0, 8)}`],
        source: 'incident',
      });
    };
    for (const ip of inc.ips) add('ip', ip, true);
    for (const d of inc.domains) add('domain', d, true);
    for (const h of inc.hosts) add('host', h, false);
    for (const u of inc.users) add('user', u, false);
  }

  private put(
    ctx: AuthContext,
    caseId: string,
    o: { kind: ObservableKind; value: string; ioc: boolean; tlp?: Tlp; tags: readonly string[]; source: string },
  ): CaseObservable {
    const enrichment = this.enricher?.enrich(ctx, o.kind, o.value);
    const obs: CaseObservable = {
      id: shortId(),
      caseId,
      kind: o.kind,
      value: o.value,
      ioc: o.ioc || (enrichment?.matches.length ?? 0) > 0,
      ...(o.tlp === undefined ? {} : { tlp: o.tlp }),
      tags: o.tags,
      source: o.source,
      ...(enrichment === undefined ? {} : { enrichment }),
      created: this.core.now(),
    };
    this.core.store.putPart(ctx, caseId, 'observable', obs.id, obs);
    return obs;
  }

  /** Adds an analyst's observable; CONFLICT when the case has it already (case-insensitive). */
  addObservable(ctx: AuthContext, id: string, o: ObservableInput): CaseObservable {
    requireRole(ctx, WORK_ROLES);
    this.core.require(ctx, id);
    const value = o.value.trim();
    if (value === '') throw new AppError('VALIDATION', 'observable value is empty');
    const dup = this.core.store
      .parts(ctx, id, 'observable')
      .find((x) => x.kind === o.kind && x.value.toLowerCase() === value.toLowerCase());
    if (dup) throw new AppError('CONFLICT', `observable ${o.kind} ${value} is already in the case`);
    const obs = this.put(ctx, id, {
      kind: o.kind,
      value,
      ioc: o.ioc ?? false,
      ...(o.tlp === undefined ? {} : { tlp: o.tlp }),
      tags: o.tags ?? [],
      source: 'analyst',
    });
    this.core.history(ctx, id, 'observable.add', { kind: obs.kind, value: obs.value, ref: obs.id });
    return obs;
  }

  /** Changes an observable's IOC flag, tags or TLP. */
  updateObservable(ctx: AuthContext, id: string, obsId: string, patch: ObservablePatch): CaseObservable {
    requireRole(ctx, WORK_ROLES);
    this.core.require(ctx, id);
    const o = this.core.store.part(ctx, id, 'observable', obsId);
    if (!o) throw new AppError('NOT_FOUND', `no observable ${obsId}`);
    const next = { ...o, ...patch };
    this.core.store.putPart(ctx, id, 'observable', obsId, next);
    this.core.history(ctx, id, 'observable.update', { value: o.value, ref: obsId });
    return next;
  }

  /** Removes an observable from the case. */
  removeObservable(ctx: AuthContext, id: string, obsId: string): void {
    requireRole(ctx, WORK_ROLES);
    this.core.require(ctx, id);
    const o = this.core.store.part(ctx, id, 'observable', obsId);
    if (!o || !this.core.store.deletePart(ctx, id, 'observable', obsId))
      throw new AppError('NOT_FOUND', `no observable ${obsId}`);
    this.core.history(ctx, id, 'observable.remove', { value: o.value, ref: obsId });
  }

  /** Looks every observable up again in threat intelligence. */
  enrichObservables(ctx: AuthContext, id: string): CaseObservable[] {
    requireRole(ctx, WORK_ROLES);
    this.core.require(ctx, id);
    const enricher = this.enricher;
    const list = this.core.store.parts(ctx, id, 'observable');
    if (!enricher) return list;
    return list.map((o) => {
      const enrichment = enricher.enrich(ctx, o.kind, o.value);
      const next = { ...o, enrichment, ioc: o.ioc || enrichment.matches.length > 0 };
      this.core.store.putPart(ctx, id, 'observable', o.id, next);
      return next;
    });
  }
}
