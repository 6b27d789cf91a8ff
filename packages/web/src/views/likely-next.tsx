/**
 * @module
 * "Likely next" on the incident view: the attacker's probable next techniques and tactics, each
 * with the node's Sigma rules for it (and whether they are enabled), a ready hunt over the last
 * days' events that one click runs in event search, and the coverage gap when the node has no
 * rule or no data for it.
 */
import type { ReactNode } from 'react';
import { forecast } from '../api/forecast';
import { href, Link } from '../app/router';
import { useAsync } from '../app/use-async';
import { Async } from '../components/states';

const GAP_LABEL = {
  covered: 'covered',
  disabled: 'rules disabled',
  'no-rule': 'no rule',
  'no-data': 'no data',
} as const;

/** The panel. */
export function LikelyNext(props: { incident: string }): ReactNode {
  const state = useAsync((signal) => forecast.incidentNext(props.incident, signal), [props.incident]);
  return (
    <section className="panel" aria-label="Likely next steps">
      <h2 className="panel-title">Likely next</h2>
      <Async state={state} label="Predicting the next steps…">
        {(d) => (
          <>
            <p className="muted small">
              After {d.observed.join(' → ') || 'nothing yet'}: next tactics{' '}
              {d.tactics
                .slice(0, 3)
                .map((t) => `${t.name} ${(t.score * 100).toFixed(0)}%`)
                .join(', ')}
              .
            </p>
            <table className="table" aria-label="Likely next techniques">
              <thead>
                <tr>
                  <th scope="col">Technique</th>
                  <th scope="col" className="num">
                    Probability
                  </th>
                  <th scope="col">Rules</th>
                  <th scope="col">Coverage</th>
                  <th scope="col">Hunt</th>
                </tr>
              </thead>
              <tbody>
                {d.techniques.map((t) => (
                  <tr key={t.id}>
                    <td>
                      <span className="mono">{t.id}</span> {t.name}
                    </td>
                    <td className="num">{(t.score * 100).toFixed(1)}%</td>
                    <td className="small">
                      {t.rules.length === 0
                        ? '—'
                        : t.rules.map((r) => (
                            <div key={r.key}>
                              {r.title} {r.enabled ? '' : <span className="badge">disabled</span>}
                            </div>
                          ))}
                    </td>
                    <td title={t.gap ?? ''}>
                      <span className={t.coverage === 'covered' ? 'badge badge-muted' : 'badge sev-medium'}>
                        {GAP_LABEL[t.coverage]}
                      </span>
                    </td>
                    <td>
                      {t.hunt ? (
                        <Link to={href('/search', { q: t.hunt.query, range: `${t.hunt.from}~${t.hunt.to}` })}>
                          Run the hunt
                        </Link>
                      ) : (
                        <span className="muted small">no rule to hunt with</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </Async>
    </section>
  );
}
