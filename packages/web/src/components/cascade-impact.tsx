/**
 * @module
 * The cascade impact of an incident, for its detail view: which services and organisations are
 * at risk and when, per dependency graph. Says so plainly when the incident names no modelled
 * asset.
 */
import type { ReactNode } from 'react';
import { cascadeApi } from '../api/cascade';
import { useAsync } from '../app/use-async';
import { hoursText } from '../lib/cascade';
import { formatTime } from '../lib/format';

/** The panel. */
export function CascadeImpactPanel(props: { incidentId: string }): ReactNode {
  const state = useAsync(
    (signal) =>
      cascadeApi
        .incident(props.incidentId, signal)
        .catch((e: unknown) => ((e as { status?: number }).status === 404 ? null : Promise.reject(e))),
    [props.incidentId],
  );
  if (state.data === undefined) return null;
  const impact = state.data;
  return (
    <section className="panel" aria-label="Cascade impact">
      <h2 className="panel-title">Cascade impact</h2>
      {impact === null ? (
        <p className="muted">This incident names no asset of a dependency graph.</p>
      ) : (
        impact.graphs.map((g) => (
          <div key={g.graph}>
            <p>
              Graph <a href={`/cascade/${encodeURIComponent(g.graph)}`}>{g.graph}</a>: {g.seeds.join(', ')} down from{' '}
              {formatTime(impact.start)}; {g.failed} entities fail.
            </p>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">At risk</th>
                  <th scope="col">Organisation</th>
                  <th scope="col">When</th>
                  <th scope="col">Probability</th>
                </tr>
              </thead>
              <tbody>
                {g.atRisk.map((f) => (
                  <tr key={f.id}>
                    <td>
                      {f.name ?? f.id} <span className="muted">{f.kind}</span>
                    </td>
                    <td>{f.org ?? '—'}</td>
                    <td>
                      {hoursText(f.at)} ({formatTime(impact.start + f.at * 3_600_000)})
                    </td>
                    <td>{g.probability[f.id] ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))
      )}
    </section>
  );
}
