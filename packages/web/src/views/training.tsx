/**
 * @module
 * Training: the runs the caller may follow (an instructor's whole tenant, a trainee's own) with
 * their scores, and a run played level by level: the level's text in the trainee's names, an
 * answer box (a text area for hands-on tasks), hints at their penalty and the solution (a
 * penalised one scores the level 0). The runs list and the instructor's panel refresh every 5 s,
 * so an instructor follows the trainees live. Instructors also see the run's timings, answer key and the
 * trainee's sign-in (`training-instructor.tsx`); `/training/competence/<trainee>` is the
 * competence map; `/training/new` builds an exercise (`training-builder.tsx`).
 */
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { training, type TrainingLevel } from '../api/training';
import { Link } from '../app/router';
import { useAsync } from '../app/use-async';
import type { ViewProps } from '../app/view-types';
import { Async, Empty } from '../components/states';
import { formatTime } from '../lib/format';
import { useSession } from '../app/session';
import { CompetenceView, InstructorPanel } from './training-instructor';
import { ExerciseBuilder } from './training-builder';

const INSTRUCTOR_ROLES: readonly string[] = ['admin', 'instructor'];

function LevelCard(props: { run: string; level: TrainingLevel; onChange: () => void }): ReactNode {
  const { run, level } = props;
  const [answer, setAnswer] = useState('');
  const [message, setMessage] = useState<string | undefined>();
  const [extra, setExtra] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const act = async (fn: () => Promise<string>): Promise<void> => {
    setBusy(true);
    try {
      setMessage(await fn());
      props.onChange();
    } catch (err) {
      setMessage((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    void act(async () => {
      const r = await training.answer(run, level.id, answer);
      if (r.solution !== undefined) setExtra((x) => [...x, `Solution: ${r.solution ?? ''}`]);
      return r.correct
        ? `Correct: ${r.score} of ${r.max} points.`
        : `Not right${r.note ? ` (${r.note})` : ''}${r.remaining !== null ? `; ${r.remaining} wrong answers left before the solution shows` : ''}.`;
    });
  };
  return (
    <section className="panel" aria-label={`Level ${level.id}: ${level.title}`}>
      <h2>
        {level.id}. {level.title}{' '}
        <small>
          ({level.type}
          {level.max > 0 ? `, ${level.score}/${level.max}` : ''})
        </small>
      </h2>
      {level.content && <p style={{ whiteSpace: 'pre-wrap' }}>{level.content}</p>}
      {level.options && (
        <ol type="A">
          {level.options.map((o) => (
            <li key={o}>{o}</li>
          ))}
        </ol>
      )}
      {level.solved ? (
        <p role="status">Solved: {level.score} points.</p>
      ) : (
        <form onSubmit={submit}>
          {level.type === 'task' ? (
            // Hands-on: a Sigma rule is pasted here; other tasks are checked on what was done in the tool.
            <label>
              Answer (a case number, or a Sigma rule; may stay empty){' '}
              <textarea
                rows={6}
                cols={60}
                value={answer}
                onChange={(e) => setAnswer(e.target.value)}
                aria-label={`Answer to level ${level.id}`}
              />
            </label>
          ) : (
            level.type !== 'info' && (
              <label>
                Answer{' '}
                <input
                  value={answer}
                  onChange={(e) => setAnswer(e.target.value)}
                  aria-label={`Answer to level ${level.id}`}
                />
              </label>
            )
          )}{' '}
          <button type="submit" disabled={busy}>
            {level.type === 'info' ? 'Done' : 'Submit'}
          </button>{' '}
          {level.hints > level.hintsTaken && (
            <button
              type="button"
              disabled={busy}
              onClick={() =>
                void act(async () => {
                  const h = await training.hint(run, level.id);
                  setExtra((x) => [...x, `Hint ${h.hint} (−${h.penalty}): ${h.content}`]);
                  return `Hint taken: −${h.penalty} points.`;
                })
              }
            >
              Take a hint
            </button>
          )}{' '}
          {level.max > 0 && (
            <button
              type="button"
              disabled={busy}
              onClick={() =>
                void act(async () => {
                  const s = await training.solution(run, level.id);
                  setExtra((x) => [...x, `Solution: ${s.solution}`]);
                  return s.penalized ? 'Solution shown: this level now scores 0.' : 'Solution shown.';
                })
              }
            >
              Show the solution
            </button>
          )}
        </form>
      )}
      {message && <p role="status">{message}</p>}
      {extra.map((x) => (
        <p key={x} style={{ whiteSpace: 'pre-wrap' }}>
          {x}
        </p>
      ))}
    </section>
  );
}

function RunView(props: { run: string }): ReactNode {
  const state = useAsync((signal) => training.run(props.run, signal), [props.run]);
  const { me } = useSession();
  const instructor = me?.roles.some((r) => INSTRUCTOR_ROLES.includes(r)) === true;
  return (
    <Async state={state} label="Loading the run">
      {(r) => (
        <>
          <h1>{r.title}</h1>
          <p>
            Score {r.score} of {r.max}. Your data is in training tenant <code>{r.tenant}</code>.
          </p>
          {instructor && <InstructorPanel run={r.run} />}
          {r.levels.map((l) => (
            <LevelCard key={l.id} run={r.run} level={l} onChange={() => state.reload(true)} />
          ))}
        </>
      )}
    </Async>
  );
}

/** The training view. */
export default function TrainingView(props: ViewProps): ReactNode {
  const run = props.params[0];
  const state = useAsync((signal) => training.runs(signal), []);
  const { me } = useSession();
  // The runs list follows the trainees live (scores, levels solved, hints) while it is shown.
  const { reload } = state;
  useEffect(() => {
    if (run) return undefined;
    const t = window.setInterval(() => reload(true), 5000);
    return () => window.clearInterval(t);
  }, [reload, run]);
  if (run === 'competence' && props.params[1]) return <CompetenceView trainee={props.params[1]} />;
  if (run === 'new') return <ExerciseBuilder />;
  if (run) return <RunView run={run} />;
  return (
    <>
      <h1>Training</h1>
      {me?.roles.some((r) => INSTRUCTOR_ROLES.includes(r)) && (
        <p>
          <Link to="/training/new">Build an exercise</Link>
        </p>
      )}
      {me?.roles.includes('trainee') && (
        <p>
          <Link to={`/training/competence/${encodeURIComponent(me.user)}`}>My competence map</Link>
        </p>
      )}
      <Async state={state} label="Loading training runs">
        {(d) =>
          d.items.length === 0 ? (
            <Empty title="No training runs">An instructor starts runs with intersoc training start.</Empty>
          ) : (
            <table aria-label="Training runs">
              <thead>
                <tr>
                  <th>Exercise</th>
                  <th>Trainee</th>
                  <th>Started</th>
                  <th>Score</th>
                  <th>Levels solved</th>
                  <th>Hints</th>
                </tr>
              </thead>
              <tbody>
                {d.items.map((r) => (
                  <tr key={r.id}>
                    <td>
                      <Link to={`/training/${encodeURIComponent(r.id)}`}>{r.title}</Link>
                    </td>
                    <td>
                      <Link to={`/training/competence/${encodeURIComponent(r.trainee)}`}>{r.trainee}</Link>
                    </td>
                    <td>{formatTime(r.started)}</td>
                    <td>
                      {r.score} / {r.max}
                    </td>
                    <td>
                      {r.solved} / {r.levels}
                    </td>
                    <td>{r.hints}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Async>
    </>
  );
}
