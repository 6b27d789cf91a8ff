/**
 * @module
 * Event search: the node's query language with autocomplete, a time-range picker, a histogram
 * over time (click a bar to zoom into it), a virtualised results table whose rows expand to the
 * raw record (exactly as stored) and its fields, a readable summary per row (addresses and ports of
 * network rows), a field sidebar with filter-in and filter-out, saved queries (this browser's
 * localStorage, per tenant and user), and export as NDJSON or CSV.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import type { FieldInfo, Histogram, SocEvent } from '../api/types';
import { href, useRouter } from '../app/router';
import { useThemeName } from '../app/theme';
import type { ViewProps } from '../app/view-types';
import { baseOption, Chart, chartColors } from '../components/chart';
import { Empty, ErrorState, Loading } from '../components/states';
import { VirtualTable, type Column } from '../components/virtual-table';
import { clip, formatClock, formatCount, formatTime, prettyRaw } from '../lib/format';
import {
  bucketsFor,
  decodeRange,
  encodeRange,
  fromLocalInput,
  RANGE_PRESETS,
  rangeLabel,
  resolveRange,
  toLocalInput,
  type RangePreset,
  type TimeRange,
} from '../lib/time-range';
import { QueryInput } from './query-input';
import { EntityPageLinks } from '../components/entity-page-links';
import { useSession } from '../app/session';
import { eventSummary } from '../lib/event-summary';
import { FieldSidebar, SavedQueries } from './search-tools';

const PAGE = 500;
const EXPANDED = 300;
const DEFAULT_RANGE: TimeRange = { kind: 'relative', preset: '24h' };

function fieldText(v: unknown): string {
  if (Array.isArray(v)) return v.map(String).join(', ');
  return v === null || v === undefined ? '' : String(v);
}

function Expanded(props: { e: SocEvent }): ReactNode {
  const e = props.e;
  return (
    <div className="expanded">
      <div className="expanded-col">
        <h3 className="subhead">
          Raw record <span className="muted small">as stored, indented; no value rewritten</span>
        </h3>
        <pre className="raw-pre">{prettyRaw(e.raw)}</pre>
      </div>
      <div className="expanded-col">
        <h3 className="subhead">
          Fields <span className="muted small mono">{e.id}</span>
        </h3>
        <table className="table fields">
          <tbody>
            {[
              ...Object.entries(e.ecs).map(([k, v]) => [k, fieldText(v), 'ECS'] as const),
              ...Object.entries(e.fields).map(([k, v]) => [k, fieldText(v), ''] as const),
            ].map(([k, v, tag]) => (
              <tr key={`${tag}:${k}`}>
                <th scope="row" className="mono">
                  {k}
                  {tag && <span className="tag">{tag}</span>}
                </th>
                <td className="mono wrap">{v}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function RangePicker(props: { range: TimeRange; onChange: (r: TimeRange) => void }): ReactNode {
  const [custom, setCustom] = useState(props.range.kind === 'absolute');
  const now = Date.now();
  const cur = resolveRange(props.range, now);
  const [from, setFrom] = useState(toLocalInput(cur.from));
  const [to, setTo] = useState(toLocalInput(cur.to));
  useEffect(() => {
    if (props.range.kind === 'absolute') {
      setFrom(toLocalInput(props.range.from));
      setTo(toLocalInput(props.range.to));
      setCustom(true);
    }
  }, [props.range]);
  return (
    <div className="range-picker">
      <label className="inline-field">
        <span className="muted">Time</span>
        <select
          value={custom ? 'custom' : props.range.kind === 'relative' ? props.range.preset : 'custom'}
          onChange={(e) => {
            if (e.target.value === 'custom') setCustom(true);
            else {
              setCustom(false);
              props.onChange({ kind: 'relative', preset: e.target.value as RangePreset });
            }
          }}
        >
          {RANGE_PRESETS.map((p) => (
            <option key={p} value={p}>
              {rangeLabel({ kind: 'relative', preset: p })}
            </option>
          ))}
          <option value="custom">Custom range…</option>
        </select>
      </label>
      {custom && (
        <>
          <label className="inline-field">
            <span className="muted">From</span>
            <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
          </label>
          <label className="inline-field">
            <span className="muted">To</span>
            <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
          </label>
          <button
            type="button"
            className="btn"
            onClick={() => {
              const f = fromLocalInput(from);
              const t = fromLocalInput(to);
              if (f !== undefined && t !== undefined && f <= t)
                props.onChange({ kind: 'absolute', from: f, to: t + 59_999 });
            }}
          >
            Apply
          </button>
        </>
      )}
    </div>
  );
}

/** The search view. */
export default function SearchView(_props: ViewProps): ReactNode {
  const { location, navigate } = useRouter();
  const { me } = useSession();
  const theme = useThemeName();
  const q = location.query.get('q') ?? '';
  const range = useMemo(() => decodeRange(location.query.get('range'), DEFAULT_RANGE), [location.query]);
  const [draft, setDraft] = useState(q);
  const [fields, setFields] = useState<readonly FieldInfo[]>([]);
  const [rows, setRows] = useState<SocEvent[]>([]);
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const [hist, setHist] = useState<Histogram | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [active, setActive] = useState(0);
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const [bounds, setBounds] = useState<{ from: number; to: number }>(() => resolveRange(range, Date.now()));
  const gen = useRef(0);
  const more = useRef(false);

  useEffect(() => setDraft(q), [q]);
  useEffect(() => {
    const ctrl = new AbortController();
    api
      .fields({ sample: 1000 }, { signal: ctrl.signal })
      .then((r) => setFields(r.fields))
      .catch(() => setFields([]));
    return () => ctrl.abort();
  }, []);

  const run = useCallback(() => {
    const g = ++gen.current;
    const b = resolveRange(range, Date.now());
    setBounds(b);
    setLoading(true);
    setError(undefined);
    setOpen(new Set());
    setActive(0);
    const isAll = range.kind === 'relative' && range.preset === 'all';
    const page = api.events({ q, ...(isAll ? {} : b), limit: PAGE });
    const histogram = api.histogram({ q, from: b.from, to: b.to, buckets: bucketsFor(b.from, b.to) });
    Promise.all([page, histogram])
      .then(([p, h]) => {
        if (g !== gen.current) return;
        setRows([...p.items]);
        setCursor(p.nextCursor);
        setHist(h);
        setLoading(false);
      })
      .catch((err: unknown) => {
        if (g !== gen.current) return;
        setError(err as Error);
        setLoading(false);
      });
  }, [q, range]);

  useEffect(run, [run]);

  const loadMore = useCallback(() => {
    if (!cursor || more.current) return;
    more.current = true;
    const g = gen.current;
    const isAll = range.kind === 'relative' && range.preset === 'all';
    api
      .events({ q, ...(isAll ? {} : bounds), limit: PAGE, cursor })
      .then((p) => {
        if (g !== gen.current) return;
        setRows((r) => [...r, ...p.items]);
        setCursor(p.nextCursor);
      })
      .catch((err: unknown) => setError(err as Error))
      .finally(() => {
        more.current = false;
      });
  }, [cursor, q, range, bounds]);

  const go = (nextQ: string, nextRange: TimeRange): void =>
    navigate(href('/search', { q: nextQ, range: encodeRange(nextRange) }));

  const histOption = useMemo(() => {
    if (!hist) return undefined;
    const c = chartColors();
    const long = hist.to - hist.from > 2 * 86_400_000;
    return {
      ...baseOption(c),
      grid: { left: 48, right: 12, top: 12, bottom: 24 },
      xAxis: {
        type: 'category',
        data: hist.counts.map((_, i) => {
          const t = hist.from + i * hist.bucketMs;
          return long ? formatTime(t).slice(5, 13) + 'h' : formatClock(t).slice(0, 5);
        }),
        axisLabel: { color: c.muted },
        axisLine: { lineStyle: { color: c.grid } },
      },
      yAxis: {
        type: 'value',
        minInterval: 1,
        splitLine: { lineStyle: { color: c.grid } },
        axisLabel: { color: c.muted },
      },
      series: [{ type: 'bar', name: 'events', itemStyle: { color: c.accent }, data: hist.counts }],
    };
  }, [hist, theme]);

  const columns: Column<SocEvent>[] = [
    {
      key: 'x',
      header: <span className="sr-only">Expand</span>,
      width: '32px',
      render: (e) => (
        <span aria-hidden="true" className="muted">
          {open.has(e.id) ? '▾' : '▸'}
        </span>
      ),
    },
    {
      key: 'time',
      header: 'Time',
      width: '160px',
      render: (e) => <span className="nowrap">{formatTime(e.time)}</span>,
    },
    {
      key: 'host',
      header: 'Host',
      width: '140px',
      render: (e) => (
        <span className="clip">
          {e.ecs['host.name'] === undefined ? (
            ''
          ) : (
            <EntityPageLinks kind="host" values={[fieldText(e.ecs['host.name'])]} inTable />
          )}
        </span>
      ),
    },
    {
      key: 'user',
      header: 'User',
      width: '120px',
      render: (e) => (
        <span className="clip">
          {e.ecs['user.name'] === undefined ? (
            ''
          ) : (
            <EntityPageLinks kind="user" values={[fieldText(e.ecs['user.name'])]} inTable />
          )}
        </span>
      ),
    },
    {
      key: 'code',
      header: 'Event',
      width: '90px',
      render: (e) => <span className="clip mono">{fieldText(e.ecs['event.code'])}</span>,
    },
    { key: 'fmt', header: 'Format', width: '90px', render: (e) => <span className="clip">{e.source.format}</span> },
    {
      key: 'msg',
      header: 'Summary',
      width: 'minmax(300px, 1fr)',
      render: (e) => {
        const text = eventSummary(e);
        return (
          <span className="clip small" title={clip(text, 2000)}>
            {clip(text, 400)}
          </span>
        );
      },
    },
  ];

  const toggle = (id: string): void =>
    setOpen((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  const isAll = range.kind === 'relative' && range.preset === 'all';
  const exportQuery = { q, ...(isAll ? {} : bounds) };
  return (
    <div className="view view-fill">
      <div className="view-head">
        <h1>Event search</h1>
      </div>
      <form
        className="toolbar"
        role="search"
        aria-label="Search events"
        onSubmit={(e) => {
          e.preventDefault();
          go(draft, range);
        }}
      >
        <div className="field-grow">
          <QueryInput
            value={draft}
            onChange={setDraft}
            onSubmit={() => go(draft, range)}
            fields={fields}
            label="Query"
            placeholder='host.name:dc1 AND event.code:4625 · "mimikatz" · process.command_line:*lsass* · NOT _label:benign'
          />
        </div>
        <RangePicker range={range} onChange={(r) => go(draft, r)} />
        <button type="submit" className="btn btn-primary">
          Search
        </button>
        <div className="export" role="group" aria-label="Export results">
          <a className="btn btn-ghost" href={api.exportUrl({ ...exportQuery, format: 'ndjson' })} download>
            Export NDJSON
          </a>
          <a className="btn btn-ghost" href={api.exportUrl({ ...exportQuery, format: 'csv' })} download>
            Export CSV
          </a>
        </div>
      </form>
      {me && (
        <SavedQueries
          tenant={me.tenant}
          user={me.user}
          q={q}
          range={encodeRange(range)}
          onRun={(sq) => go(sq.q, decodeRange(sq.range, DEFAULT_RANGE))}
        />
      )}
      {error ? (
        <ErrorState error={error} retry={run} />
      ) : loading ? (
        <Loading label="Searching…" />
      ) : (
        <>
          <section className="panel histogram" aria-label="Matches over time">
            <div className="panel-row">
              <span>
                <strong>{formatCount(hist?.total ?? 0)}</strong> matching events · {rangeLabel(range)}
                {hist?.partial ? ' (partial: the scan budget ran out for older data)' : ''}
              </span>
              <span className="muted small">Click a bar to zoom into it</span>
            </div>
            {hist && histOption && hist.total > 0 && (
              <Chart
                option={histOption}
                height={120}
                summary={`Histogram of ${hist.total} matching events over ${hist.counts.length} buckets`}
                onClickIndex={(i) => {
                  const from = hist.from + i * hist.bucketMs;
                  go(q, { kind: 'absolute', from, to: from + hist.bucketMs - 1 });
                }}
              />
            )}
          </section>
          <p className="muted small" role="status">
            {rows.length.toLocaleString('en-US')} shown{cursor ? ', scroll for more' : ''} · Enter or double-click a row
            to expand its raw record
          </p>
          <div className="split">
            <FieldSidebar rows={rows} q={q} onQuery={(next) => go(next, range)} />
            <div className="split-main">
              <VirtualTable
                label="Search results"
                rows={rows}
                columns={columns}
                rowKey={(e) => e.id}
                active={Math.min(active, Math.max(0, rows.length - 1))}
                onActive={setActive}
                onOpen={(e) => toggle(e.id)}
                expandedHeight={(e) => (open.has(e.id) ? EXPANDED : undefined)}
                renderExpanded={(e) => <Expanded e={e} />}
                onNearEnd={loadMore}
                empty={
                  <Empty title="No events match">
                    Try a wider time range or fewer terms. Field names autocomplete as you type; values are
                    case-insensitive.
                  </Empty>
                }
              />
            </div>
          </div>
        </>
      )}
    </div>
  );
}
