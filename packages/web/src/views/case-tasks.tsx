/**
 * @module
 * The tasks of a case: add one (with a phase and an assignee), assign it, mark it done, put the
 * list in order (Move up / Move down buttons for the keyboard, drag and drop for the mouse), and
 * keep each task's work log. Viewers see the list and the logs read-only.
 */
import { useEffect, useState, type DragEvent, type FormEvent, type ReactNode } from 'react';
import { caseTasks, type TaskLog } from '../api/case-work';
import type { CaseTask } from '../api/incidents';
import { useSession } from '../app/session';
import { useAsync } from '../app/use-async';
import { Async } from '../components/states';
import { formatTime } from '../lib/format';
import '../styles/cases.css';

/** Phases of the built-in templates, in incident-response order. */
const GROUPS = ['triage', 'containment', 'eradication', 'recovery', 'reporting'] as const;

/** `list` with the item at `from` moved to `to`. */
export function moved<T>(list: readonly T[], from: number, to: number): T[] {
  const out = [...list];
  const [item] = out.splice(from, 1);
  if (item !== undefined) out.splice(Math.max(0, Math.min(to, out.length)), 0, item);
  return out;
}

type Act = (f: () => Promise<unknown>) => void;

function Logs(props: { caseId: string; task: CaseTask; canWrite: boolean; act: Act }): ReactNode {
  const { caseId, task } = props;
  const state = useAsync((signal) => caseTasks.logs(caseId, task.id, signal), [caseId, task.id]);
  const [text, setText] = useState('');
  const add = (e: FormEvent): void => {
    e.preventDefault();
    props.act(() =>
      caseTasks.addLog(caseId, task.id, text).then(() => {
        setText('');
        state.reload(true);
      }),
    );
  };
  return (
    <div className="task-logs" role="region" aria-label={`Log of ${task.title}`}>
      <Async state={state} label="Loading the log…">
        {(page) =>
          page.items.length === 0 ? (
            <p className="muted small">No log entries yet.</p>
          ) : (
            <ol className="plain" aria-label={`Log entries of ${task.title}`}>
              {page.items.map((l: TaskLog) => (
                <li key={l.id}>
                  <span className="muted small">
                    {l.author}, {formatTime(l.created)}
                  </span>
                  <div className="wrap">{l.text}</div>
                </li>
              ))}
            </ol>
          )
        }
      </Async>
      {props.canWrite && (
        <form className="toolbar" onSubmit={add} aria-label={`Add to the log of ${task.title}`}>
          <label className="field field-grow">
            <span>Log entry</span>
            <input value={text} onChange={(e) => setText(e.target.value)} placeholder="What was done or found" />
          </label>
          <button type="submit" className="btn" disabled={text.trim() === ''}>
            Add log entry
          </button>
        </form>
      )}
    </div>
  );
}

function TaskRow(props: {
  caseId: string;
  task: CaseTask;
  index: number;
  count: number;
  canWrite: boolean;
  act: Act;
  move: (from: number, to: number) => void;
  drag: { from: number | undefined; setFrom: (i: number | undefined) => void };
}): ReactNode {
  const { task: t, index, canWrite, act, caseId } = props;
  const [assignee, setAssignee] = useState(t.assignee ?? '');
  const [open, setOpen] = useState(false);
  const assign = (who: string): void => {
    const next = who.trim();
    act(() => caseTasks.update(caseId, t.id, { assignee: next === '' ? null : next }));
  };
  const dragProps = canWrite
    ? {
        draggable: true,
        onDragStart: (e: DragEvent) => {
          e.dataTransfer.effectAllowed = 'move';
          props.drag.setFrom(index);
        },
        onDragOver: (e: DragEvent) => e.preventDefault(),
        onDrop: (e: DragEvent) => {
          e.preventDefault();
          const from = props.drag.from;
          props.drag.setFrom(undefined);
          if (from !== undefined && from !== index) props.move(from, index);
        },
      }
    : {};
  return (
    <li className={`task-row task-${t.status}`} aria-label={t.title} {...dragProps}>
      <label className="task-name">
        <input
          type="checkbox"
          checked={t.status === 'done'}
          disabled={!canWrite}
          onChange={(e) => act(() => caseTasks.update(caseId, t.id, { status: e.target.checked ? 'done' : 'todo' }))}
          aria-label={`Done: ${t.title}`}
        />
        <span className="muted small">{t.group}</span> <span className="task-title">{t.title}</span>
      </label>
      {canWrite ? (
        <form
          className="task-assign"
          aria-label={`Assign ${t.title}`}
          onSubmit={(e) => {
            e.preventDefault();
            assign(assignee);
          }}
        >
          <input
            value={assignee}
            onChange={(e) => setAssignee(e.target.value)}
            aria-label={`Assignee of ${t.title}`}
            placeholder="unassigned"
            list="case-people"
            size={12}
          />
          <button type="submit" className="btn btn-ghost" disabled={assignee.trim() === (t.assignee ?? '')}>
            Assign
          </button>
        </form>
      ) : (
        <span className="muted small">{t.assignee ? `assigned to ${t.assignee}` : 'unassigned'}</span>
      )}
      <span className="task-actions">
        {canWrite && (
          <>
            <button
              type="button"
              className="btn btn-ghost"
              aria-label={`Move ${t.title} up`}
              data-move={`${t.id}:up`}
              disabled={index === 0}
              onClick={() => props.move(index, index - 1)}
            >
              ↑
            </button>
            <button
              type="button"
              className="btn btn-ghost"
              aria-label={`Move ${t.title} down`}
              data-move={`${t.id}:down`}
              disabled={index === props.count - 1}
              onClick={() => props.move(index, index + 1)}
            >
              ↓
            </button>
          </>
        )}
        <button type="button" className="btn btn-ghost" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? 'Hide log' : 'Log'}
          <span className="sr-only"> of {t.title}</span>
        </button>
      </span>
      {open && <Logs caseId={caseId} task={t} canWrite={canWrite} act={act} />}
    </li>
  );
}

/** The tasks panel of a case. */
export function CaseTasks(props: { caseId: string; tasks: readonly CaseTask[]; act: Act }): ReactNode {
  const { canWrite } = useSession();
  const { caseId, act } = props;
  const [title, setTitle] = useState('');
  const [group, setGroup] = useState<string>('triage');
  const [assignee, setAssignee] = useState('');
  const [dragFrom, setDragFrom] = useState<number | undefined>(undefined);
  const [status, setStatus] = useState('');
  const [refocus, setRefocus] = useState<{ id: string; dir: 'up' | 'down'; at: number } | undefined>(undefined);
  // Moving a row re-renders the list; once the task is where it was moved, the keyboard user gets
  // the focus back on its move button (the other one when that end of the list is reached).
  useEffect(() => {
    if (refocus === undefined || props.tasks[refocus.at]?.id !== refocus.id) return;
    setRefocus(undefined);
    const other = refocus.dir === 'up' ? 'down' : 'up';
    const button = [refocus.dir, other]
      .map((d) => document.querySelector<HTMLButtonElement>(`[data-move="${CSS.escape(`${refocus.id}:${d}`)}"]`))
      .find((b) => b !== null && !b.disabled);
    button?.focus();
  }, [props.tasks, refocus]);
  const move = (from: number, to: number): void => {
    if (to < 0 || to >= props.tasks.length) return;
    const order = moved(props.tasks, from, to);
    const t = props.tasks[from];
    if (t) setRefocus({ id: t.id, dir: to < from ? 'up' : 'down', at: to });
    act(() =>
      caseTasks.reorder(
        caseId,
        order.map((t) => t.id),
      ),
    );
    // Said aloud, so a keyboard user knows where the task went.
    setStatus(`${props.tasks[from]?.title ?? 'Task'} moved to position ${to + 1} of ${order.length}`);
  };
  const add = (e: FormEvent): void => {
    e.preventDefault();
    const who = assignee.trim();
    act(() =>
      caseTasks.add(caseId, { title: title.trim(), group, ...(who ? { assignee: who } : {}) }).then(() => {
        setTitle('');
        setAssignee('');
      }),
    );
  };
  const done = props.tasks.filter((t) => t.status === 'done').length;
  return (
    <section className="panel" aria-label="Tasks">
      <h2 className="panel-title">
        Tasks{' '}
        <span className="muted small">
          {done} of {props.tasks.length} done
        </span>
      </h2>
      <p className="sr-only" role="status" aria-live="polite">
        {status}
      </p>
      {props.tasks.length === 0 && <p className="muted">No tasks yet.</p>}
      <ol className="plain task-list" aria-label="Task list">
        {props.tasks.map((t, i) => (
          <TaskRow
            key={`${t.id}:${t.assignee ?? ''}`}
            caseId={caseId}
            task={t}
            index={i}
            count={props.tasks.length}
            canWrite={canWrite}
            act={act}
            move={move}
            drag={{ from: dragFrom, setFrom: setDragFrom }}
          />
        ))}
      </ol>
      {canWrite && (
        <form className="toolbar" onSubmit={add} aria-label="Add a task">
          <label className="field field-grow">
            <span>New task</span>
            <input value={title} onChange={(e) => setTitle(e.target.value)} placeholder="What needs doing" />
          </label>
          <label className="field">
            <span>Phase</span>
            <select value={group} onChange={(e) => setGroup(e.target.value)}>
              {GROUPS.map((g) => (
                <option key={g}>{g}</option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Assign to</span>
            <input value={assignee} onChange={(e) => setAssignee(e.target.value)} list="case-people" size={14} />
          </label>
          <button type="submit" className="btn" disabled={title.trim() === ''}>
            Add task
          </button>
        </form>
      )}
    </section>
  );
}
