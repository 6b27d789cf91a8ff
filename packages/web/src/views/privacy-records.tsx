/**
 * @module
 * Restriction of processing (Art. 18) and the records the Privacy view shows: the restricted
 * subjects (analysts and the DPO read them; admins restrict with a reason and lift), the record
 * of processing activities (Art. 30, admins and the DPO; shown as Markdown text, downloadable as
 * Markdown and JSON) and the personal-data inventory in force (categories and legal basis).
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { ApiError } from '../api/client';
import { privacyApi, type SubjectKind } from '../api/privacy';
import { useAsync } from '../app/use-async';
import { Async } from '../components/states';
import { formatTime } from '../lib/format';
import { SubjectFields, subjectOf } from './privacy-subjects';

const message = (err: unknown): string => (err instanceof ApiError ? err.message : String(err));

function RestrictForm(props: { onDone: () => void }): ReactNode {
  const [kind, setKind] = useState<SubjectKind>('user');
  const [value, setValue] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const subject = subjectOf(kind, value);
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (!subject) return;
    setError('');
    privacyApi
      .restrict(subject, reason.trim())
      .then(() => {
        setValue('');
        setReason('');
        props.onDone();
      })
      .catch((err: unknown) => setError(message(err)));
  };
  return (
    <form aria-label="Restrict processing of a subject" onSubmit={submit}>
      <SubjectFields kind={kind} value={value} onKind={setKind} onValue={setValue} />
      <label className="field">
        <span>Reason</span>
        <input value={reason} onChange={(e) => setReason(e.target.value)} required minLength={3} />
      </label>
      <button type="submit" className="btn btn-primary" disabled={!subject || reason.trim().length < 3}>
        Restrict
      </button>
      {error && (
        <div className="banner banner-error" role="alert">
          {error}
        </div>
      )}
    </form>
  );
}

/** Restricted subjects; `admin` may restrict and lift. */
export function Restrictions(props: { admin: boolean }): ReactNode {
  const [tick, setTick] = useState(0);
  const [error, setError] = useState('');
  const state = useAsync((signal) => privacyApi.restrictions(signal), [tick]);
  const lift = (subject: string): void => {
    setError('');
    privacyApi
      .lift(subject)
      .then(() => setTick((n) => n + 1))
      .catch((err: unknown) => setError(message(err)));
  };
  return (
    <section className="card" aria-label="Restriction of processing">
      <h2 className="subhead">Restriction of processing (Art. 18)</h2>
      <p className="muted small">
        New events about a restricted subject are stored, but not shown in any answer nor shared, until the mark is
        lifted.
      </p>
      {props.admin && <RestrictForm onDone={() => setTick((n) => n + 1)} />}
      {error && (
        <div className="banner banner-error" role="alert">
          {error}
        </div>
      )}
      <Async state={state} label="Loading restrictions…">
        {(d) =>
          d.items.length === 0 ? (
            <p className="muted small">No subject is restricted.</p>
          ) : (
            <table className="table" aria-label="Restricted subjects">
              <thead>
                <tr>
                  <th scope="col">Subject</th>
                  <th scope="col">Reason</th>
                  <th scope="col">By</th>
                  <th scope="col">Since</th>
                  {props.admin && <th scope="col">Action</th>}
                </tr>
              </thead>
              <tbody>
                {d.items.map((r) => (
                  <tr key={r.subject}>
                    <td className="mono">{r.subject}</td>
                    <td>{r.reason}</td>
                    <td>{r.createdBy}</td>
                    <td className="nowrap">{formatTime(r.created)}</td>
                    {props.admin && (
                      <td>
                        <button
                          type="button"
                          className="btn btn-ghost"
                          aria-label={`Lift ${r.subject}`}
                          onClick={() => lift(r.subject)}
                        >
                          Lift
                        </button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Async>
    </section>
  );
}

/** The Art. 30 record (admins and the DPO). */
export function ProcessingRecord(): ReactNode {
  const state = useAsync((signal) => privacyApi.recordText(signal), []);
  return (
    <section className="card" aria-label="Record of processing activities">
      <h2 className="subhead">Record of processing activities (Art. 30)</h2>
      <p className="toolbar">
        <a className="btn btn-ghost" href={privacyApi.recordUrl('md')} download="record-of-processing.md">
          Download Markdown
        </a>
        <a className="btn btn-ghost" href={privacyApi.recordUrl('json')} download="record-of-processing.json">
          Download JSON
        </a>
      </p>
      <Async state={state} label="Generating the record…">
        {(text) => (
          <pre className="small" aria-label="Record text">
            {text}
          </pre>
        )}
      </Async>
    </section>
  );
}

/** The personal-data inventory in force for the tenant. */
export function Inventory(): ReactNode {
  const state = useAsync((signal) => privacyApi.inventory(signal), []);
  return (
    <section className="card" aria-label="Personal-data inventory">
      <h2 className="subhead">Personal-data inventory</h2>
      <Async state={state} label="Loading the inventory…">
        {(d) => (
          <table className="table" aria-label="Fields that carry personal data">
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">Kind</th>
                <th scope="col">When</th>
                <th scope="col">Category</th>
                <th scope="col">Legal basis</th>
              </tr>
            </thead>
            <tbody>
              {d.items.map((f) => (
                <tr key={`${f.field}:${f.when}`}>
                  <td className="mono">{f.field}</td>
                  <td>{f.kind}</td>
                  <td>{f.when}</td>
                  <td>{f.category}</td>
                  <td>{f.legalBasis}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Async>
    </section>
  );
}
