/**
 * @module
 * The health view's scale-out panel: every role instance whose heartbeat is on the monitored
 * bus, with its lag per consumer group. Shown to the node operator when the node monitors a bus.
 */
import type { ReactNode } from 'react';
import type { NodeStatus } from '../api/types';
import { formatAgo, formatCount } from '../lib/format';
import { roleRows } from '../lib/role-instances';

/** The role instances panel. */
export function RoleInstancesPanel(props: { roles: NonNullable<NodeStatus['roles']>; now: number }): ReactNode {
  const { roles, now } = props;
  const rows = roleRows(roles.instances);
  return (
    <section className="panel" aria-label="Role instances">
      <h2 className="panel-title">Role instances</h2>
      <p className="muted small">
        Heartbeats on <span className="mono">{roles.bus}</span> (every 5 s; gone after 60 s without one).
      </p>
      {roles.error && (
        <p className="form-error" role="alert">
          {roles.error}
        </p>
      )}
      {rows.length === 0 ? (
        <p className="muted small">No role instance is running.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Roles</th>
              <th scope="col">Host</th>
              <th scope="col">Lag</th>
              <th scope="col">Groups</th>
              <th scope="col">Status</th>
              <th scope="col">Last seen</th>
              <th scope="col">Started</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key} data-instance={r.key}>
                <td>{r.roles}</td>
                <td className="mono">{r.where}</td>
                <td className="num">{formatCount(r.lag)}</td>
                <td className="small">{r.groups}</td>
                <td>{r.status}</td>
                <td>{formatAgo(r.lastSeen, now)}</td>
                <td>{formatAgo(r.started, now)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
