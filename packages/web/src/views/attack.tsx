/**
 * @module
 * The ATT&CK matrix: a heatmap of the techniques covered by enabled rules against the
 * techniques actually observed in alerts. Observed but uncovered techniques are marked as gaps.
 */
import { useMemo, type ReactNode } from 'react';
import { api } from '../api/client';
import { href, Link, useRouter } from '../app/router';
import { useAsync } from '../app/use-async';
import type { ViewProps } from '../app/view-types';
import { Async, Empty } from '../components/states';
import { buildMatrix, techniqueUrl, type MatrixCell } from '../lib/attack';
import { formatCount } from '../lib/format';

const STATE_TEXT: Readonly<Record<MatrixCell['state'], string>> = {
  detected: 'covered and observed',
  covered: 'covered, not observed',
  gap: 'observed, no enabled rule',
};

function Cell(props: { cell: MatrixCell; picked: boolean }): ReactNode {
  const t = props.cell.technique;
  const label = `${t.id}${t.name ? ` ${t.name}` : ''}: ${STATE_TEXT[props.cell.state]}, ${t.rules} rule${t.rules === 1 ? '' : 's'}, ${t.alerts} alert${t.alerts === 1 ? '' : 's'}`;
  return (
    <li>
      <Link
        to={href('/attack', { technique: t.id })}
        className={`cell cell-${props.cell.state} ${props.picked ? 'cell-picked' : ''}`}
        style={{ ['--heat' as string]: String(0.25 + 0.75 * props.cell.heat) }}
        aria-label={label}
        title={label}
      >
        <span className="cell-id">{t.id}</span>
        {t.name && <span className="cell-name">{t.name}</span>}
        <span className="cell-counts">
          {t.rules}r · {formatCount(t.alerts)}a
        </span>
      </Link>
    </li>
  );
}

/** The ATT&CK view. */
export default function AttackView(_props: ViewProps): ReactNode {
  const state = useAsync((signal) => api.coverage({ signal }), []);
  const { location } = useRouter();
  const picked = location.query.get('technique') ?? undefined;
  const matrix = useMemo(() => (state.data ? buildMatrix(state.data.techniques) : undefined), [state.data]);
  return (
    <div className="view">
      <div className="view-head">
        <h1>ATT&amp;CK matrix</h1>
      </div>
      <Async state={state} label="Loading coverage…">
        {(data) => {
          if (!matrix || data.techniques.length === 0) {
            return (
              <Empty title="No techniques yet">
                The matrix fills in from the ATT&amp;CK tags of enabled rules and the techniques named by alerts.
              </Empty>
            );
          }
          const pick = data.techniques.find((t) => t.id === picked);
          return (
            <>
              <p>
                <strong>{matrix.summary.covered}</strong> techniques covered by enabled rules ·{' '}
                <strong>{matrix.summary.observed}</strong> observed in alerts ·{' '}
                <strong className={matrix.summary.gaps > 0 ? 'text-danger' : ''}>{matrix.summary.gaps}</strong> observed
                without an enabled rule
              </p>
              <ul className="legend" aria-label="Legend">
                <li>
                  <span className="cell-swatch cell-detected" aria-hidden="true" /> covered and observed (darker: more
                  alerts)
                </li>
                <li>
                  <span className="cell-swatch cell-covered" aria-hidden="true" /> covered, not observed
                </li>
                <li>
                  <span className="cell-swatch cell-gap" aria-hidden="true" /> observed, no enabled rule (gap)
                </li>
              </ul>
              {pick && (
                <section className="panel" aria-live="polite">
                  <h2 className="panel-title">
                    {pick.id} {pick.name ?? ''}
                  </h2>
                  <p>
                    {pick.rules} enabled rule{pick.rules === 1 ? '' : 's'} · {formatCount(pick.alerts)} alert
                    {pick.alerts === 1 ? '' : 's'} · tactics: {pick.tactics.join(', ') || '—'}
                  </p>
                  <p className="links">
                    <Link
                      to={href('/alerts', {
                        q: `technique:${pick.id}`,
                        status: 'new,acknowledged,closed',
                        range: 'all',
                      })}
                    >
                      Alerts with this technique
                    </Link>
                    <Link to={href('/rules')}>Rules</Link>
                    <a href={techniqueUrl(pick.id)} target="_blank" rel="noreferrer noopener">
                      ATT&amp;CK page<span className="sr-only"> (opens a new tab)</span>
                    </a>
                  </p>
                </section>
              )}
              <div className="matrix" role="region" aria-label="ATT&CK matrix" tabIndex={0}>
                {matrix.columns.map((col) => (
                  <section
                    key={col.tactic}
                    className="matrix-col"
                    aria-label={`${col.title}: ${col.cells.length} techniques`}
                  >
                    <h2 className="matrix-head">
                      {col.title}
                      <span className="muted small"> {col.cells.length}</span>
                    </h2>
                    <ul className="matrix-cells">
                      {col.cells.map((cell) => (
                        <Cell key={cell.technique.id} cell={cell} picked={cell.technique.id === picked} />
                      ))}
                    </ul>
                  </section>
                ))}
              </div>
            </>
          );
        }}
      </Async>
    </div>
  );
}
