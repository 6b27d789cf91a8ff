/**
 * @module
 * Data-subject requests on the Privacy view: the subject picker (user, e-mail address or host),
 * subject access (counts per kind of record, the items a page at a time, the JSON and the readable
 * report to download) and erasure for admins, with a confirmation that says it cannot be undone,
 * then what was erased and which records legal hold kept, with the reason.
 */
import { useEffect, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError } from '../api/client';
import { privacyApi, type Erasure, type SubjectExport, type SubjectKind } from '../api/privacy';
import { formatTime } from '../lib/format';

const KINDS: readonly { kind: SubjectKind; label: string; hint: string }[] = [
  { kind: 'user', label: 'User name', hint: 'jdoe' },
  { kind: 'email', label: 'E-mail address', hint: 'jane.doe@example.org' },
  { kind: 'host', label: 'Host name', hint: 'ws-0042' },
];

/** Items shown per page of a subject access answer. */
const PAGE = 25;

const message = (err: unknown): string => (err instanceof ApiError ? err.message : String(err));

/** The subject as the API names it, or undefined while the value is too short. */
export function subjectOf(kind: SubjectKind, value: string): string | undefined {
  const v = value.trim();
  return v.length >= 2 ? `${kind}:${v}` : undefined;
}

/** Kind and value of a subject. */
export function SubjectFields(props: {
  kind: SubjectKind;
  value: string;
  onKind: (k: SubjectKind) => void;
  onValue: (v: string) => void;
}): ReactNode {
  const hint = KINDS.find((k) => k.kind === props.kind)?.hint ?? '';
  return (
    <div className="toolbar">
      <label className="field">
        <span>Subject kind</span>
        <select value={props.kind} onChange={(e) => props.onKind(e.target.value as SubjectKind)}>
          {KINDS.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.label}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Subject</span>
        <input
          className="mono"
          value={props.value}
          placeholder={hint}
          onChange={(e) => props.onValue(e.target.value)}
          required
        />
      </label>
    </div>
  );
}

/** A link that downloads text made in the browser (the blob URL is revoked when the text changes). */
function Download(props: { text: string; type: string; name: string; children: ReactNode }): ReactNode {
  const url = useMemo(
    () => URL.createObjectURL(new Blob([props.text], { type: props.type })),
    [props.text, props.type],
  );
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  return (
    <a className="btn btn-ghost" href={url} download={props.name}>
      {props.children}
    </a>
  );
}

function ExportResult(props: { x: SubjectExport }): ReactNode {
  const { x } = props;
  const [page, setPage] = useState(0);
  const pages = Math.max(1, Math.ceil(x.items.length / PAGE));
  const base = `subject-${x.subject.split(':')[0] ?? 'subject'}`;
  const total = Object.values(x.counts).reduce((a, b) => a + b, 0);
  return (
    <section aria-label="What the node holds about the subject">
      <p>
        <strong>{total.toLocaleString()}</strong> records mention <span className="mono">{x.subject}</span>.
      </p>
      <table className="table" aria-label="Records per kind">
        <thead>
          <tr>
            <th scope="col">Kind</th>
            <th scope="col">Records</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(x.counts).map(([k, n]) => (
            <tr key={k}>
              <td>{k}</td>
              <td className="mono">{n.toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="toolbar">
        <Download text={`${JSON.stringify(x, null, 1)}\n`} type="application/json" name={`${base}.json`}>
          Download JSON
        </Download>
        {x.report !== undefined && (
          <Download text={x.report} type="text/markdown" name={`${base}.md`}>
            Download report (Markdown)
          </Download>
        )}
      </p>
      {x.items.length > 0 && (
        <>
          <table className="table" aria-label="Records that mention the subject">
            <thead>
              <tr>
                <th scope="col">Kind</th>
                <th scope="col">When</th>
                <th scope="col">Record</th>
                <th scope="col">Id</th>
              </tr>
            </thead>
            <tbody>
              {x.items.slice(page * PAGE, (page + 1) * PAGE).map((i) => (
                <tr key={`${i.kind}:${i.tenant}:${i.id}`}>
                  <td>{i.kind}</td>
                  <td className="nowrap">{i.time === undefined ? '' : formatTime(i.time)}</td>
                  <td>{i.summary}</td>
                  <td className="mono small">{i.id}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="toolbar small">
            <button type="button" className="btn btn-ghost" disabled={page === 0} onClick={() => setPage(page - 1)}>
              Previous
            </button>
            <span>
              Page {page + 1} of {pages} ({x.items.length.toLocaleString()} items)
            </span>
            <button
              type="button"
              className="btn btn-ghost"
              disabled={page + 1 >= pages}
              onClick={() => setPage(page + 1)}
            >
              Next
            </button>
          </p>
        </>
      )}
    </section>
  );
}

/** Subject access (Art. 15): everything the tenant holds about a subject. */
export function SubjectAccess(): ReactNode {
  const [kind, setKind] = useState<SubjectKind>('user');
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [result, setResult] = useState<SubjectExport | undefined>(undefined);
  const subject = subjectOf(kind, value);
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (!subject) return;
    setBusy(true);
    setError('');
    setResult(undefined);
    privacyApi
      .exportSubject(subject)
      .then(setResult)
      .catch((err: unknown) => setError(message(err)))
      .finally(() => setBusy(false));
  };
  return (
    <form className="card" aria-label="Subject access request" onSubmit={submit}>
      <h2 className="subhead">Subject access (Art. 15)</h2>
      <p className="muted small">
        Everything this tenant holds about a person: events, alerts, incidents, cases, observables, CTI objects, audit
        entries and assets. The request is audited.
      </p>
      <SubjectFields kind={kind} value={value} onKind={setKind} onValue={setValue} />
      <button type="submit" className="btn btn-primary" disabled={!subject || busy}>
        {busy ? 'Searching…' : 'Find everything'}
      </button>
      {error && (
        <div className="banner banner-error" role="alert">
          {error}
        </div>
      )}
      {result && <ExportResult x={result} />}
    </form>
  );
}

function ErasureResult(props: { r: Erasure }): ReactNode {
  const { r } = props;
  return (
    <section aria-label="Erasure result">
      <p role="status" className="banner">
        Erased. Request {r.requestId} is in the audit log, without the erased value.
      </p>
      <table className="table" aria-label="Erased records per kind">
        <thead>
          <tr>
            <th scope="col">Kind</th>
            <th scope="col">Erased</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(r.erased).map(([k, n]) => (
            <tr key={k}>
              <td>{k}</td>
              <td className="mono">{n.toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {r.held.length === 0 ? (
        <p className="muted small">No record was under legal hold.</p>
      ) : (
        <table className="table" aria-label="Records kept under legal hold">
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Id</th>
              <th scope="col">Why it is kept</th>
            </tr>
          </thead>
          <tbody>
            {r.held.map((h) => (
              <tr key={`${h.kind}:${h.tenant}:${h.id}`}>
                <td>{h.kind}</td>
                <td className="mono small">{h.id}</td>
                <td>{h.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Erasure (Art. 17), for admins: a confirmation step first, since nothing brings the data back. */
export function SubjectErasure(): ReactNode {
  const [kind, setKind] = useState<SubjectKind>('user');
  const [value, setValue] = useState('');
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [result, setResult] = useState<Erasure | undefined>(undefined);
  const subject = subjectOf(kind, value);
  const ask = (e: FormEvent): void => {
    e.preventDefault();
    setResult(undefined);
    setError('');
    if (subject) setConfirming(true);
  };
  const erase = (): void => {
    if (!subject) return;
    setBusy(true);
    privacyApi
      .erase(subject, reason.trim())
      .then((r) => {
        setResult(r);
        setValue('');
        setReason('');
      })
      .catch((err: unknown) => setError(message(err)))
      .finally(() => {
        setBusy(false);
        setConfirming(false);
      });
  };
  return (
    <form className="card" aria-label="Erasure request" onSubmit={ask}>
      <h2 className="subhead">Erasure (Art. 17)</h2>
      <p className="muted small">
        Redacts the subject&apos;s values from events (compressed blocks and term index), alerts, incidents, closed
        cases, observables, CTI objects and assets of this tenant. Open cases, incidents reported under NIS2 and the
        audit log are kept under legal hold and listed.
      </p>
      <SubjectFields
        kind={kind}
        value={value}
        onKind={(k) => {
          setKind(k);
          setConfirming(false);
        }}
        onValue={(v) => {
          setValue(v);
          setConfirming(false);
        }}
      />
      <label className="field">
        <span>Reason (recorded without the value)</span>
        <input value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      {!confirming && (
        <button type="submit" className="btn btn-danger" disabled={!subject || busy}>
          Erase…
        </button>
      )}
      {confirming && subject && (
        <div className="banner banner-error" role="alertdialog" aria-label="Confirm erasure">
          <p>
            Erase every value of <span className="mono">{subject}</span> from this tenant? This is irreversible: the
            data cannot be restored.
          </p>
          <button type="button" className="btn btn-danger" disabled={busy} onClick={erase}>
            {busy ? 'Erasing…' : 'Erase irreversibly'}
          </button>{' '}
          <button type="button" className="btn btn-ghost" disabled={busy} onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      )}
      {error && (
        <div className="banner banner-error" role="alert">
          {error}
        </div>
      )}
      {result && <ErasureResult r={result} />}
    </form>
  );
}
