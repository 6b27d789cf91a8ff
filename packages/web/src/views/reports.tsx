/**
 * @module
 * Threat reports: upload a PDF, HTML, text, Markdown or e-mail report (with its TLP), see the
 * reports of the tenant, and review one: its text with every extracted item highlighted in its
 * sentence (indicators, ATT&CK techniques, named groups and software) with its confidence and
 * source, accept, reject or correct each, add a technique the model missed to a sentence, then
 * publish the reviewed STIX bundle into the threat intelligence store. Decisions on techniques
 * become labelled sentences that `intersoc reports retrain` learns from.
 */
import { useMemo, useState, type ReactNode } from 'react';
import { reports, type Decision, type ReportDetail, type ReportItem, type Tlp } from '../api/reports';
import { Link, useRouter } from '../app/router';
import { useSession } from '../app/session';
import { useAsync } from '../app/use-async';
import type { ViewProps } from '../app/view-types';
import { TlpBadge } from '../components/badges';
import { Async, Empty } from '../components/states';
import { formatTime } from '../lib/format';

const TLPS: readonly Tlp[] = ['clear', 'green', 'amber', 'amber+strict', 'red'];

function Upload(props: { onDone: (id: string) => void }): ReactNode {
  const [tlp, setTlp] = useState<Tlp>('amber');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  return (
    <form
      className="toolbar"
      aria-label="Add a report"
      onSubmit={(e) => {
        e.preventDefault();
        const input = (e.currentTarget.elements.namedItem('file') as HTMLInputElement | null)?.files?.[0];
        if (!input) return;
        setBusy(true);
        setError(undefined);
        reports
          .upload(input, tlp)
          .then((r) => props.onDone(r.summary.id))
          .catch((err: unknown) => setError((err as Error).message))
          .finally(() => setBusy(false));
      }}
    >
      <input type="file" name="file" accept=".pdf,.html,.htm,.txt,.md,.eml" required aria-label="Report file" />
      <label>
        TLP{' '}
        <select value={tlp} onChange={(e) => setTlp(e.target.value as Tlp)} aria-label="TLP of the report">
          {TLPS.map((t) => (
            <option key={t} value={t}>
              {t.toUpperCase()}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="btn btn-primary" disabled={busy}>
        {busy ? 'Reading…' : 'Add report'}
      </button>
      {error && (
        <span className="text-danger" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}

function ReportList(): ReactNode {
  const { navigate } = useRouter();
  const { canWrite } = useSession();
  const state = useAsync((signal) => reports.list(signal), []);
  return (
    <div className="view">
      <div className="view-head">
        <h1>Threat reports</h1>
      </div>
      {canWrite && <Upload onDone={(id) => navigate(`/reports/${id}`)} />}
      <Async state={state} label="Loading reports…">
        {(r) =>
          r.items.length === 0 ? (
            <Empty title="No reports yet">
              <p>
                Add a vendor PDF, a blog post, an advisory or a partner SOC’s e-mail: its indicators and techniques are
                extracted for review.
              </p>
            </Empty>
          ) : (
            <table className="table" aria-label="Reports">
              <thead>
                <tr>
                  <th scope="col">Report</th>
                  <th scope="col">Format</th>
                  <th scope="col">TLP</th>
                  <th scope="col">Items</th>
                  <th scope="col">Reviewed</th>
                  <th scope="col">Status</th>
                  <th scope="col">Added</th>
                </tr>
              </thead>
              <tbody>
                {r.items.map((x) => (
                  <tr key={x.id}>
                    <td>
                      <Link to={`/reports/${x.id}`}>{x.title ?? x.name}</Link>
                    </td>
                    <td>{x.format}</td>
                    <td>
                      <TlpBadge tlp={x.tlp} />
                    </td>
                    <td>{x.items}</td>
                    <td>{x.reviewed}</td>
                    <td>{x.status}</td>
                    <td className="small">{formatTime(x.added)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Async>
    </div>
  );
}

const KIND_CLASS: Readonly<Record<ReportItem['kind'], string>> = {
  indicator: 'hl-indicator',
  technique: 'hl-technique',
  actor: 'hl-actor',
};

/** The sentence's text with its items' spans marked. */
function Sentence(props: { text: string; offset: number; items: readonly ReportItem[] }): ReactNode {
  const marks = props.items
    .filter((i) => i.kind !== 'technique' || i.source === 'explicit-id')
    .filter((i) => i.start >= props.offset && i.end <= props.offset + props.text.length)
    .sort((a, b) => a.start - b.start);
  const out: ReactNode[] = [];
  let at = 0;
  for (const m of marks) {
    const s = m.start - props.offset;
    if (s < at) continue;
    out.push(props.text.slice(at, s));
    out.push(
      <mark
        key={m.id}
        className={KIND_CLASS[m.kind]}
        title={`${m.type} ${m.value} (${Math.round(m.confidence * 100)}%)`}
      >
        {props.text.slice(s, m.end - props.offset)}
      </mark>,
    );
    at = m.end - props.offset;
  }
  out.push(props.text.slice(at));
  return <>{out}</>;
}

function ItemRow(props: {
  item: ReportItem;
  canWrite: boolean;
  onDecide: (item: ReportItem, d: Decision, value?: string) => void;
}): ReactNode {
  const it = props.item;
  const d = it.review?.decision;
  return (
    <li className={`report-item ${d === 'reject' ? 'muted' : ''}`} data-item={it.id}>
      <span className={`chip ${KIND_CLASS[it.kind]}`}>{it.type}</span>{' '}
      <span className="mono">{it.review?.decision === 'correct' ? it.review.value : it.value}</span>
      {it.name && <span className="muted"> {it.name}</span>}{' '}
      <span className="small muted" title={`source: ${it.source}`}>
        {Math.round(it.confidence * 100)}% · {it.source}
      </span>
      {d && (
        <span className="small">
          {' '}
          · {d}
          {it.review?.value ? ` → ${it.review.value}` : ''}
        </span>
      )}
      {props.canWrite && (
        <span className="actions">
          <button type="button" className="btn btn-ghost btn-small" onClick={() => props.onDecide(it, 'accept')}>
            Accept
          </button>
          <button type="button" className="btn btn-ghost btn-small" onClick={() => props.onDecide(it, 'reject')}>
            Reject
          </button>
          <button
            type="button"
            className="btn btn-ghost btn-small"
            onClick={() => {
              const v = window.prompt(
                it.kind === 'technique' ? 'Correct technique (e.g. T1059.001)' : 'Corrected value',
                it.value,
              );
              if (v && v.trim() !== '') props.onDecide(it, 'correct', v.trim());
            }}
          >
            Correct
          </button>
        </span>
      )}
    </li>
  );
}

function ReportReview(props: { id: string }): ReactNode {
  const { canWrite } = useSession();
  const [detail, setDetail] = useState<ReportDetail | undefined>();
  const [message, setMessage] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const state = useAsync(
    async (signal) => {
      const d = await reports.get(props.id, signal);
      setDetail(d);
      return d;
    },
    [props.id],
  );
  const bySentence = useMemo(() => {
    const m = new Map<number, ReportItem[]>();
    for (const it of detail?.items ?? []) m.set(it.sentence, [...(m.get(it.sentence) ?? []), it]);
    return m;
  }, [detail]);
  const act = (p: Promise<ReportDetail>): void => {
    setError(undefined);
    p.then(setDetail).catch((err: unknown) => setError((err as Error).message));
  };
  const decide = (item: ReportItem, decision: Decision, value?: string): void =>
    act(reports.review(props.id, { decisions: [{ item: item.id, decision, ...(value ? { value } : {}) }] }));
  return (
    <div className="view">
      <div className="view-head">
        <h1>
          <Link to="/reports">Threat reports</Link> / {detail?.title ?? detail?.name ?? props.id}
        </h1>
        {detail && (
          <div className="toolbar">
            <TlpBadge tlp={detail.tlp} /> <span className="muted">{detail.status}</span>
            <a className="btn btn-ghost" href={reports.stixUrl(props.id)} download>
              STIX bundle
            </a>
            {canWrite && (
              <button
                type="button"
                className="btn btn-primary"
                onClick={() => {
                  void reports
                    .publish(props.id)
                    .then((r) => {
                      setMessage(`Published ${r.objects} STIX objects (${r.added} new) to threat intelligence.`);
                      state.reload(true);
                    })
                    .catch((err: unknown) => setError((err as Error).message));
                }}
              >
                Publish
              </button>
            )}
          </div>
        )}
      </div>
      {message && (
        <div className="banner" role="status">
          {message}
        </div>
      )}
      {error && (
        <div className="banner banner-error" role="alert">
          {error}
        </div>
      )}
      <Async state={state} label="Reading the report…">
        {() =>
          detail && (
            <>
              <p className="muted small">
                {detail.format}, {detail.pages} page(s), {detail.items.length} items (
                {detail.items.filter((i) => i.review).length} reviewed), model {detail.model}
                {detail.document.warnings.map((w) => ` · ${w}`).join('')}
              </p>
              <ol className="report-sentences" aria-label="Sentences with extracted items">
                {detail.document.sentences.map((s, n) => {
                  const items = bySentence.get(n) ?? [];
                  // Sentences without items stay visible (dimmed): the model may have missed a technique there.
                  const text = detail.document.text.slice(s.start, s.end);
                  const para = detail.document.paragraphs[s.paragraph];
                  return (
                    <li key={n} value={n} className={`report-sentence${items.length === 0 ? ' muted' : ''}`}>
                      <p>
                        <span className="small muted">
                          {para && para.part !== 'body' ? `${para.part}, ` : ''}p. {para?.page ?? 1}:{' '}
                        </span>
                        <Sentence text={text} offset={s.start} items={items} />
                      </p>
                      {items.length > 0 && (
                        <ul className="report-items">
                          {items.map((it) => (
                            <ItemRow key={it.id} item={it} canWrite={canWrite} onDecide={decide} />
                          ))}
                        </ul>
                      )}
                      {canWrite && (
                        <button
                          type="button"
                          className="btn btn-ghost btn-small"
                          onClick={() => {
                            const t = window.prompt('Technique this sentence describes (e.g. T1105)');
                            if (t && t.trim() !== '')
                              act(
                                reports.review(props.id, {
                                  decisions: [],
                                  add: [{ sentence: n, technique: t.trim().toUpperCase() }],
                                }),
                              );
                          }}
                        >
                          Add technique
                        </button>
                      )}
                    </li>
                  );
                })}
              </ol>
              {detail.dropped.length > 0 && (
                <details>
                  <summary>{detail.dropped.length} known-benign values left out</summary>
                  <ul>
                    {detail.dropped.map((d) => (
                      <li key={`${d.type}:${d.value}`}>
                        <span className="mono">{d.value}</span>{' '}
                        <span className="muted">
                          ({d.type}): {d.reason}
                        </span>
                      </li>
                    ))}
                  </ul>
                </details>
              )}
            </>
          )
        }
      </Async>
    </div>
  );
}

/** The reports view: the list, or one report's review. */
export default function ReportsView(props: ViewProps): ReactNode {
  const id = props.params[0];
  return id ? <ReportReview id={id} /> : <ReportList />;
}
