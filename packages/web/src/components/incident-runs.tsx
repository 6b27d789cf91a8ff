/**
 * @module
 * The response runs of an incident, as rows of its timeline: each run the incident triggered (or
 * an analyst started for it), when, its status and why it matched, linked to the run's view.
 */
import type { ReactNode } from 'react';
import { respond } from '../api/respond';
import { Link } from '../app/router';
import { useAsync } from '../app/use-async';
import { formatTime } from '../lib/format';

/** Timeline rows (five columns) for the runs of `incident`. */
export function IncidentRunRows(props: { incident: string }): ReactNode {
  const runs = useAsync((s) => respond.runs({ trigger: props.incident }, s), [props.incident]);
  return (runs.data?.items ?? []).map((r) => (
    <tr key={r.id}>
      <td className="nowrap">{formatTime(r.created)}</td>
      <td>
        <span className="badge badge-muted">playbook</span>
      </td>
      <td>
        <Link to={`/playbooks/runs/${encodeURIComponent(r.id)}`}>{r.playbookName}</Link> — {r.status}
        <div className="muted small wrap">
          {r.trigger.reason ? `started because ${r.trigger.reason}` : `started by ${r.requestedBy}`}
          {r.reason ? `; ${r.reason}` : ''}
        </div>
      </td>
      <td />
      <td />
    </tr>
  ));
}
