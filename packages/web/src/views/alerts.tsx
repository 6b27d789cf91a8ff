/**
 * @module
 * The alert queue: filter (query, time, state, severity), sort, group by rule or host, select
 * and acknowledge or close in bulk with a reason, and watch new alerts arrive live. Enter on an
 * alert opens its detail (`/alerts/<id>`).
 */
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import { ALERT_STATUSES, type AlertStatus, type TriagedAlert } from '../api/types';
import { useLiveAlerts } from '../app/live';
import { Link, useRouter } from '../app/router';
import { useSession } from '../app/session';
import type { ViewProps } from '../app/view-types';
import { SeverityBadge, StatusBadge } from '../components/badges';
import { IntelBadge } from '../components/intel-badge';
import { ErrorState, Empty, Loading } from '../components/states';
import { VirtualTable, type Column } from '../components/virtual-table';
import {
  applyStatus,
  hostsOf,
  mergeLive,
  queueRows,
  severityRank,
  sortAlerts,
  usersOf,
  type AlertSortKey,
  type QueueRow,
  type SortDir,
} from '../lib/alerts';
import { clip, formatTime } from '../lib/format';
import { decodeRange, resolveRange } from '../lib/time-range';
import AlertDetailView from './alert-detail';
import { AlertFilterBar, filtersHref, readFilters, type Filters } from './alert-filters';
import { ReasonDialog } from './reason-dialog';
import { EntityPageLinks } from '../components/entity-page-links';

const PAGE = 2000;
const MAX_ROWS = 100_000;

/** The alerts view: the queue, or one alert's detail. */
export default function AlertsView(props: ViewProps): ReactNode {
  const id = props.params[0];
  if (id !== undefined) return <AlertDetailView id={id} />;
  return <AlertQueue />;
}

const CURSOR_KEY = 'intersoc.alerts.cursor';

/** Remembers the queue's cursor for these filters (the URL's query), for the way back from a detail. */
function keepCursor(search: string, key: string): void {
  try {
    sessionStorage.setItem(CURSOR_KEY, JSON.stringify({ search, key }));
  } catch {
    // Storage refused (private mode, quota): the cursor starts at the top, as before.
  }
}

/** The remembered cursor when the filters are the same. */
function keptCursor(search: string): string | undefined {
  try {
    const v = JSON.parse(sessionStorage.getItem(CURSOR_KEY) ?? 'null') as { search?: string; key?: string } | null;
    return v?.search === search ? v.key : undefined;
  } catch {
    return undefined;
  }
}

function rowKey(r: QueueRow): string {
  return r.kind === 'group' ? `g:${r.group.key}` : r.row.alert.id;
}

function AlertQueue(): ReactNode {
  const { location, navigate } = useRouter();
  const { canWrite, tenant, me } = useSession();
  const filters = useMemo(() => readFilters(location.query), [location.query]);
  const search = location.query.toString();
  const [draftQ, setDraftQ] = useState(filters.q);
  const [rows, setRows] = useState<TriagedAlert[]>([]);
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [sort, setSort] = useState<{ key: AlertSortKey; dir: SortDir }>({ key: 'time', dir: 'desc' });
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  // The active row is kept by key, so alerts arriving live above it do not move the cursor.
  const [activeKey, setActiveKey] = useState<string | undefined>(undefined);
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const [pendingLive, setPendingLive] = useState(0);
  const [dialog, setDialog] = useState<AlertStatus | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const loadingMore = useRef(false);
  const generation = useRef(0);

  useEffect(() => setDraftQ(filters.q), [filters.q]);

  const bounds = useMemo(() => {
    const r = decodeRange(filters.range, { kind: 'relative', preset: '7d' });
    return r.kind === 'relative' && r.preset === 'all' ? {} : resolveRange(r, Date.now());
  }, [filters.range]);

  const query = useMemo(
    () => ({
      q: filters.q,
      status: filters.statuses.length === ALERT_STATUSES.length ? undefined : filters.statuses,
      ...(filters.min ? { minSeverity: filters.min } : {}),
      ...bounds,
      limit: PAGE,
    }),
    [filters, bounds],
  );

  const loadFirst = useCallback(() => {
    const gen = ++generation.current;
    setLoading(true);
    setError(undefined);
    api
      .alerts({ ...query, status: query.status ?? [] })
      .then((page) => {
        if (gen !== generation.current) return;
        setRows([...page.items]);
        setCursor(page.nextCursor);
        setSelected(new Set());
        // Back from an alert's detail with the same filters: the cursor stays on that alert.
        const kept = keptCursor(search);
        setActiveKey(kept !== undefined && page.items.some((x) => x.alert.id === kept) ? kept : undefined);
        setPendingLive(0);
        setFresh(new Set());
        setLoading(false);
      })
      .catch((err: unknown) => {
        if (gen !== generation.current) return;
        setError(err as Error);
        setLoading(false);
      });
  }, [query, search]);

  useEffect(loadFirst, [loadFirst]);

  useEffect(() => {
    if (activeKey !== undefined) keepCursor(search, activeKey);
  }, [activeKey, search]);

  const loadMore = useCallback(() => {
    if (!cursor || loadingMore.current || rows.length >= MAX_ROWS) return;
    loadingMore.current = true;
    const gen = generation.current;
    api
      .alerts({ ...query, status: query.status ?? [], cursor })
      .then((page) => {
        if (gen !== generation.current) return;
        setRows((r) => mergeLive([], [...r, ...page.items]).sort((a, b) => b.alert.time - a.alert.time));
        setCursor(page.nextCursor);
      })
      .catch((err: unknown) => setError(err as Error))
      .finally(() => {
        loadingMore.current = false;
      });
  }, [cursor, query, rows.length]);

  // New alerts arrive as state `new`: shown at once when the filters would include them.
  const live = useLiveAlerts((a) => {
    const minOk = filters.min === '' || severityRank(a.severity) >= severityRank(filters.min);
    if (!filters.statuses.includes('new') || !minOk) return;
    if (filters.q.trim() !== '') {
      setPendingLive((n) => n + 1);
      return;
    }
    setRows((r) => mergeLive(r, [{ alert: a, state: { status: 'new' } }]));
    setFresh((f) => new Set([...f, a.id]));
  }, tenant);

  const sorted = useMemo(() => sortAlerts(rows, sort.key, sort.dir), [rows, sort]);
  const display = useMemo(() => queueRows(sorted, filters.group, expanded), [sorted, filters.group, expanded]);

  const setFilters = (f: Partial<Filters>): void => navigate(filtersHref({ ...filters, ...f }), { replace: true });

  const toggle = (ids: readonly string[]): void => {
    setSelected((s) => {
      const next = new Set(s);
      const allIn = ids.every((i) => next.has(i));
      for (const i of ids) {
        if (allIn) next.delete(i);
        else next.add(i);
      }
      return next;
    });
  };

  const change = async (status: AlertStatus, reason?: string): Promise<void> => {
    const ids = [...selected];
    let updated = 0;
    try {
      for (let i = 0; i < ids.length; i += 10_000) {
        const r = await api.setStatus({ ids: ids.slice(i, i + 10_000), status, ...(reason ? { reason } : {}) });
        updated += r.updated;
      }
      setRows((r) =>
        applyStatus(r, new Set(ids), {
          status,
          ...(reason ? { reason } : {}),
          by: me?.user ?? '',
          changed: Date.now(),
        }),
      );
      setSelected(new Set());
      setNotice(`${updated} alert${updated === 1 ? '' : 's'} ${status === 'new' ? 'reopened' : status}.`);
    } catch (err) {
      setNotice(`Could not change the alerts: ${(err as Error).message}`);
    }
  };

  const idsOf = (r: QueueRow): string[] =>
    r.kind === 'group' ? r.group.rows.map((x) => x.alert.id) : [r.row.alert.id];
  const columns: Column<QueueRow>[] = [
    {
      key: 'sel',
      header: (
        <input
          type="checkbox"
          aria-label={`Select all ${rows.length} loaded alerts`}
          checked={rows.length > 0 && selected.size === rows.length}
          onChange={() => setSelected(selected.size === rows.length ? new Set() : new Set(rows.map((r) => r.alert.id)))}
        />
      ),
      width: '40px',
      render: (r) => {
        const ids = idsOf(r);
        const on = ids.length > 0 && ids.every((i) => selected.has(i));
        return (
          <input
            type="checkbox"
            tabIndex={-1}
            aria-label={
              r.kind === 'group'
                ? `Select the ${ids.length} alerts of ${r.group.label}`
                : `Select alert ${r.row.alert.summary}`
            }
            checked={on}
            onChange={() => toggle(ids)}
            onClick={(e) => e.stopPropagation()}
          />
        );
      },
    },
    {
      key: 'time',
      header: 'Time',
      sort: 'time',
      width: '166px',
      render: (r) =>
        r.kind === 'group' ? (
          <button
            type="button"
            className="group-toggle"
            tabIndex={-1}
            aria-expanded={r.expanded}
            onClick={() => toggleGroup(r.group.key)}
          >
            <span aria-hidden="true">{r.expanded ? '▾' : '▸'}</span> {r.group.rows.length} alerts
          </button>
        ) : (
          <span className={`nowrap ${r.depth ? 'indent' : ''}`}>{formatTime(r.row.alert.time)}</span>
        ),
    },
    {
      key: 'sev',
      header: 'Severity',
      sort: 'severity',
      width: '88px',
      render: (r) => <SeverityBadge severity={r.kind === 'group' ? r.group.maxSeverity : r.row.alert.severity} />,
    },
    {
      key: 'status',
      header: 'State',
      sort: 'status',
      width: '116px',
      render: (r) =>
        r.kind === 'group' ? (
          <span className="muted small">{r.group.newCount} new</span>
        ) : (
          <StatusBadge status={r.row.state.status} reason={r.row.state.reason} />
        ),
    },
    {
      key: 'rule',
      header: 'Rule',
      sort: 'rule',
      // Rule titles are what analysts scan the queue by: the widest text column.
      width: 'minmax(260px, 2.2fr)',
      render: (r) =>
        r.kind === 'group' ? (
          <span className="group-label">
            <button
              type="button"
              className="link-button small"
              tabIndex={-1}
              onClick={(e) => {
                e.stopPropagation();
                setSelected((s) => new Set([...s, ...idsOf(r)]));
              }}
            >
              select all {r.group.rows.length}
            </button>
            <strong className="clip">{r.group.label}</strong>
          </span>
        ) : (
          <span className="clip" title={r.row.alert.detector.ruleTitle}>
            {r.row.alert.detector.ruleTitle}
            <IntelBadge matches={r.row.intel} />
          </span>
        ),
    },
    {
      key: 'host',
      header: 'Host',
      sort: 'host',
      width: '130px',
      render: (r) =>
        r.kind === 'alert' ? (
          <span className="clip" title={hostsOf(r.row).join(', ')}>
            <EntityPageLinks kind="host" values={hostsOf(r.row)} short inTable />
          </span>
        ) : null,
    },
    {
      key: 'user',
      header: 'User',
      width: '110px',
      render: (r) =>
        r.kind === 'alert' ? (
          <span className="clip">
            <EntityPageLinks kind="user" values={usersOf(r.row)} inTable />
          </span>
        ) : null,
    },
    {
      key: 'tech',
      header: 'ATT&CK',
      width: '100px',
      render: (r) =>
        r.kind === 'alert' ? <span className="clip mono small">{r.row.alert.techniques.join(' ')}</span> : null,
    },
    {
      key: 'incident',
      header: 'Incident',
      width: 'minmax(120px, 1fr)',
      render: (r) => (r.kind === 'alert' ? <IncidentCell row={r.row} /> : null),
    },
    {
      key: 'summary',
      header: 'Summary',
      width: 'minmax(160px, 1.4fr)',
      render: (r) =>
        r.kind === 'alert' ? (
          <span className="clip" title={r.row.alert.summary}>
            {clip(r.row.alert.summary, 300)}
          </span>
        ) : null,
    },
  ];

  function toggleGroup(key: string): void {
    setExpanded((e) => {
      const n = new Set(e);
      if (n.has(key)) n.delete(key);
      else n.add(key);
      return n;
    });
  }

  const selectedCount = selected.size;
  return (
    <div className="view view-fill">
      <div className="view-head">
        <h1>Alerts</h1>
        <span className={`live-count ${live ? '' : 'muted'}`} role="status" aria-live="polite">
          {rows.length.toLocaleString('en-US')} loaded{cursor ? ', more available' : ''}
          {fresh.size > 0 ? ` · ${fresh.size} new since opened` : ''}
        </span>
      </div>
      <AlertFilterBar filters={filters} draft={draftQ} onDraft={setDraftQ} onChange={setFilters} />
      <div className="actionbar" aria-label="Bulk actions">
        <span>
          {selectedCount > 0
            ? `${selectedCount.toLocaleString('en-US')} selected`
            : 'Select alerts with the checkboxes or x'}
        </span>
        {canWrite ? (
          <>
            <button
              type="button"
              className="btn"
              disabled={selectedCount === 0}
              onClick={() => setDialog('acknowledged')}
            >
              Acknowledge
            </button>
            <button
              type="button"
              className="btn btn-danger"
              disabled={selectedCount === 0}
              onClick={() => setDialog('closed')}
            >
              Close…
            </button>
            <button
              type="button"
              className="btn btn-ghost"
              disabled={selectedCount === 0}
              onClick={() => void change('new')}
            >
              Reopen
            </button>
          </>
        ) : (
          <span className="muted small">Read-only: viewers cannot acknowledge or close alerts.</span>
        )}
        {pendingLive > 0 && (
          <button type="button" className="btn btn-ghost" onClick={loadFirst}>
            {pendingLive} new matching alerts — refresh
          </button>
        )}
        {notice && (
          <span className="notice" role="status">
            {notice}
          </span>
        )}
      </div>
      {error && rows.length === 0 ? (
        <ErrorState error={error} retry={loadFirst} />
      ) : loading ? (
        <Loading label="Loading alerts…" />
      ) : (
        <VirtualTable
          label="Alert queue"
          rows={display}
          columns={columns}
          rowKey={rowKey}
          active={Math.max(
            0,
            display.findIndex((r) => rowKey(r) === activeKey),
          )}
          onActive={(i) => {
            const r = display[i];
            if (r) setActiveKey(rowKey(r));
          }}
          sort={sort}
          onSort={(k) =>
            setSort((s) =>
              s.key === k
                ? { key: s.key, dir: s.dir === 'asc' ? 'desc' : 'asc' }
                : { key: k as AlertSortKey, dir: k === 'rule' || k === 'host' ? 'asc' : 'desc' },
            )
          }
          isSelected={(r) => idsOf(r).every((i) => selected.has(i))}
          rowClass={(r) =>
            r.kind === 'group'
              ? 'row-group'
              : `${fresh.has(r.row.alert.id) ? 'row-fresh' : ''} ${r.row.state.status === 'closed' ? 'row-closed' : ''}`
          }
          onOpen={(r) =>
            r.kind === 'group' ? toggleGroup(r.group.key) : navigate(`/alerts/${encodeURIComponent(r.row.alert.id)}`)
          }
          onKey={(e, r) => {
            if (e.key === 'x' || e.key === ' ') {
              toggle(idsOf(r));
              return true;
            }
            if (!canWrite) return false;
            if (e.key === 'a' || e.key === 'c') {
              if (selected.size === 0) setSelected(new Set(idsOf(r)));
              setDialog(e.key === 'a' ? 'acknowledged' : 'closed');
              return true;
            }
            return false;
          }}
          onNearEnd={loadMore}
          empty={
            <Empty title="No alerts match">
              {filters.q || filters.min || filters.statuses.length < 3
                ? 'Widen the filters, or include closed alerts.'
                : 'Nothing has been detected yet. Alerts appear here live as detectors match events.'}
            </Empty>
          }
        />
      )}
      {dialog && (
        <ReasonDialog
          status={dialog}
          count={selectedCount}
          onCancel={() => setDialog(undefined)}
          onConfirm={(reason) => {
            setDialog(undefined);
            void change(dialog, reason);
          }}
        />
      )}
    </div>
  );
}

/** The incident of a queued alert and its case, as links. */
function IncidentCell(props: { row: TriagedAlert }): ReactNode {
  const inc = props.row.incident;
  if (!inc) return <span className="muted small">none yet</span>;
  return (
    <span className="clip">
      <Link
        to={`/incidents/${encodeURIComponent(inc.id)}`}
        title={`${inc.title} (${inc.status})`}
        tabIndex={-1}
        onClick={(e) => e.stopPropagation()}
      >
        {inc.title}
      </Link>
      {inc.caseId && (
        <>
          {' · '}
          <Link to={`/cases/${encodeURIComponent(inc.caseId)}`} tabIndex={-1} onClick={(e) => e.stopPropagation()}>
            case
          </Link>
        </>
      )}
    </span>
  );
}
