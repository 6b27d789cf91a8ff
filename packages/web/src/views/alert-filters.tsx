/**
 * @module
 * The alert queue's filters: their URL form (so a filtered queue can be bookmarked and the
 * overview can link into it) and the filter bar (query, states, minimum severity, time, grouping).
 */
import type { ReactNode } from 'react';
import { ALERT_STATUSES, SEVERITIES, type AlertStatus, type Severity } from '../api/types';
import { href } from '../app/router';
import type { AlertGrouping } from '../lib/alerts';
import { decodeRange, RANGE_PRESETS, rangeLabel, type RangePreset } from '../lib/time-range';

/** The queue's filters. */
export interface Filters {
  readonly q: string;
  readonly statuses: readonly AlertStatus[];
  readonly min: Severity | '';
  readonly range: string;
  readonly group: AlertGrouping;
}

/** Reads the filters from the URL (default: new and acknowledged alerts of the last 7 days). */
export function readFilters(query: URLSearchParams): Filters {
  const st = (query.get('status') ?? 'new,acknowledged')
    .split(',')
    .filter((s): s is AlertStatus => (ALERT_STATUSES as readonly string[]).includes(s));
  const min = query.get('min') ?? '';
  const group = query.get('group');
  return {
    q: query.get('q') ?? '',
    statuses: st,
    min: (SEVERITIES as readonly string[]).includes(min) ? (min as Severity) : '',
    range: query.get('range') ?? '7d',
    group: group === 'rule' || group === 'host' || group === 'user' ? group : 'none',
  };
}

/** The URL of the queue with these filters. */
export function filtersHref(f: Filters): string {
  return href('/alerts', {
    q: f.q,
    status: f.statuses.join(','),
    min: f.min,
    range: f.range === '7d' ? undefined : f.range,
    group: f.group === 'none' ? undefined : f.group,
  });
}

/** The filter bar. */
export function AlertFilterBar(props: {
  filters: Filters;
  draft: string;
  onDraft: (q: string) => void;
  onChange: (f: Partial<Filters>) => void;
}): ReactNode {
  return (
    <form
      className="toolbar"
      role="search"
      aria-label="Filter alerts"
      onSubmit={(e) => {
        e.preventDefault();
        props.onChange({ q: props.draft });
      }}
    >
      <label className="field field-grow">
        <span className="sr-only">Alert query</span>
        <input
          data-search-input
          type="search"
          value={props.draft}
          onChange={(e) => props.onDraft(e.target.value)}
          placeholder="rule:… host:dc1 technique:T1003* user:…"
        />
      </label>
      <button type="submit" className="btn">
        Filter
      </button>
      <fieldset className="checks">
        <legend className="sr-only">States</legend>
        {ALERT_STATUSES.map((s) => (
          <label key={s}>
            <input
              type="checkbox"
              checked={props.filters.statuses.includes(s)}
              onChange={() =>
                props.onChange({
                  statuses: props.filters.statuses.includes(s)
                    ? props.filters.statuses.filter((x) => x !== s)
                    : [...props.filters.statuses, s],
                })
              }
            />
            {s}
          </label>
        ))}
      </fieldset>
      <label className="inline-field">
        <span className="muted">Min. severity</span>
        <select value={props.filters.min} onChange={(e) => props.onChange({ min: e.target.value as Severity | '' })}>
          <option value="">any</option>
          {SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label className="inline-field">
        <span className="muted">Time</span>
        <select value={props.filters.range} onChange={(e) => props.onChange({ range: e.target.value })}>
          {RANGE_PRESETS.map((p) => (
            <option key={p} value={p}>
              {rangeLabel({ kind: 'relative', preset: p as RangePreset })}
            </option>
          ))}
          {!(RANGE_PRESETS as readonly string[]).includes(props.filters.range) && (
            <option value={props.filters.range}>
              {rangeLabel(decodeRange(props.filters.range, { kind: 'relative', preset: '7d' }))}
            </option>
          )}
        </select>
      </label>
      <label className="inline-field">
        <span className="muted">Group by</span>
        <select
          value={props.filters.group}
          onChange={(e) => props.onChange({ group: e.target.value as AlertGrouping })}
        >
          <option value="none">nothing</option>
          <option value="rule">rule</option>
          <option value="host">host</option>
          <option value="user">user</option>
        </select>
      </label>
    </form>
  );
}
