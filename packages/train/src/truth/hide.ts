/**
 * @module
 * The scenario's ground truth kept from the trainee. Replayed events carry their label (an ATT&CK
 * technique id or `benign`) so that "find it" and hands-on levels can be checked; a trainee who
 * read it would read the answers. `hideTruth` removes it from any answer the API writes (event
 * pages, one event, alert details with their events, exports, the field catalogue), and
 * `queriesTruth` tells a search that names the label field, which a trainee may not run.
 */
import type { AuthContext, Role } from '@intersoc/core';

/** The query pseudo-field of an event's ground-truth label (see the event store's query document). */
export const TRUTH_FIELD = '_label';

/** Roles that see the truth inside a training tenant (the node operator acting there is an admin). */
const SEES_TRUTH: readonly Role[] = ['admin', 'instructor'];

/**
 * Whether `ctx` must not see the ground truth: a caller of a training tenant (one a run replayed
 * its scenario into) without an instructor's or admin's role. The trainee's account there is an
 * analyst, and so is any token minted for it.
 */
export function hidesTruth(ctx: AuthContext, isTrainingTenant: (tenant: string) => boolean): boolean {
  return !ctx.roles.some((r) => SEES_TRUTH.includes(r)) && isTrainingTenant(ctx.tenant);
}

/** Whether a search query names the label field (`_label:T1059`, `_label = benign`, `exists _label`...). */
export function queriesTruth(q: string): boolean {
  return /(^|[^\w.])_label\b/i.test(q);
}

/** An event as the store writes it: an id, a time, a source, the raw record. */
function isEventLike(o: Record<string, unknown>): boolean {
  return typeof o['id'] === 'string' && 'raw' in o && typeof o['source'] === 'object' && 'time' in o;
}

/**
 * `payload` without ground truth: `label` dropped from every event in it (at any depth, so alert
 * details and pages of events are covered), and the `_label` entry dropped from field catalogues
 * (`{ name: '_label', kind: 'meta', values }`). Returns `payload` itself when nothing was there.
 *
 * @example hideTruth({ items: [{ id: 'e1', time: 1, source: {}, raw: '', label: 'T1059' }] })
 *          // { items: [{ id: 'e1', time: 1, source: {}, raw: '' }] }
 */
export function hideTruth<T>(payload: T): T {
  return strip(payload, 0) as T;
}

function strip(v: unknown, depth: number): unknown {
  if (v === null || typeof v !== 'object' || depth > 32) return v;
  if (Array.isArray(v)) {
    let changed = false;
    const out: unknown[] = [];
    for (const x of v) {
      if (isTruthField(x)) {
        changed = true;
        continue;
      }
      const y = strip(x, depth + 1);
      if (y !== x) changed = true;
      out.push(y);
    }
    return changed ? out : v;
  }
  const o = v as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  if (isEventLike(o) && 'label' in o) {
    const { label: _label, ...rest } = o;
    out = rest;
  }
  for (const [k, x] of Object.entries(out ?? o)) {
    const y = strip(x, depth + 1);
    if (y !== x) (out ??= { ...o })[k] = y;
  }
  return out ?? v;
}

/** A field catalogue's entry for the label pseudo-field. */
function isTruthField(x: unknown): boolean {
  return x !== null && typeof x === 'object' && (x as Record<string, unknown>)['name'] === TRUTH_FIELD;
}
