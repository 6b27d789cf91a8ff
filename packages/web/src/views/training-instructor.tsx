/**
 * @module
 * The instructor's side of the Training view: a run's timings and scores per level (hints,
 * attempts, seconds), its answer key (each run's own variant answers and the alerts to mark,
 * never shown to the trainee: the API refuses them the key), the trainee's sign-in to the run's
 * training tenant, and a trainee's competence map over ATT&CK with the next exercise to play.
 */
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { training } from '../api/training';
import { useAsync } from '../app/use-async';
import { Async, Empty } from '../components/states';

const pct = (x: number): string => `${Math.round(x * 100)}%`;

/** Timings, scores and the answer key of one run, with the trainee's sign-in. */
export function InstructorPanel(props: { run: string }): ReactNode {
  const report = useAsync((signal) => training.report(props.run, signal), [props.run]);
  const key = useAsync((signal) => training.key(props.run, signal), [props.run]);
  // Live: the trainee's scores, hints, attempts and times as they play.
  const { reload } = report;
  useEffect(() => {
    const t = window.setInterval(() => reload(true), 5000);
    return () => window.clearInterval(t);
  }, [reload]);
  const [password, setPassword] = useState('');
  const [message, setMessage] = useState<string | undefined>();
  const give = (e: FormEvent): void => {
    e.preventDefault();
    void training
      .access(props.run, password)
      .then((r) => setMessage(`${r.user} signs in to tenant ${r.tenant} with that password.`))
      .catch((err: Error) => setMessage(err.message));
  };
  return (
    <section className="panel" aria-label="Instructor">
      <h2>Instructor</h2>
      <Async state={report} label="Loading the report">
        {(r) => (
          <table aria-label="Timings per level">
            <thead>
              <tr>
                <th>Level</th>
                <th>Score</th>
                <th>Hints</th>
                <th>Attempts</th>
                <th>Wrong</th>
                <th>Solution shown</th>
                <th>Time</th>
              </tr>
            </thead>
            <tbody>
              {r.levels.map((l) => (
                <tr key={l.id}>
                  <td>
                    {l.id}. {l.title}
                  </td>
                  <td>{l.max > 0 ? `${l.score} / ${l.max}` : l.solved ? 'done' : '—'}</td>
                  <td>{l.hints}</td>
                  <td>{l.attempts}</td>
                  <td>{l.wrong}</td>
                  <td>{l.solution_shown ? 'yes' : 'no'}</td>
                  <td>{l.seconds === null ? '—' : `${Math.round(l.seconds)} s`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Async>
      <Async state={key} label="Loading the answer key">
        {(k) => (
          <table aria-label="Answer key">
            <thead>
              <tr>
                <th>Level</th>
                <th>Accepts</th>
              </tr>
            </thead>
            <tbody>
              {k.levels.map((l) => (
                <tr key={l.id}>
                  <td>
                    {l.id}. {l.title}
                  </td>
                  <td>
                    {l.accepts.length > 0 && <code>{l.accepts.join(l.mode === 'set' ? ', ' : ' | ')}</code>}
                    {l.mode === 'set' && l.tolerance !== undefined && l.tolerance < 1 && ` (F1 ≥ ${l.tolerance})`}
                    {l.check && <span> {l.check}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Async>
      <form onSubmit={give}>
        <label>
          Trainee password in the training tenant{' '}
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} minLength={8} />
        </label>{' '}
        <button type="submit" disabled={password.length === 0}>
          Let the trainee sign in
        </button>
      </form>
      {message && <p role="status">{message}</p>}
    </section>
  );
}

/** A trainee's competence map: techniques and tactics found, how reliably, and what to play next. */
export function CompetenceView(props: { trainee: string }): ReactNode {
  const state = useAsync((signal) => training.competence(props.trainee, signal), [props.trainee]);
  return (
    <>
      <h1>Competence of {props.trainee}</h1>
      <Async state={state} label="Loading the competence map">
        {(m) =>
          m.runs === 0 ? (
            <Empty title="No runs yet">The map fills as {props.trainee} plays exercises.</Empty>
          ) : (
            <>
              <p>
                {m.runs} runs played. {m.weakest.length > 0 && <>Weakest tactics: {m.weakest.join(', ')}. </>}
                {m.next && (
                  <>
                    Next exercise: <strong>{m.next.title}</strong> (covers {m.next.covers.join(', ')}).
                  </>
                )}
              </p>
              <table aria-label="Tactics">
                <thead>
                  <tr>
                    <th>Tactic</th>
                    <th>Asked</th>
                    <th>Found</th>
                    <th>Reliability</th>
                  </tr>
                </thead>
                <tbody>
                  {m.tactics.map((t) => (
                    <tr key={t.tactic}>
                      <td>{t.tactic}</td>
                      <td>{t.asked}</td>
                      <td>{t.found}</td>
                      <td>{pct(t.reliability)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <table aria-label="Techniques">
                <thead>
                  <tr>
                    <th>Technique</th>
                    <th>Tactics</th>
                    <th>Asked</th>
                    <th>Found</th>
                    <th>Reliability</th>
                  </tr>
                </thead>
                <tbody>
                  {m.techniques.map((t) => (
                    <tr key={t.id}>
                      <td>
                        {t.id}
                        {t.name ? ` ${t.name}` : ''}
                      </td>
                      <td>{t.tactics.join(', ')}</td>
                      <td>{t.asked}</td>
                      <td>{t.found}</td>
                      <td>{pct(t.reliability)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {m.practice.length > 0 && (
                <p>
                  Atomic Red Team tests to practise:{' '}
                  {m.practice.map((p) => `${p.id} ${p.name} (${p.tests})`).join('; ')}.
                </p>
              )}
            </>
          )
        }
      </Async>
    </>
  );
}
