/**
 * @module
 * The alert queue ranked by learned priority: the open alerts of the tenant sorted by the
 * probability, learned from analysts’ dispositions (or, until the tenant has trained its own, from
 * the simulator’s ground truth), that each one is real, with the features that raised it most.
 */
import type { ReactNode } from 'react';
import { reports } from '../api/reports';
import { Link } from '../app/router';
import { useAsync } from '../app/use-async';
import type { ViewProps } from '../app/view-types';
import { SeverityBadge } from '../components/badges';
import { Async, Empty } from '../components/states';
import { formatTime } from '../lib/format';

/** The ranked queue view. */
export default function RankedView(_props: ViewProps): ReactNode {
  const state = useAsync((signal) => reports.ranked(200, signal), []);
  return (
    <div className="view">
      <div className="view-head">
        <h1>Alerts by learned priority</h1>
      </div>
      <Async state={state} label="Ranking alerts…">
        {(r) =>
          r.items.length === 0 ? (
            <Empty title="No open alerts" />
          ) : (
            <>
              <p className="muted small">
                Model {r.model} (
                {r.trained ? 'trained on this tenant’s dispositions' : 'shipped, trained on simulated days'}).
              </p>
              <table className="table" aria-label="Alerts ranked by learned priority">
                <thead>
                  <tr>
                    <th scope="col">P(real)</th>
                    <th scope="col">Severity</th>
                    <th scope="col">Alert</th>
                    <th scope="col">Why</th>
                    <th scope="col">Time</th>
                  </tr>
                </thead>
                <tbody>
                  {r.items.map((i) => (
                    <tr key={i.alert.id}>
                      <td className="mono">{i.probability.toFixed(3)}</td>
                      <td>
                        <SeverityBadge severity={i.alert.severity} />
                      </td>
                      <td>
                        <Link to={`/alerts/${encodeURIComponent(i.alert.id)}`}>{i.alert.detector.ruleTitle}</Link>
                        <div className="small muted">{i.alert.summary}</div>
                      </td>
                      <td className="small">
                        {i.reasons.map((x) => (
                          <span key={x.feature} className="chip" title={`weight ${x.weight}`}>
                            {x.feature}
                          </span>
                        ))}
                      </td>
                      <td className="small">{formatTime(i.alert.time)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )
        }
      </Async>
    </div>
  );
}
