/**
 * @module
 * The editable properties of a case: its assignee, severity, TLP, PAP and the moment the SOC
 * became aware (where NIS2 deadlines count from). One form sends only what changed, so the
 * history and the timeline name exactly those fields.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { cases, type Case } from '../api/incidents';
import { SEVERITIES } from '../api/types';
import { useSession } from '../app/session';

const TLPS = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const;
const PAPS = ['clear', 'green', 'amber', 'red'] as const;

const pad = (n: number): string => String(n).padStart(2, '0');

/** Epoch ms as the value of a `datetime-local` input (local time, to the minute). */
export function toLocalInput(ms: number | undefined): string {
  if (ms === undefined) return '';
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The changed fields of the form, as a case update. */
export function casePatch(
  c: Case,
  f: { assignee: string; severity: string; tlp: string; pap: string; awareAt: string },
): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  const who = f.assignee.trim();
  if (who !== (c.assignee ?? '')) patch['assignee'] = who === '' ? null : who;
  if (f.severity !== c.severity) patch['severity'] = f.severity;
  if (f.tlp !== c.tlp) patch['tlp'] = f.tlp;
  if (f.pap !== c.pap) patch['pap'] = f.pap;
  if (f.awareAt !== toLocalInput(c.awareAt) && f.awareAt !== '') {
    const t = new Date(f.awareAt).getTime();
    if (!Number.isNaN(t)) patch['awareAt'] = t;
  }
  return patch;
}

/** The properties form; `act` runs the update and reloads the case. */
export function CaseFields(props: { c: Case; act: (f: () => Promise<unknown>) => void }): ReactNode {
  const { c } = props;
  const { me } = useSession();
  const [f, setF] = useState({
    assignee: c.assignee ?? '',
    severity: c.severity as string,
    tlp: c.tlp,
    pap: c.pap,
    awareAt: toLocalInput(c.awareAt),
  });
  const patch = casePatch(c, f);
  const save = (e: FormEvent): void => {
    e.preventDefault();
    props.act(() => cases.update(c.id, patch));
  };
  return (
    <form className="panel case-fields" onSubmit={save} aria-label="Case properties">
      <h2 className="panel-title">Properties</h2>
      <div className="toolbar">
        <label className="field">
          <span>Assignee</span>
          <input
            value={f.assignee}
            onChange={(e) => setF({ ...f, assignee: e.target.value })}
            list="case-people"
            placeholder="unassigned"
            size={16}
          />
        </label>
        {me && f.assignee !== me.user && (
          <button type="button" className="btn btn-ghost" onClick={() => setF({ ...f, assignee: me.user })}>
            Assign to me
          </button>
        )}
        <label className="field">
          <span>Severity</span>
          <select value={f.severity} onChange={(e) => setF({ ...f, severity: e.target.value })}>
            {SEVERITIES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>TLP</span>
          <select value={f.tlp} onChange={(e) => setF({ ...f, tlp: e.target.value })}>
            {TLPS.map((s) => (
              <option key={s} value={s}>
                {s.toUpperCase()}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>PAP</span>
          <select value={f.pap} onChange={(e) => setF({ ...f, pap: e.target.value })}>
            {PAPS.map((s) => (
              <option key={s} value={s}>
                {s.toUpperCase()}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Aware at</span>
          <input type="datetime-local" value={f.awareAt} onChange={(e) => setF({ ...f, awareAt: e.target.value })} />
        </label>
        <button type="submit" className="btn btn-primary" disabled={Object.keys(patch).length === 0}>
          Save changes
        </button>
      </div>
    </form>
  );
}
