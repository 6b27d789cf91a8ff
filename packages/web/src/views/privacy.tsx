/**
 * @module
 * Privacy: re-identification of a pseudonym for a case with a reason, the requests waiting for a
 * second person (four eyes) with approve and deny, the caller's own requests with the value once
 * approved, and the data protection officer's log of every re-identification. The pseudonym comes
 * from the address (`/privacy?pseudonym=user-7f3a09bc`), which the selection helper of the shell
 * opens from any view. Further tabs, each shown to the roles the API serves: data-subject requests
 * (access for admins and the DPO, erasure for admins), restriction of processing, and the Art. 30
 * record with the personal-data inventory (`privacy-subjects.tsx`, `privacy-records.tsx`).
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { ApiError } from '../api/client';
import { cases } from '../api/incidents';
import { privacyApi, PSEUDONYM, type Reidentification } from '../api/privacy';
import { useRouter } from '../app/router';
import { useSession } from '../app/session';
import { useAsync } from '../app/use-async';
import type { ViewProps } from '../app/view-types';
import { Async } from '../components/states';
import { formatTime } from '../lib/format';
import { Inventory, ProcessingRecord, Restrictions } from './privacy-records';
import { SubjectAccess, SubjectErasure } from './privacy-subjects';

type Tab = 'reidentify' | 'subjects' | 'restriction' | 'record';

const TAB_LABEL: Record<Tab, string> = {
  reidentify: 'Re-identification',
  subjects: 'Data-subject requests',
  restriction: 'Restriction',
  record: 'Record and inventory',
};

function RequestForm(props: { initial: string; onDone: (r: Reidentification) => void }): ReactNode {
  const [pseudonym, setPseudonym] = useState(props.initial);
  const [caseId, setCaseId] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const list = useAsync((signal) => cases.list({ limit: 200 }, signal), []);
  const ok = PSEUDONYM.test(pseudonym) && caseId !== '' && reason.trim().length >= 10;
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    setBusy(true);
    setError('');
    privacyApi
      .reidentify({ pseudonym: pseudonym.trim(), caseId, reason: reason.trim() })
      .then((r) => {
        setReason('');
        props.onDone(r);
      })
      .catch((err: unknown) => setError(err instanceof ApiError ? err.message : String(err)))
      .finally(() => setBusy(false));
  };
  return (
    <form className="card" aria-label="Re-identify a pseudonym" onSubmit={submit}>
      <h2 className="subhead">Re-identify a pseudonym</h2>
      <p className="muted small">
        The value behind a pseudonym is shown for a case, with a reason. Every request is logged for the data protection
        officer; when the policy requires four eyes, a second person decides first.
      </p>
      <label className="field">
        <span>Pseudonym</span>
        <input className="mono" value={pseudonym} onChange={(e) => setPseudonym(e.target.value)} required />
      </label>
      <label className="field">
        <span>Case</span>
        <select value={caseId} onChange={(e) => setCaseId(e.target.value)} required>
          <option value="">Choose the case…</option>
          {(list.data?.items ?? []).map((c) => (
            <option key={c.id} value={c.id}>
              #{c.number} {c.title}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Reason (at least 10 characters)</span>
        <textarea rows={3} value={reason} onChange={(e) => setReason(e.target.value)} required />
      </label>
      {error && (
        <div className="banner banner-error" role="alert">
          {error}
        </div>
      )}
      <button type="submit" className="btn btn-primary" disabled={!ok || busy}>
        Request re-identification
      </button>
    </form>
  );
}

function RequestRow(props: { r: Reidentification; me: string; onChange: () => void }): ReactNode {
  const { r, me } = props;
  const [value, setValue] = useState<string | undefined>(r.value);
  const [error, setError] = useState('');
  const fail = (err: unknown): void => setError(err instanceof ApiError ? err.message : String(err));
  const decide = (approve: boolean): void => {
    privacyApi
      .decide(r.id, approve)
      .then(() => props.onChange())
      .catch(fail);
  };
  const show = (): void => {
    privacyApi
      .get(r.id)
      .then((x) => setValue(x.value ?? '(not disclosed)'))
      .catch(fail);
  };
  return (
    <tr>
      <td className="mono">{r.pseudonym}</td>
      <td className="mono small">{r.caseId}</td>
      <td>{r.reason}</td>
      <td>{r.requestedBy}</td>
      <td>
        {r.status}
        {r.decidedBy ? ` by ${r.decidedBy}` : ''}
      </td>
      <td>
        {r.status === 'pending' && r.requestedBy !== me && (
          <>
            <button type="button" className="btn btn-primary" onClick={() => decide(true)}>
              Approve
            </button>{' '}
            <button type="button" className="btn btn-ghost" onClick={() => decide(false)}>
              Deny
            </button>
          </>
        )}
        {r.status === 'approved' && r.requestedBy === me && value === undefined && (
          <button type="button" className="btn" onClick={show}>
            Show value
          </button>
        )}
        {value !== undefined && (
          <span className="mono" aria-label={`Value of ${r.pseudonym}`}>
            {value}
          </span>
        )}
        {error && <span className="text-danger small"> {error}</span>}
      </td>
    </tr>
  );
}

function Requests(props: { tick: number; me: string }): ReactNode {
  const [local, setLocal] = useState(0);
  const state = useAsync((signal) => privacyApi.requests(signal), [props.tick, local]);
  return (
    <section className="card" aria-label="Re-identification requests">
      <h2 className="subhead">Requests</h2>
      <Async state={state} label="Loading requests…">
        {(d) =>
          d.items.length === 0 ? (
            <p className="muted small">No requests of yours and none waiting for a decision.</p>
          ) : (
            <table className="table" aria-label="Your requests and those waiting for a second person">
              <thead>
                <tr>
                  <th scope="col">Pseudonym</th>
                  <th scope="col">Case</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Requested by</th>
                  <th scope="col">Status</th>
                  <th scope="col">Action</th>
                </tr>
              </thead>
              <tbody>
                {d.items.map((r) => (
                  <RequestRow key={`${r.id}:${r.status}`} r={r} me={props.me} onChange={() => setLocal((n) => n + 1)} />
                ))}
              </tbody>
            </table>
          )
        }
      </Async>
    </section>
  );
}

function DpoLog(props: { tick: number }): ReactNode {
  const state = useAsync((signal) => privacyApi.log(signal), [props.tick]);
  return (
    <section className="card" aria-label="Re-identification log">
      <h2 className="subhead">Re-identification log (data protection officer)</h2>
      <Async state={state} label="Loading the log…">
        {(d) =>
          d.items.length === 0 ? (
            <p className="muted small">No re-identification yet.</p>
          ) : (
            <table className="table" aria-label="Every re-identification of the tenant">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Pseudonym</th>
                  <th scope="col">Case</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Requested by</th>
                  <th scope="col">Decision</th>
                </tr>
              </thead>
              <tbody>
                {d.items.map((r) => (
                  <tr key={r.id}>
                    <td className="nowrap">{formatTime(r.requested)}</td>
                    <td className="mono">{r.pseudonym}</td>
                    <td className="mono small">{r.caseId}</td>
                    <td>{r.reason}</td>
                    <td>{r.requestedBy}</td>
                    <td>
                      {r.status}
                      {r.decidedBy ? ` by ${r.decidedBy}` : ''}
                    </td>
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

/** Re-identification: the request form, the requests, and the DPO's log. */
function Reidentify(props: { initial: string }): ReactNode {
  const { me, role, canWrite } = useSession();
  const [tick, setTick] = useState(0);
  const [last, setLast] = useState<Reidentification | undefined>(undefined);
  const dpo = role === 'admin' || role === 'dpo';
  return (
    <>
      {canWrite && (
        <RequestForm
          initial={props.initial}
          onDone={(r) => {
            setLast(r);
            setTick((n) => n + 1);
          }}
        />
      )}
      {last && (
        <p role="status" className="banner">
          Request for {last.pseudonym}:{' '}
          {last.status === 'pending' ? 'waiting for a second person to approve it' : last.status}
          {last.value !== undefined ? (
            <>
              {' '}
              — value <span className="mono">{last.value}</span>
            </>
          ) : null}
        </p>
      )}
      {canWrite && <Requests tick={tick} me={me?.user ?? ''} />}
      {dpo && <DpoLog tick={tick} />}
      {!canWrite && !dpo && <p className="muted">Re-identification is for analysts; the log is for the DPO.</p>}
    </>
  );
}

/** The privacy view. */
export default function PrivacyView(_props: ViewProps): ReactNode {
  const { location } = useRouter();
  const { role } = useSession();
  const [tab, setTab] = useState<Tab>('reidentify');
  const admin = role === 'admin';
  const dpo = admin || role === 'dpo';
  // The tabs each role's calls are served on (the API refuses the others anyway).
  const tabs: Tab[] = [
    'reidentify',
    ...(dpo ? (['subjects'] as const) : []),
    ...(role !== 'viewer' ? (['restriction'] as const) : []),
    'record',
  ];
  return (
    <div className="view">
      <div className="view-head">
        <h1>Privacy</h1>
      </div>
      <div className="tabs" role="tablist" aria-label="Privacy">
        {tabs.map((t) => (
          <button key={t} type="button" role="tab" aria-selected={tab === t} className="tab" onClick={() => setTab(t)}>
            {TAB_LABEL[t]}
          </button>
        ))}
      </div>
      {tab === 'reidentify' && <Reidentify initial={location.query.get('pseudonym') ?? ''} />}
      {tab === 'subjects' && dpo && (
        <>
          <SubjectAccess />
          {admin && <SubjectErasure />}
        </>
      )}
      {tab === 'restriction' && <Restrictions admin={admin} />}
      {tab === 'record' && (
        <>
          {dpo && <ProcessingRecord />}
          <Inventory />
        </>
      )}
    </div>
  );
}
