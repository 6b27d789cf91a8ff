/**
 * @module
 * Beside the search: the field sidebar (the loaded rows' most common fields and values, each
 * with filter-in and filter-out) and saved queries. Saved queries live in the browser's
 * localStorage, one list per tenant and user: they follow the analyst on this browser only, and
 * the node stores nothing for them.
 */
import { useMemo, useState, type ReactNode } from 'react';
import type { SocEvent } from '../api/types';
import { quoteValue } from '../lib/query-complete';

const FIELDS_SHOWN = 14;
const VALUES_SHOWN = 5;

/** The query with one more term: `field:value`, or `NOT field:value`. */
export function withFilter(q: string, field: string, value: string, include: boolean): string {
  const term = `${include ? '' : 'NOT '}${field}:${quoteValue(value)}`;
  const base = q.trim();
  if (base === '') return term;
  return /\s(OR)\s/i.test(base) ? `(${base}) AND ${term}` : `${base} AND ${term}`;
}

/** Most common ECS fields of the rows, with their most common values. */
export function fieldStats(
  rows: readonly SocEvent[],
): { field: string; count: number; values: { value: string; count: number }[] }[] {
  const by = new Map<string, Map<string, number>>();
  for (const e of rows) {
    for (const [k, v] of Object.entries(e.ecs)) {
      if (k === 'message' || k === '@timestamp') continue;
      const text = String(v);
      if (text === '' || text.length > 200) continue;
      let m = by.get(k);
      if (!m) by.set(k, (m = new Map()));
      m.set(text, (m.get(text) ?? 0) + 1);
    }
  }
  return [...by.entries()]
    .map(([field, m]) => ({
      field,
      count: [...m.values()].reduce((a, b) => a + b, 0),
      values: [...m.entries()]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, VALUES_SHOWN)
        .map(([value, count]) => ({ value, count })),
    }))
    .sort((a, b) => b.count - a.count || a.field.localeCompare(b.field))
    .slice(0, FIELDS_SHOWN);
}

/** The field sidebar. */
export function FieldSidebar(props: { rows: readonly SocEvent[]; q: string; onQuery: (q: string) => void }): ReactNode {
  const stats = useMemo(() => fieldStats(props.rows), [props.rows]);
  return (
    <aside className="field-side" aria-label="Fields">
      <h2 className="panel-title">Fields of {props.rows.length.toLocaleString('en-US')} loaded events</h2>
      {stats.length === 0 && <p className="muted small">No fields.</p>}
      {stats.map((f) => (
        <details key={f.field} className="field-stat">
          <summary>
            <span className="mono">{f.field}</span> <span className="muted small">{f.count}</span>
          </summary>
          <ul className="plain">
            {f.values.map((v) => (
              <li key={v.value} className="field-value">
                <span className="mono small clip" title={v.value}>
                  {v.value}
                </span>
                <span className="muted small">{v.count}</span>
                <button
                  type="button"
                  className="btn btn-ghost btn-tiny"
                  aria-label={`Filter in ${f.field} ${v.value}`}
                  title="Only events with this value"
                  onClick={() => props.onQuery(withFilter(props.q, f.field, v.value, true))}
                >
                  +
                </button>
                <button
                  type="button"
                  className="btn btn-ghost btn-tiny"
                  aria-label={`Filter out ${f.field} ${v.value}`}
                  title="Leave out events with this value"
                  onClick={() => props.onQuery(withFilter(props.q, f.field, v.value, false))}
                >
                  −
                </button>
              </li>
            ))}
          </ul>
        </details>
      ))}
    </aside>
  );
}

/** One saved query. */
export interface SavedQuery {
  readonly name: string;
  readonly q: string;
  readonly range: string;
}

function storageKey(tenant: string, user: string): string {
  return `intersoc.saved-queries.${tenant}.${user}`;
}

/** The saved queries of a user on this browser. */
export function loadSaved(tenant: string, user: string): SavedQuery[] {
  try {
    const v = JSON.parse(localStorage.getItem(storageKey(tenant, user)) ?? '[]') as unknown;
    return Array.isArray(v)
      ? v.filter(
          (x): x is SavedQuery =>
            typeof x === 'object' &&
            x !== null &&
            typeof (x as SavedQuery).name === 'string' &&
            typeof (x as SavedQuery).q === 'string' &&
            typeof (x as SavedQuery).range === 'string',
        )
      : [];
  } catch {
    return [];
  }
}

function storeSaved(tenant: string, user: string, list: readonly SavedQuery[]): void {
  try {
    localStorage.setItem(storageKey(tenant, user), JSON.stringify(list));
  } catch {
    // Storage refused (private mode, quota): the list lives until the page closes.
  }
}

/** Save the current query under a name; pick a saved one to run it; delete one. */
export function SavedQueries(props: {
  tenant: string;
  user: string;
  q: string;
  range: string;
  onRun: (s: SavedQuery) => void;
}): ReactNode {
  const [list, setList] = useState<SavedQuery[]>(() => loadSaved(props.tenant, props.user));
  const [picked, setPicked] = useState('');
  const update = (next: SavedQuery[]): void => {
    setList(next);
    storeSaved(props.tenant, props.user, next);
  };
  return (
    <div className="toolbar saved-queries" role="group" aria-label="Saved searches">
      <button
        type="button"
        className="btn btn-ghost"
        disabled={props.q.trim() === ''}
        onClick={() => {
          const name = window.prompt('Name of the saved query', props.q.slice(0, 60));
          if (!name?.trim()) return;
          update([
            ...list.filter((s) => s.name !== name.trim()),
            { name: name.trim(), q: props.q, range: props.range },
          ]);
          setPicked(name.trim());
        }}
      >
        Save query
      </button>
      <select
        aria-label="Run a saved search"
        value={picked}
        onChange={(e) => {
          setPicked(e.target.value);
          const s = list.find((x) => x.name === e.target.value);
          if (s) props.onRun(s);
        }}
      >
        <option value="">Saved queries ({list.length})</option>
        {list.map((s) => (
          <option key={s.name} value={s.name} title={s.q}>
            {s.name}
          </option>
        ))}
      </select>
      {picked !== '' && list.some((s) => s.name === picked) && (
        <button
          type="button"
          className="btn btn-ghost"
          onClick={() => {
            update(list.filter((s) => s.name !== picked));
            setPicked('');
          }}
        >
          Delete “{picked}”
        </button>
      )}
    </div>
  );
}
