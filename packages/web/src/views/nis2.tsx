/**
 * @module
 * NIS2 deadlines: the Article 23 reports of every significant case — early warning (24 h),
 * incident notification (72 h), final report (one month) — what is due soon or overdue first,
 * with links to the case and its drafts.
 */
import type { ReactNode } from 'react';
import { cases, type Case, type Deadline } from '../api/incidents';
import { Link } from '../app/router';
import { useAsync } from '../app/use-async';
import type { ViewProps } from '../app/view-types';
import { Async, Empty } from '../components/states';
import { deadlineText, REPORT_NAMES } from '../lib/incidents';

function Row(props: { c: Case; d: Deadline }): ReactNode {
  const { c, d } = props;
  return (
    <tr className={d.state === 'overdue' ? 'text-danger' : ''}>
      <td>
        <Link to={`/cases/${encodeURIComponent(c.id)}`}>
          #{c.number} {c.title}
        </Link>
      </td>
      <td>{REPORT_NAMES[d.kind]}</td>
      <td className="mono small" title={d.basis}>
        {d.dueLocal}
      </td>
      <td>{deadlineText(d)}</td>
      <td>
        <a href={cases.reportUrl(c.id, d.kind, 'json')} download>
          JSON
        </a>{' '}
        ·{' '}
        <a href={cases.reportUrl(c.id, d.kind, 'stix')} download>
          STIX
        </a>
      </td>
    </tr>
  );
}

/** The NIS2 deadlines view. */
export default function Nis2View(_props: ViewProps): ReactNode {
  const state = useAsync(async (signal) => {
    const list = (await cases.list({ significant: 'true', limit: 1000 }, signal)).items;
    const all = await Promise.all(
      list.map(async (c) => ({ c, deadlines: (await cases.deadlines(c.id, signal)).items })),
    );
    return all.flatMap((x) => x.deadlines.map((d) => ({ c: x.c, d }))).sort((a, b) => a.d.due - b.d.due);
  }, []);
  return (
    <div className="view">
      <div className="view-head">
        <h1>NIS2 deadlines</h1>
      </div>
      <Async state={state} label="Loading deadlines…">
        {(rows) =>
          rows.length === 0 ? (
            <Empty title="No significant incidents">
              <p>
                Mark a case as a significant incident under NIS2 Article 23 on its page: its early warning, notification
                and final report deadlines then appear here, counted from when the SOC became aware.
              </p>
            </Empty>
          ) : (
            <>
              <div className="kpis">
                {(['overdue', 'due-soon', 'pending', 'submitted', 'late'] as const).map((s) => (
                  <div key={s} className={`kpi ${s === 'overdue' || s === 'late' ? 'kpi-warn' : ''}`}>
                    <div className="kpi-label">{s}</div>
                    <div className="kpi-value">{rows.filter((r) => r.d.state === s).length}</div>
                  </div>
                ))}
              </div>
              <table className="table" aria-label="NIS2 deadlines of significant cases">
                <thead>
                  <tr>
                    <th scope="col">Case</th>
                    <th scope="col">Report</th>
                    <th scope="col">Due</th>
                    <th scope="col">State</th>
                    <th scope="col">Draft</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <Row key={`${r.c.id}:${r.d.kind}`} c={r.c} d={r.d} />
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
