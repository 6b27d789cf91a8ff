/**
 * @module
 * The instructor's exercise builder (`/training/new`): a scenario (the attack simulator's seed and
 * hours, or none), levels in order (information, question and answer, "find it" marks checked
 * against the scenario's ground truth, hands-on tasks), each editable, moved or removed, then saved
 * through the same import route the CLI uses, which validates it. A saved exercise can be started
 * for a trainee at once. An existing exercise loads as a draft, so editing one saves a new version.
 */
import { useState, type ReactNode } from 'react';
import { training } from '../api/training';
import { Link } from '../app/router';
import { useAsync } from '../app/use-async';
import { Async } from '../components/states';

const TYPES = ['info', 'question', 'find', 'task'] as const;
type DraftType = (typeof TYPES)[number];
const KINDS = ['text', 'exact', 'host', 'user', 'ip', 'hash', 'technique', 'number'] as const;
const TARGETS = ['first-host', 'initial-technique', 'attack-hosts', 'attack-users', 'attack-alerts', 'false-positives'];
const CHECKS = ['sigma-rule', 'case-from-incident', 'playbook-run'] as const;

/** A level as the form holds it: every field a string, whatever the type uses. */
interface Draft {
  type: DraftType;
  title: string;
  content: string;
  max: string;
  kind: string;
  answers: string;
  target: string;
  check: string;
  playbook: string;
  techniques: string;
  solution: string;
  hintTitle: string;
  hintContent: string;
  hintPenalty: string;
}

const blank = (type: DraftType): Draft => ({
  type,
  title: '',
  content: '',
  max: type === 'info' ? '0' : '10',
  kind: 'text',
  answers: '',
  target: 'first-host',
  check: 'sigma-rule',
  playbook: '',
  techniques: '',
  solution: '',
  hintTitle: '',
  hintContent: '',
  hintPenalty: '0',
});

const list = (s: string): string[] =>
  s
    .split(/[,\n]/)
    .map((x) => x.trim())
    .filter((x) => x !== '');

/** A draft level as the exercise format has it. */
function levelOf(d: Draft): Record<string, unknown> {
  const base = { type: d.type, title: d.title.trim(), content: d.content };
  if (d.type === 'info') return base;
  const hints =
    d.hintTitle.trim() === ''
      ? []
      : [{ title: d.hintTitle.trim(), content: d.hintContent, hint_penalty: Number(d.hintPenalty) || 0 }];
  const scored = {
    ...base,
    max_score: Number(d.max) || 0,
    hints,
    solution: d.solution,
    techniques: list(d.techniques),
  };
  if (d.type === 'question') return { ...scored, answer_kind: d.kind, answers: list(d.answers) };
  if (d.type === 'find') return { ...scored, target: d.target };
  return { ...scored, check: d.check, ...(d.check === 'playbook-run' ? { playbook: d.playbook.trim() } : {}) };
}

/** A stored level as a draft (types the builder does not edit become information levels' text). */
function draftOf(l: Record<string, unknown>): Draft {
  const type = (TYPES as readonly string[]).includes(String(l['type'])) ? (l['type'] as DraftType) : 'info';
  const s = (k: string): string => (typeof l[k] === 'string' ? (l[k] as string) : '');
  const hint = (Array.isArray(l['hints']) ? l['hints'][0] : undefined) as Record<string, unknown> | undefined;
  return {
    ...blank(type),
    title: s('title'),
    content: s('content'),
    max: String(l['max_score'] ?? 0),
    kind: s('answer_kind') || 'text',
    answers: Array.isArray(l['answers']) ? (l['answers'] as string[]).join(', ') : '',
    target: s('target') || 'first-host',
    check: s('check') || 'sigma-rule',
    playbook: s('playbook'),
    techniques: Array.isArray(l['techniques']) ? (l['techniques'] as string[]).join(', ') : '',
    solution: s('solution'),
    hintTitle: typeof hint?.['title'] === 'string' ? hint['title'] : '',
    hintContent: typeof hint?.['content'] === 'string' ? hint['content'] : '',
    hintPenalty: String(hint?.['hint_penalty'] ?? 0),
  };
}

function Field(props: { label: string; value: string; onChange: (v: string) => void; area?: boolean }): ReactNode {
  return (
    <label style={{ display: 'block' }}>
      {props.label}{' '}
      {props.area ? (
        <textarea
          aria-label={props.label}
          rows={3}
          cols={60}
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
        />
      ) : (
        <input aria-label={props.label} value={props.value} onChange={(e) => props.onChange(e.target.value)} />
      )}
    </label>
  );
}

function Choice(props: {
  label: string;
  value: string;
  options: readonly string[];
  onChange: (v: string) => void;
}): ReactNode {
  return (
    <label style={{ display: 'block' }}>
      {props.label}{' '}
      <select aria-label={props.label} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {props.options.map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
    </label>
  );
}

function LevelEditor(props: {
  n: number;
  d: Draft;
  set: (d: Draft) => void;
  move: (by: number) => void;
  remove: () => void;
}): ReactNode {
  const { d, n } = props;
  const on = (k: keyof Draft) => (v: string) => props.set({ ...d, [k]: v });
  return (
    <fieldset aria-label={`Level ${n}`} className="panel">
      <legend>
        Level {n} ({d.type})
      </legend>
      <Choice label="Type" value={d.type} options={TYPES} onChange={(v) => props.set({ ...d, type: v as DraftType })} />
      <Field label="Title" value={d.title} onChange={on('title')} />
      <Field label="Text" value={d.content} onChange={on('content')} area />
      {d.type !== 'info' && (
        <>
          <Field label="Maximum score" value={d.max} onChange={on('max')} />
          {d.type === 'question' && (
            <>
              <Choice label="Answer kind" value={d.kind} options={KINDS} onChange={on('kind')} />
              <Field label="Accepted answers (comma-separated)" value={d.answers} onChange={on('answers')} />
            </>
          )}
          {d.type === 'find' && <Choice label="Find" value={d.target} options={TARGETS} onChange={on('target')} />}
          {d.type === 'task' && (
            <>
              <Choice label="Check" value={d.check} options={CHECKS} onChange={on('check')} />
              {d.check === 'playbook-run' && <Field label="Playbook" value={d.playbook} onChange={on('playbook')} />}
            </>
          )}
          <Field label="Techniques trained (comma-separated)" value={d.techniques} onChange={on('techniques')} />
          <Field label="Solution" value={d.solution} onChange={on('solution')} />
          <Field label="Hint title" value={d.hintTitle} onChange={on('hintTitle')} />
          <Field label="Hint text" value={d.hintContent} onChange={on('hintContent')} />
          <Field label="Hint penalty" value={d.hintPenalty} onChange={on('hintPenalty')} />
        </>
      )}
      <button type="button" onClick={() => props.move(-1)}>
        Move up
      </button>{' '}
      <button type="button" onClick={() => props.move(1)}>
        Move down
      </button>{' '}
      <button type="button" onClick={props.remove}>
        Remove level {n}
      </button>
    </fieldset>
  );
}

/** The exercise builder. */
export function ExerciseBuilder(): ReactNode {
  const existing = useAsync((signal) => training.exercises(signal), []);
  const [title, setTitle] = useState('');
  const [simulated, setSimulated] = useState(true);
  const [seed, setSeed] = useState('1');
  const [hours, setHours] = useState('1');
  const [levels, setLevels] = useState<Draft[]>([]);
  const [adding, setAdding] = useState<DraftType>('question');
  const [message, setMessage] = useState<string | undefined>();
  const [saved, setSaved] = useState<string | undefined>();
  const [trainee, setTrainee] = useState('');
  const [started, setStarted] = useState<{ run: string; tenant: string } | undefined>();
  const fail = (err: unknown): void => setMessage((err as Error).message);

  const load = (id: string): void => {
    if (!id) return;
    training
      .exercise(id)
      .then((doc) => {
        setTitle(String(doc['title'] ?? ''));
        const sc = doc['scenario'] as Record<string, unknown> | undefined;
        setSimulated(sc?.['kind'] === 'simulator');
        if (sc?.['kind'] === 'simulator') {
          setSeed(String(sc['seed']));
          setHours(String(sc['hours']));
        }
        setLevels(((doc['levels'] ?? []) as Record<string, unknown>[]).map(draftOf));
        setMessage(`Loaded "${String(doc['title'])}": saving makes a new exercise.`);
      })
      .catch(fail);
  };
  const move = (i: number, by: number): void => {
    const j = i + by;
    if (j < 0 || j >= levels.length) return;
    const next = [...levels];
    [next[i], next[j]] = [next[j] as Draft, next[i] as Draft];
    setLevels(next);
  };
  const save = (): void => {
    const doc = {
      format: 'intersoc-exercise/1',
      title: title.trim(),
      ...(simulated ? { scenario: { kind: 'simulator', seed: Number(seed), hours: Number(hours) } } : {}),
      levels: levels.map(levelOf),
    };
    setMessage(undefined);
    training
      .saveExercise(doc)
      .then((r) => {
        setSaved(r.id);
        setMessage(`Saved ${r.title}: ${r.levels} levels.${r.notes.length ? ` ${r.notes.join(' ')}` : ''}`);
      })
      .catch(fail);
  };
  const start = (): void => {
    if (!saved) return;
    training
      .start(saved, trainee.trim())
      .then((r) => setStarted(r))
      .catch(fail);
  };

  return (
    <>
      <h1>Build an exercise</h1>
      <p>
        <Link to="/training">Back to the runs</Link>. An exercise from a closed incident is made with{' '}
        <code>intersoc training from-incident</code> and can then be loaded here.
      </p>
      <Async state={existing} label="Loading exercises">
        {(d) => (
          <Choice
            label="Start from an existing exercise"
            value=""
            options={['', ...d.items.map((x) => x.id)]}
            onChange={load}
          />
        )}
      </Async>
      <section className="panel" aria-label="Scenario">
        <Field label="Exercise title" value={title} onChange={setTitle} />
        <label style={{ display: 'block' }}>
          <input type="checkbox" checked={simulated} onChange={(e) => setSimulated(e.target.checked)} /> Replay the
          attack simulator
        </label>
        {simulated && (
          <>
            <Field label="Simulator seed" value={seed} onChange={setSeed} />
            <Field label="Hours of telemetry" value={hours} onChange={setHours} />
          </>
        )}
      </section>
      {levels.map((d, i) => (
        <LevelEditor
          key={i}
          n={i + 1}
          d={d}
          set={(x) => setLevels(levels.map((y, k) => (k === i ? x : y)))}
          move={(by) => move(i, by)}
          remove={() => setLevels(levels.filter((_, k) => k !== i))}
        />
      ))}
      <p>
        <Choice label="New level type" value={adding} options={TYPES} onChange={(v) => setAdding(v as DraftType)} />
        <button type="button" onClick={() => setLevels([...levels, blank(adding)])}>
          Add a level
        </button>{' '}
        <button type="button" onClick={save} disabled={levels.length === 0 || title.trim() === ''}>
          Save the exercise
        </button>
      </p>
      {message && <p role="status">{message}</p>}
      {saved && (
        <section className="panel" aria-label="Start a run">
          <Field label="Trainee" value={trainee} onChange={setTrainee} />
          <button type="button" onClick={start} disabled={trainee.trim() === ''}>
            Start a run
          </button>
          {started && (
            <p role="status">
              Started in tenant <code>{started.tenant}</code>:{' '}
              <Link to={`/training/${encodeURIComponent(started.run)}`}>open the run</Link>
            </p>
          )}
        </section>
      )}
    </>
  );
}
