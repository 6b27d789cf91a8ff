/**
 * @module
 * The case board: cases in columns by workflow status (new, in progress, contained, resolved,
 * closed), each card with its number, severity, NIS2 flag, assignee and incidents, or the same
 * cases as a list; filters by status, severity, assignee, TLP and text; analysts open a case by
 * hand. `/cases/<id>` is the case detail.
 */
import { useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { cases, type Case } from '../api/incidents';
import { Link, useRouter } from '../app/router';
import { useSession } from '../app/session';
import { useAsync } from '../app/use-async';
import type { ViewProps } from '../app/view-types';
import { SeverityBadge } from '../components/badges';
import { Async } from '../components/states';
import { formatAgo } from '../lib/format';
import { boardColumns } from '../lib/incidents';
import CaseDetailView from './case-detail';
import { CaseFilters, CaseTable, filterQuery, NO_FILTER, type CaseFilter } from './case-list';

const TITLES: Readonly<Record<Case['status'], string>> = {
  new: 'New',
  'in-progress': 'In progress',
  contained: 'Contained',
  resolved: 'Resolved',
  closed: 'Closed',
};

function Card(props: { c: Case; now: number }): ReactNode {
  const { c } = props;
  return (
    <li className="case-card panel">
      <Link to={`/cases/${encodeURIComponent(c.id)}`}>
        #{c.number} {c.title}
      </Link>
      <div className="chips">
        <SeverityBadge severity={c.severity} />
        {c.significant && <span className="badge sev-high">NIS2</span>}
        {c.resolution && <span className="badge badge-muted">{c.resolution}</span>}
        <span className="badge badge-muted">TLP:{c.tlp.toUpperCase()}</span>
      </div>
      <div className="muted small">
        {c.assignee ? `${c.assignee} · ` : 'unassigned · '}
        {c.incidents.length} incident(s) · opened {formatAgo(c.created, props.now)}
      </div>
    </li>
  );
}

function Board(props: { list: readonly Case[]; reload: () => void }): ReactNode {
  const { canWrite } = useSession();
  const { navigate } = useRouter();
  const [title, setTitle] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const columns = useMemo(() => boardColumns(props.list), [props.list]);
  const now = Date.now();
  const open = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setError(undefined);
    try {
      const c = await cases.open({ title });
      navigate(`/cases/${encodeURIComponent(c.id)}`);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <>
      {canWrite && (
        <form className="toolbar" onSubmit={(e) => void open(e)} aria-label="Open a case by hand">
          <label className="field field-grow">
            <span>New case</span>
            <input
              value={title}
              onChange={(e) => setTitle(e.target.value)}
              placeholder="Title of a case opened by hand"
            />
          </label>
          <button type="submit" className="btn btn-primary" disabled={title.trim() === ''}>
            Open case
          </button>
        </form>
      )}
      {error && (
        <div className="banner banner-error" role="alert">
          {error}
        </div>
      )}
      <div className="case-board">
        {columns.map((col) => (
          <section key={col.status} className="case-column" aria-label={`${TITLES[col.status]} cases`}>
            <h2 className="section-title">
              {TITLES[col.status]} <span className="muted">{col.cases.length}</span>
            </h2>
            <ul className="plain">
              {col.cases.map((c) => (
                <Card key={c.id} c={c} now={now} />
              ))}
            </ul>
          </section>
        ))}
      </div>
    </>
  );
}

function BoardView(): ReactNode {
  const [filter, setFilter] = useState<CaseFilter>(NO_FILTER);
  const [tab, setTab] = useState<'board' | 'list'>('board');
  const state = useAsync((signal) => cases.list({ limit: 1000, ...filterQuery(filter) }, signal), [filter]);
  return (
    <div className="view">
      <div className="view-head">
        <h1>Cases</h1>
      </div>
      <CaseFilters value={filter} onChange={setFilter} />
      <div className="tabs" role="tablist" aria-label="Case views">
        {(['board', 'list'] as const).map((t) => (
          <button key={t} type="button" role="tab" aria-selected={tab === t} className="tab" onClick={() => setTab(t)}>
            {t === 'board' ? 'Board' : 'List'}
          </button>
        ))}
      </div>
      <Async state={state} label="Loading cases…">
        {(page) =>
          tab === 'board' ? (
            <Board list={page.items} reload={() => state.reload(true)} />
          ) : (
            <CaseTable list={page.items} />
          )
        }
      </Async>
    </div>
  );
}

/** The case board, or one case. */
export default function CasesView(props: ViewProps): ReactNode {
  const id = props.params[0];
  return id === undefined ? <BoardView /> : <CaseDetailView id={id} />;
}
