/**
 * @module
 * The case filters (status, severity, assignee, TLP, text) and the case list: a table of the
 * cases the filters find, newest first, the alternative to the board when there are many cases.
 * The node filters; the board and the list show the same answer.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { CASE_STATUSES, type Case } from '../api/incidents';
import { SEVERITIES } from '../api/types';
import { Link } from '../app/router';
import { SeverityBadge } from '../components/badges';
import { formatAgo } from '../lib/format';

/** What the case filters ask the node for. */
export interface CaseFilter {
  readonly status: string;
  readonly severity: string;
  readonly tlp: string;
  readonly assignee: string;
  readonly q: string;
}

export const NO_FILTER: CaseFilter = { status: '', severity: '', tlp: '', assignee: '', q: '' };

const TLPS = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const;

/** The filter as the query of `GET /api/cases` (empty fields left out). */
export function filterQuery(f: CaseFilter): {
  status?: string[];
  severity?: string[];
  tlp?: string[];
  assignee?: string;
  q?: string;
} {
  return {
    ...(f.status ? { status: [f.status] } : {}),
    ...(f.severity ? { severity: [f.severity] } : {}),
    ...(f.tlp ? { tlp: [f.tlp] } : {}),
    ...(f.assignee.trim() ? { assignee: f.assignee.trim() } : {}),
    ...(f.q.trim() ? { q: f.q.trim() } : {}),
  };
}

function Choice(props: {
  label: string;
  value: string;
  options: readonly string[];
  onChange: (v: string) => void;
}): ReactNode {
  return (
    <label className="field">
      <span>{props.label}</span>
      <select value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        <option value="">any</option>
        {props.options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The filter bar: choices apply at once, text fields on Enter or "Filter". */
export function CaseFilters(props: { value: CaseFilter; onChange: (f: CaseFilter) => void }): ReactNode {
  const f = props.value;
  const [assignee, setAssignee] = useState(f.assignee);
  const [q, setQ] = useState(f.q);
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    props.onChange({ ...f, assignee, q });
  };
  return (
    <form className="toolbar" role="search" aria-label="Filter cases" onSubmit={submit}>
      <label className="field field-grow">
        <span>Text</span>
        <input value={q} onChange={(e) => setQ(e.target.value)} placeholder="Title, number, tag or description" />
      </label>
      <Choice
        label="Status"
        value={f.status}
        options={CASE_STATUSES}
        onChange={(v) => props.onChange({ ...f, status: v })}
      />
      <Choice
        label="Severity"
        value={f.severity}
        options={SEVERITIES}
        onChange={(v) => props.onChange({ ...f, severity: v })}
      />
      <Choice label="TLP" value={f.tlp} options={TLPS} onChange={(v) => props.onChange({ ...f, tlp: v })} />
      <label className="field">
        <span>Assignee</span>
        <input value={assignee} onChange={(e) => setAssignee(e.target.value)} size={14} />
      </label>
      <button type="submit" className="btn">
        Filter
      </button>
      <button
        type="button"
        className="btn btn-ghost"
        onClick={() => {
          setAssignee('');
          setQ('');
          props.onChange(NO_FILTER);
        }}
      >
        Clear filters
      </button>
    </form>
  );
}

/** The cases as a table. */
export function CaseTable(props: { list: readonly Case[] }): ReactNode {
  const now = Date.now();
  if (props.list.length === 0) return <p className="muted">No case matches these filters.</p>;
  return (
    <table className="table" aria-label="Case list">
      <thead>
        <tr>
          <th scope="col">Case</th>
          <th scope="col">Status</th>
          <th scope="col">Severity</th>
          <th scope="col">TLP</th>
          <th scope="col">Assignee</th>
          <th scope="col">Opened</th>
        </tr>
      </thead>
      <tbody>
        {props.list.map((c) => (
          <tr key={c.id}>
            <td>
              <Link to={`/cases/${encodeURIComponent(c.id)}`}>
                #{c.number} {c.title}
              </Link>
            </td>
            <td>
              {c.status}
              {c.resolution ? ` (${c.resolution})` : ''}
            </td>
            <td>
              <SeverityBadge severity={c.severity} />
            </td>
            <td>TLP:{c.tlp.toUpperCase()}</td>
            <td>{c.assignee ?? <span className="muted">unassigned</span>}</td>
            <td className="nowrap">{formatAgo(c.created, now)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
