/**
 * @module
 * Threat intelligence: indicators and STIX objects with TLP badges, search, the relationship
 * graph of the selected object (expanded step by step), import of STIX bundles and MISP events, and export as either.
 */
import { useRef, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import type { IntelGraph, IntelImportResult, IntelObject } from '../api/types';
import { href, Link, useRouter } from '../app/router';
import { useSession } from '../app/session';
import { useAsync } from '../app/use-async';
import type { ViewProps } from '../app/view-types';
import { TlpBadge } from '../components/badges';
import { Async, Empty } from '../components/states';
import { VirtualTable, type Column } from '../components/virtual-table';
import { formatTime } from '../lib/format';
import { IntelExplorer } from './intel-explorer';

const TYPES = [
  'indicator',
  'malware',
  'threat-actor',
  'intrusion-set',
  'campaign',
  'attack-pattern',
  'tool',
  'vulnerability',
  'identity',
  'report',
  'relationship',
  'sighting',
  'observed-data',
];

function nameOf(o: IntelObject): string {
  return o.name ?? o.pattern ?? o.id;
}

/** Name for the table's name column: the name, or nothing when the pattern column shows it. */
function titleOf(o: IntelObject): string {
  return o.name ?? (o.pattern ? '' : o.id);
}

function Detail(props: { g: IntelGraph; onPick: (id: string) => void }): ReactNode {
  const { g } = props;
  const o = g.object;
  return (
    <section className="panel" aria-label={`Object ${nameOf(o)}`}>
      <h2 className="panel-title">
        <span className="tag">{o.type}</span> {nameOf(o)}
      </h2>
      <p>
        <TlpBadge tlp={o.tlp} /> · from {o.source} · stored {formatTime(o.added)}
        {o.revoked && <span className="badge badge-muted">revoked</span>}
      </p>
      {o.pattern && (
        <p className="mono small wrap">
          <span className="muted">pattern </span>
          {o.pattern}
        </p>
      )}
      {typeof o.object['description'] === 'string' && <p>{o.object['description']}</p>}
      <IntelExplorer root={g} onOpen={props.onPick} />
      <details className="raw">
        <summary>STIX JSON</summary>
        <pre>{JSON.stringify(o.object, null, 2)}</pre>
      </details>
      <p>
        <a className="btn btn-ghost" href={api.intelExportUrl('stix', [o.id, ...g.nodes.map((n) => n.id)])} download>
          Export with related (STIX)
        </a>
      </p>
    </section>
  );
}

function ImportPanel(props: { onDone: (r: IntelImportResult) => void }): ReactNode {
  const [format, setFormat] = useState<'stix' | 'misp'>('stix');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  const file = useRef<HTMLInputElement>(null);
  const submit = async (): Promise<void> => {
    setBusy(true);
    setMessage(undefined);
    try {
      const f = file.current?.files?.[0];
      const raw = f ? await f.text() : text;
      let doc: unknown;
      try {
        doc = JSON.parse(raw);
      } catch {
        throw new Error('the file is not JSON');
      }
      const r = await api.intelImport(format, doc);
      setMessage({
        ok: r.rejected === 0,
        text: `${r.added} added, ${r.duplicates} already known, ${r.rejected} rejected${r.reasons.length ? `: ${r.reasons.slice(0, 3).join('; ')}` : ''}`,
      });
      if (file.current) file.current.value = '';
      setText('');
      props.onDone(r);
    } catch (err) {
      setMessage({ ok: false, text: `Import failed: ${(err as Error).message}` });
    } finally {
      setBusy(false);
    }
  };
  return (
    <details className="panel import">
      <summary>Import a STIX bundle or MISP event</summary>
      <div className="import-body">
        <label className="inline-field">
          <span className="muted">Format</span>
          <select value={format} onChange={(e) => setFormat(e.target.value as 'stix' | 'misp')}>
            <option value="stix">STIX 2.1 bundle</option>
            <option value="misp">MISP event</option>
          </select>
        </label>
        <label className="field">
          <span>File</span>
          <input ref={file} type="file" accept=".json,application/json" name="bundle" />
        </label>
        <label className="field">
          <span>…or paste JSON</span>
          <textarea
            rows={4}
            value={text}
            onChange={(e) => setText(e.target.value)}
            className="mono"
            name="bundle-text"
          />
        </label>
        <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void submit()}>
          {busy ? 'Importing…' : 'Import'}
        </button>
        {message && (
          <p className={message.ok ? 'notice' : 'form-error'} role="status">
            {message.text}
          </p>
        )}
      </div>
    </details>
  );
}

/** The intelligence view. */
export default function IntelView(_props: ViewProps): ReactNode {
  const { canWrite } = useSession();
  const { location, navigate } = useRouter();
  const q = location.query.get('q') ?? '';
  const type = location.query.get('type') ?? '';
  const picked = location.query.get('id') ?? undefined;
  const [draft, setDraft] = useState(q);
  const [active, setActive] = useState(0);
  const list = useAsync(
    (signal) => api.intel({ q, ...(type ? { type: [type] } : {}), limit: 1000 }, { signal }),
    [q, type],
  );
  const graph = useAsync(
    (signal) => (picked ? api.intelGraph(picked, { signal }) : Promise.resolve(undefined)),
    [picked],
  );
  const set = (p: { q?: string; type?: string; id?: string | undefined }): void =>
    navigate(href('/intel', { q: p.q ?? q, type: p.type ?? type, id: 'id' in p ? p.id : picked }), { replace: true });

  const columns: Column<IntelObject>[] = [
    { key: 'type', header: 'Type', width: '110px', render: (o) => <span className="tag">{o.type}</span> },
    {
      key: 'name',
      header: 'Name',
      width: 'minmax(200px, 1.5fr)',
      render: (o) => (
        <span className="clip" title={nameOf(o)}>
          {titleOf(o)}
          {o.revoked && <span className="tag">revoked</span>}
        </span>
      ),
    },
    {
      key: 'pattern',
      header: 'Pattern / value',
      width: 'minmax(200px, 1.5fr)',
      render: (o) => (
        <span className="clip mono small" title={o.pattern}>
          {o.pattern ?? (typeof o.object['value'] === 'string' ? o.object['value'] : '')}
        </span>
      ),
    },
    { key: 'tlp', header: 'TLP', width: '136px', render: (o) => <TlpBadge tlp={o.tlp} /> },
    { key: 'src', header: 'Source', width: '80px', render: (o) => <span className="muted">{o.source}</span> },
    {
      key: 'added',
      header: 'Stored',
      width: '150px',
      render: (o) => <span className="nowrap">{formatTime(o.added)}</span>,
    },
  ];

  return (
    <div className="view view-fill">
      <div className="view-head">
        <h1>Threat intelligence</h1>
        <div className="export" role="group" aria-label="Export all">
          <a className="btn btn-ghost" href={api.intelExportUrl('stix')} download>
            Export STIX bundle
          </a>
          <a className="btn btn-ghost" href={api.intelExportUrl('misp')} download>
            Export MISP event
          </a>
        </div>
      </div>
      {canWrite ? (
        <ImportPanel onDone={() => list.reload()} />
      ) : (
        <p className="muted small">Read-only: viewers cannot import intelligence.</p>
      )}
      <form
        className="toolbar"
        role="search"
        aria-label="Search intelligence"
        onSubmit={(e) => {
          e.preventDefault();
          set({ q: draft });
        }}
      >
        <label className="field field-grow">
          <span className="sr-only">Search intelligence</span>
          <input
            data-search-input
            type="search"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            placeholder="name, value, pattern, id or label"
          />
        </label>
        <label className="inline-field">
          <span className="muted">Type</span>
          <select value={type} onChange={(e) => set({ type: e.target.value })}>
            <option value="">all</option>
            {TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="btn">
          Search
        </button>
      </form>
      <div className="split">
        <div className="split-main">
          <Async state={list} label="Loading intelligence…">
            {(page) => (
              <VirtualTable
                label="Intelligence objects"
                rows={page.items}
                columns={columns}
                rowKey={(o) => o.id}
                active={Math.min(active, Math.max(0, page.items.length - 1))}
                onActive={(i) => {
                  setActive(i);
                  const o = page.items[i];
                  if (o) set({ id: o.id });
                }}
                rowClass={(o) => (o.id === picked ? 'row-picked' : '')}
                empty={
                  <Empty title={q || type ? 'Nothing matches' : 'No intelligence stored yet'}>
                    {q || type
                      ? 'Try another term or type.'
                      : 'Import a STIX bundle or a MISP event, or pull a TAXII collection with bin/intersoc taxii pull.'}
                  </Empty>
                }
              />
            )}
          </Async>
        </div>
        <aside className="split-side">
          {picked ? (
            <Async state={graph} label="Loading relationships…">
              {(g) => (g ? <Detail g={g} onPick={(id) => set({ id })} /> : null)}
            </Async>
          ) : (
            <p className="muted small">
              Select an object to see its relationships.{' '}
              <Link to={href('/intel', { type: 'indicator' })}>Show indicators</Link>
            </p>
          )}
        </aside>
      </div>
    </div>
  );
}
