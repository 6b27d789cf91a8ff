/**
 * @module
 * Sigma rules: every rule with its state, level, Sigma status, ATT&CK tags and hits; switch
 * rules on and off and override their level (admins and analysts); the documents that did not
 * load, with the reason each was rejected.
 */
import { useMemo, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import { SEVERITIES, type RuleCatalogue, type RuleInfo, type Severity } from '../api/types';
import { href, Link, useRouter } from '../app/router';
import { useSession } from '../app/session';
import { useAsync } from '../app/use-async';
import type { ViewProps } from '../app/view-types';
import { SeverityBadge } from '../components/badges';
import { Async, Empty } from '../components/states';
import { VirtualTable, type Column } from '../components/virtual-table';
import { formatAgo, formatCount } from '../lib/format';
import { quoteValue } from '../lib/query-complete';

type Filter = 'all' | 'enabled' | 'disabled';

function RuleDetail(props: { rule: RuleInfo }): ReactNode {
  const r = props.rule;
  return (
    <section className="panel rule-detail" aria-label={`Rule ${r.title}`}>
      <h2 className="panel-title">{r.title}</h2>
      {r.description && <p>{r.description}</p>}
      <table className="kv">
        <tbody>
          <tr>
            <th>Key</th>
            <td className="mono">{r.key}</td>
          </tr>
          <tr>
            <th>Log source</th>
            <td className="mono">
              {Object.entries(r.logsource)
                .map(([k, v]) => `${k}: ${v}`)
                .join(', ') || '—'}
            </td>
          </tr>
          <tr>
            <th>Fields tested</th>
            <td className="mono">{r.fields.join(', ') || '—'}</td>
          </tr>
          <tr>
            <th>ATT&amp;CK</th>
            <td>{[...r.tactics, ...r.techniques].join(', ') || '—'}</td>
          </tr>
          <tr>
            <th>Pack</th>
            <td>
              {r.pack} <span className="muted small mono">{r.path}</span>
            </td>
          </tr>
          {r.author && (
            <tr>
              <th>Author</th>
              <td>{r.author}</td>
            </tr>
          )}
          {r.falsepositives.length > 0 && (
            <tr>
              <th>False positives</th>
              <td>{r.falsepositives.join('; ')}</td>
            </tr>
          )}
          {r.references.length > 0 && (
            <tr>
              <th>References</th>
              <td>
                <ul className="plain">
                  {r.references.map((u) => (
                    <li key={u} className="mono small wrap">
                      {u}
                    </li>
                  ))}
                </ul>
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {r.hits > 0 && (
        <Link
          to={href('/alerts', { q: `rule_id:${quoteValue(r.key)}`, status: 'new,acknowledged,closed', range: 'all' })}
        >
          Show its {formatCount(r.hits)} alerts
        </Link>
      )}
    </section>
  );
}

function Body(props: { cat: RuleCatalogue; onChange: (r: RuleInfo) => void }): ReactNode {
  const { cat } = props;
  const { canWrite } = useSession();
  const { location, navigate } = useRouter();
  const [text, setText] = useState('');
  const [filter, setFilter] = useState<Filter>('all');
  const [tab, setTab] = useState<'rules' | 'rejected'>('rules');
  const [active, setActive] = useState(0);
  const [error, setError] = useState<string | undefined>(undefined);
  const selectedKey = location.query.get('key') ?? undefined;

  const rows = useMemo(() => {
    const needle = text.trim().toLowerCase();
    return cat.rules.filter(
      (r) =>
        (filter === 'all' || (filter === 'enabled') === r.enabled) &&
        (needle === '' ||
          r.title.toLowerCase().includes(needle) ||
          r.key.toLowerCase().includes(needle) ||
          r.techniques.some((t) => t.toLowerCase().includes(needle))),
    );
  }, [cat, text, filter]);

  const tune = async (r: RuleInfo, change: { enabled?: boolean; level?: Severity | null }): Promise<void> => {
    setError(undefined);
    try {
      props.onChange(await api.tuneRule(r.key, change));
    } catch (err) {
      setError(`Could not change ${r.title}: ${(err as Error).message}`);
    }
  };

  const columns: Column<RuleInfo>[] = [
    {
      key: 'on',
      header: 'Enabled',
      width: '92px',
      render: (r) => (
        <label className="switch">
          <input
            type="checkbox"
            role="switch"
            tabIndex={-1}
            checked={r.enabled}
            disabled={!canWrite}
            aria-label={`${r.enabled ? 'Disable' : 'Enable'} rule ${r.title}`}
            onChange={() => void tune(r, { enabled: !r.enabled })}
            onClick={(e) => e.stopPropagation()}
          />
          <span aria-hidden="true">{r.enabled ? 'On' : 'Off'}</span>
        </label>
      ),
    },
    {
      key: 'title',
      header: 'Rule',
      width: 'minmax(260px, 2fr)',
      render: (r) => (
        <span className="clip" title={r.key}>
          {r.title}
          {r.kind === 'correlation' && <span className="tag">correlation</span>}
        </span>
      ),
    },
    {
      key: 'level',
      header: 'Level',
      width: '150px',
      render: (r) =>
        canWrite ? (
          <select
            tabIndex={-1}
            aria-label={`Level of ${r.title}`}
            value={r.level}
            onChange={(e) =>
              void tune(r, { level: e.target.value === r.ruleLevel ? null : (e.target.value as Severity) })
            }
            onClick={(e) => e.stopPropagation()}
          >
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {s}
                {r.ruleLevel === s ? ' (rule)' : ''}
              </option>
            ))}
          </select>
        ) : (
          <SeverityBadge severity={r.level} />
        ),
    },
    {
      key: 'status',
      header: 'Status',
      width: '110px',
      render: (r) => <span className="muted">{r.status ?? '—'}</span>,
    },
    {
      key: 'tech',
      header: 'ATT&CK',
      width: '150px',
      render: (r) => <span className="clip mono small">{r.techniques.join(' ')}</span>,
    },
    { key: 'hits', header: 'Hits', width: '80px', className: 'num', render: (r) => formatCount(r.hits) },
    {
      key: 'last',
      header: 'Last hit',
      width: '110px',
      render: (r) => <span className="muted small">{r.lastHit ? formatAgo(r.lastHit, Date.now()) : '—'}</span>,
    },
    { key: 'pack', header: 'Pack', width: '110px', render: (r) => <span className="clip muted small">{r.pack}</span> },
  ];

  const selected = cat.rules.find((r) => r.key === selectedKey);
  const enabled = cat.rules.filter((r) => r.enabled).length;
  return (
    <>
      <p className="muted">
        {cat.rules.length} rules ({enabled} enabled) from {cat.packs.length} pack{cat.packs.length === 1 ? '' : 's'} ·{' '}
        {cat.rejected.length} document{cat.rejected.length === 1 ? '' : 's'} rejected
      </p>
      <div className="tabs" role="tablist" aria-label="Rules">
        <button
          type="button"
          role="tab"
          aria-selected={tab === 'rules'}
          className="tab"
          onClick={() => setTab('rules')}
        >
          Rules
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={tab === 'rejected'}
          className="tab"
          onClick={() => setTab('rejected')}
        >
          Rejected ({cat.rejected.length})
        </button>
      </div>
      {error && (
        <div className="banner banner-error" role="alert">
          {error}
        </div>
      )}
      {tab === 'rejected' ? (
        cat.rejected.length === 0 ? (
          <Empty title="Every rule document loaded">
            Documents with syntax the engine does not support would be listed here with the reason.
          </Empty>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Document</th>
                <th scope="col">File</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {cat.rejected.map((x, i) => (
                <tr key={`${x.path}:${i}`}>
                  <td>{x.title || <span className="muted">(untitled)</span>}</td>
                  <td className="mono small wrap">{x.path}</td>
                  <td>{x.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : (
        <div className="split">
          <div className="split-main">
            <div className="toolbar">
              <label className="field field-grow">
                <span className="sr-only">Filter rules</span>
                <input
                  data-search-input
                  type="search"
                  placeholder="Filter by title, id or technique"
                  value={text}
                  onChange={(e) => setText(e.target.value)}
                />
              </label>
              <label className="inline-field">
                <span className="muted">Show</span>
                <select value={filter} onChange={(e) => setFilter(e.target.value as Filter)}>
                  <option value="all">all</option>
                  <option value="enabled">enabled</option>
                  <option value="disabled">disabled</option>
                </select>
              </label>
              {!canWrite && <span className="muted small">Read-only: viewers cannot tune rules.</span>}
            </div>
            <VirtualTable
              label="Rules"
              rows={rows}
              columns={columns}
              rowKey={(r) => r.key}
              active={Math.min(active, Math.max(0, rows.length - 1))}
              onActive={(i) => {
                setActive(i);
                const r = rows[i];
                if (r) navigate(href('/rules', { key: r.key }), { replace: true });
              }}
              onKey={(e, r) => {
                if (e.key === ' ' && canWrite) {
                  void tune(r, { enabled: !r.enabled });
                  return true;
                }
                return false;
              }}
              rowClass={(r) => `${r.enabled ? '' : 'row-closed'} ${r.key === selectedKey ? 'row-picked' : ''}`}
              empty={
                <Empty title={cat.rules.length === 0 ? 'No rules loaded' : 'No rule matches'}>
                  {cat.rules.length === 0 ? (
                    <>
                      Install a Sigma pack with <code>bin/intersoc rules add PATH</code>.
                    </>
                  ) : (
                    'Change the filter.'
                  )}
                </Empty>
              }
            />
          </div>
          <aside className="split-side">
            {selected ? (
              <RuleDetail rule={selected} />
            ) : (
              <p className="muted small">Select a rule to see its details. Space switches it on or off.</p>
            )}
          </aside>
        </div>
      )}
    </>
  );
}

/** The rules view. */
export default function RulesView(_props: ViewProps): ReactNode {
  const state = useAsync((signal) => api.rules({ signal }), []);
  const [patched, setPatched] = useState<ReadonlyMap<string, RuleInfo>>(new Map());
  const cat = useMemo(
    () => (state.data ? { ...state.data, rules: state.data.rules.map((r) => patched.get(r.key) ?? r) } : undefined),
    [state.data, patched],
  );
  return (
    <div className="view view-fill">
      <div className="view-head">
        <h1>Rules</h1>
      </div>
      <Async state={{ ...state, data: cat }} label="Loading rules…">
        {(c) => <Body cat={c} onChange={(r) => setPatched((m) => new Map(m).set(r.key, r))} />}
      </Async>
    </div>
  );
}
