/**
 * @module
 * Cascades across sectors: the tenant's dependency graphs, a what-if where the analyst picks
 * entities to fail and watches the cascade unfold over time on the graph (a slider steps through
 * the failure times) with a sector and organisation summary and, on request, Monte Carlo
 * probabilities; what to protect first; the sector model (IIM) with where its matrix comes
 * from; cascade warnings sent to and received from peer SOCs; and importing a graph.
 */
import { useMemo, useState, type ReactNode } from 'react';
import { cascadeApi, type GraphView, type Impact, type WarningRecord } from '../api/cascade';
import { useSession } from '../app/session';
import { useThemeName } from '../app/theme';
import { useAsync } from '../app/use-async';
import type { ViewProps } from '../app/view-types';
import { Graph } from '../components/graph';
import { Async, Empty } from '../components/states';
import { hoursText, moments, statesAt, type CascadeState } from '../lib/cascade';
import { formatTime } from '../lib/format';

/** Most entities drawn on the graph; beyond, the list is the way in. */
const MAX_DRAWN = 400;

const STATE_KIND: Readonly<Record<CascadeState | 'seed', string>> = {
  seed: 'malware',
  failed: 'malware',
  pending: 'attack-pattern',
  alive: 'identity',
};

function WhatIf(props: { name: string; graph: GraphView }): ReactNode {
  const theme = useThemeName();
  const [picked, setPicked] = useState<string[]>([]);
  const [typed, setTyped] = useState('');
  const [runs, setRuns] = useState(0);
  const [impact, setImpact] = useState<Impact | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [stop, setStop] = useState(0);

  const view = impact?.view ?? {
    entities: props.graph.entities,
    dependencies: props.graph.dependencies,
    truncated: props.graph.truncated,
  };
  const times = useMemo(() => (impact ? moments(impact.timeline) : []), [impact]);
  const hours = times[Math.min(stop, times.length - 1)] ?? 0;
  const states = useMemo(
    () => (impact ? statesAt(impact.timeline, hours) : new Map<string, CascadeState>()),
    [impact, hours],
  );
  const drawn = view.entities.slice(0, MAX_DRAWN);
  const ids = useMemo(() => new Set(drawn.map((e) => e.id)), [drawn]);
  const nodes = useMemo(
    () =>
      drawn.map((e) => ({
        id: e.id,
        label: `${e.name ?? e.id}${impact && states.get(e.id) === 'failed' ? ' ✕' : ''}`,
        kind: impact?.seeds.includes(e.id) ? STATE_KIND.seed : STATE_KIND[states.get(e.id) ?? 'alive'],
        focus: picked.includes(e.id),
      })),
    [drawn, states, impact, picked],
  );
  const edges = useMemo(
    () =>
      view.dependencies
        .filter((d) => ids.has(d.source) && ids.has(d.target))
        // Drawn from supplier to dependent: the direction failure travels.
        .map((d) => ({
          source: d.target,
          target: d.source,
          label: `${d.type}${d.ttiHours > 0 ? ` ${d.ttiHours} h` : ''}`,
        })),
    [view, ids],
  );

  const run = (): void => {
    const fail = [
      ...new Set([
        ...picked,
        ...typed
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0),
      ]),
    ];
    if (fail.length === 0) {
      setError('pick entities on the graph or type their ids');
      return;
    }
    setBusy(true);
    setError(undefined);
    cascadeApi
      .whatIf(props.name, fail, runs)
      .then((r) => {
        setImpact(r);
        setStop(0);
      })
      .catch((e: unknown) => setError((e as Error).message))
      .finally(() => setBusy(false));
  };

  return (
    <section className="panel">
      <h2 className="panel-title">What-if</h2>
      <div className="toolbar">
        <label>
          Fail{' '}
          <input
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            placeholder="entity ids, comma-separated"
            aria-label="Entities to fail"
          />
        </label>
        <label>
          Monte Carlo runs{' '}
          <select value={runs} onChange={(e) => setRuns(Number(e.target.value))} aria-label="Monte Carlo runs">
            {[0, 200, 1000].map((n) => (
              <option key={n} value={n}>
                {n === 0 ? 'none' : n}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="btn btn-primary" onClick={run} disabled={busy}>
          {busy ? 'Running…' : 'Run cascade'}
        </button>
        {picked.length > 0 && (
          <button type="button" className="btn" onClick={() => setPicked([])}>
            Clear {picked.length} picked
          </button>
        )}
      </div>
      {error && (
        <div className="banner banner-error" role="alert">
          {error}
        </div>
      )}
      {impact && times.length > 0 && (
        <div className="toolbar">
          <label>
            Time{' '}
            <input
              type="range"
              min={0}
              max={times.length - 1}
              value={Math.min(stop, times.length - 1)}
              onChange={(e) => setStop(Number(e.target.value))}
              aria-label="Moment of the cascade"
            />
          </label>
          <span>
            {hoursText(hours)}: {[...states.values()].filter((s) => s === 'failed').length} of {impact.failed.length}{' '}
            down
          </span>
        </div>
      )}
      <Graph
        nodes={nodes}
        edges={edges}
        height={420}
        label={`Dependency graph ${props.name}: ${nodes.length} entities${impact ? `, ${impact.failed.length} fail` : ''}`}
        theme={theme}
        onSelect={(id) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id]))}
      />
      {view.entities.length > MAX_DRAWN && (
        <p className="muted">
          Drawing {MAX_DRAWN} of {view.entities.length} entities; the lists below hold all of them.
        </p>
      )}
      {impact && (
        <div className="grid-2">
          <section>
            <h3>Sectors</h3>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Sector</th>
                  <th scope="col">Down</th>
                  <th scope="col">From</th>
                </tr>
              </thead>
              <tbody>
                {impact.sectors.map((s) => (
                  <tr key={s.sector}>
                    <td>{s.sector}</td>
                    <td>
                      {s.failed} / {s.total}
                    </td>
                    <td>{hoursText(s.firstHours)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <h3>Organisations</h3>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Organisation</th>
                  <th scope="col">Down</th>
                  <th scope="col">From</th>
                </tr>
              </thead>
              <tbody>
                {impact.organisations.map((o) => (
                  <tr key={o.org}>
                    <td>
                      {o.name ?? o.org}
                      {o.peer ? ' (peer SOC)' : ''}
                    </td>
                    <td>{o.failed}</td>
                    <td>{hoursText(o.firstHours)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section>
            <h3>Timeline</h3>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Entity</th>
                  <th scope="col">Round</th>
                  {impact.monteCarlo && <th scope="col">Probability</th>}
                </tr>
              </thead>
              <tbody>
                {impact.timeline.slice(0, 300).map((f) => (
                  <tr key={f.id} className={f.at <= hours ? 'row-failed' : ''}>
                    <td>{hoursText(f.at)}</td>
                    <td>
                      {f.name ?? f.id}{' '}
                      <span className="muted">
                        {f.kind}
                        {f.sector ? `, ${f.sector}` : ''}
                      </span>
                    </td>
                    <td>{f.round}</td>
                    {impact.monteCarlo && (
                      <td>{impact.monteCarlo.entities.find((e) => e.id === f.id)?.probability ?? '—'}</td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </div>
      )}
    </section>
  );
}

function Protect(props: { name: string }): ReactNode {
  const state = useAsync((signal) => cascadeApi.criticality(props.name, signal), [props.name]);
  return (
    <section className="panel">
      <h2 className="panel-title">What to protect first</h2>
      <Async state={state}>
        {(c) => (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Entity</th>
                <th scope="col">Takes down</th>
                <th scope="col">Betweenness ({c.betweenness})</th>
                <th scope="col">Articulation point</th>
              </tr>
            </thead>
            <tbody>
              {c.entities.map((e) => (
                <tr key={e.id}>
                  <td>{e.id}</td>
                  <td>{e.removalImpact ?? '—'}</td>
                  <td>{e.betweenness}</td>
                  <td>{e.articulation ? 'yes' : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Async>
    </section>
  );
}

function Warnings(): ReactNode {
  const state = useAsync((signal) => cascadeApi.warnings(signal), []);
  return (
    <section className="panel">
      <h2 className="panel-title">Cascade warnings between SOCs</h2>
      <Async state={state}>
        {(r) =>
          r.items.length === 0 ? (
            <Empty title="No cascade warnings">
              Warnings arrive from peer SOCs whose incidents threaten your organisation, and go to the SOCs of
              organisations yours threatens.
            </Empty>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Direction</th>
                  <th scope="col">Warning</th>
                  <th scope="col">Confidence</th>
                </tr>
              </thead>
              <tbody>
                {r.items.map((w: WarningRecord) => (
                  <tr key={`${w.direction}-${w.warning.id}`}>
                    <td>{formatTime(w.time)}</td>
                    <td>{w.direction === 'received' ? `from ${w.warning.fromOrg}` : `to ${w.warning.toOrg}`}</td>
                    <td>
                      {w.warning.summary}
                      <div className="muted">
                        failed: {w.warning.failed.map((f) => `${f.entity} (${hoursText(f.hours)})`).join(', ')};
                        threatened: {w.warning.threatened.map((t) => `${t.entity} ${hoursText(t.hours)}`).join(', ')}
                        {w.warning.hops > 0 ? `; via ${w.warning.path.join(' → ')}` : ''}
                      </div>
                    </td>
                    <td>{w.warning.confidence}</td>
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

function SectorModel(): ReactNode {
  const state = useAsync((signal) => cascadeApi.sectors(signal), []);
  const [c, setC] = useState<Record<string, number>>({ energy: 0.5 });
  const [q, setQ] = useState<number[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  return (
    <section className="panel">
      <h2 className="panel-title">Sectors (inoperability input-output model)</h2>
      <Async state={state}>
        {(m) => (
          <>
            <p className="muted">{m.source}</p>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Sector</th>
                  <th scope="col">Perturbation c*</th>
                  <th scope="col">Inoperability q</th>
                </tr>
              </thead>
              <tbody>
                {m.sectors.map((s, i) => (
                  <tr key={s}>
                    <td>{s}</td>
                    <td>
                      <input
                        type="number"
                        min={0}
                        max={1}
                        step={0.05}
                        value={c[s] ?? 0}
                        aria-label={`Perturbation of ${s}`}
                        onChange={(e) => setC({ ...c, [s]: Number(e.target.value) })}
                      />
                    </td>
                    <td>{q ? (q[i] ?? 0).toFixed(3) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <button
              type="button"
              className="btn"
              onClick={() =>
                void cascadeApi
                  .iim(
                    m.sectors.map((s) => c[s] ?? 0),
                    false,
                  )
                  .then((r) => {
                    setQ(r.q);
                    setError(r.warnings.join('; ') || undefined);
                  })
                  .catch((e: unknown) => setError((e as Error).message))
              }
            >
              Compute q = (I − A*)⁻¹ c*
            </button>
            {error && <p className="muted">{error}</p>}
          </>
        )}
      </Async>
    </section>
  );
}

function ImportForm(props: { onDone: (name: string) => void }): ReactNode {
  const [name, setName] = useState('');
  const [text, setText] = useState('');
  const [msg, setMsg] = useState<string | undefined>(undefined);
  return (
    <section className="panel">
      <h2 className="panel-title">Import a graph</h2>
      <p className="muted">
        CSV (source,target,type,strength,min_inputs_of_source: source depends on target), JSON, GraphML or STIX 2.1.
      </p>
      <div className="toolbar">
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="graph name"
          aria-label="Graph name"
        />
        <button
          type="button"
          className="btn btn-primary"
          disabled={!name || !text}
          onClick={() =>
            void cascadeApi
              .importGraph(name, text, undefined, false)
              .then((r) => {
                setMsg(
                  `${r.info.entities} entities, ${r.info.dependencies} dependencies (${r.format})${r.warnings.length ? `; ${r.warnings.join('; ')}` : ''}`,
                );
                props.onDone(name);
              })
              .catch((e: unknown) => setMsg((e as Error).message))
          }
        >
          Import
        </button>
      </div>
      <textarea
        rows={6}
        value={text}
        onChange={(e) => setText(e.target.value)}
        aria-label="Graph document"
        className="code"
      />
      {msg && <p role="status">{msg}</p>}
    </section>
  );
}

/** The view. */
export default function CascadeView(props: ViewProps): ReactNode {
  const { canWrite } = useSession();
  const [tick, setTick] = useState(0);
  const list = useAsync((signal) => cascadeApi.graphs(signal), [tick]);
  const [chosen, setChosen] = useState<string | undefined>(props.params[0]);
  const name = chosen ?? list.data?.items[0]?.name;
  const graph = useAsync(
    (signal) => (name ? cascadeApi.graph(name, signal) : Promise.resolve(undefined)),
    [name, tick],
  );
  const [shared, setShared] = useState<string | undefined>(undefined);
  return (
    <div className="view">
      <section className="panel">
        <h2 className="panel-title">Dependency graphs</h2>
        <Async state={list}>
          {(l) =>
            l.items.length === 0 ? (
              <Empty title="No dependency graphs yet">
                Import one below or with `intersoc cascade import FILE --graph NAME`.
              </Empty>
            ) : (
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Graph</th>
                    <th scope="col">Entities</th>
                    <th scope="col">Dependencies</th>
                    <th scope="col">Source</th>
                    <th scope="col">Export</th>
                  </tr>
                </thead>
                <tbody>
                  {l.items.map((g) => (
                    <tr key={g.name} className={g.name === name ? 'row-selected' : ''}>
                      <td>
                        <button type="button" className="link" onClick={() => setChosen(g.name)}>
                          {g.name}
                        </button>
                      </td>
                      <td>{g.entities}</td>
                      <td>{g.dependencies}</td>
                      <td>{g.source}</td>
                      <td>
                        <a href={cascadeApi.exportUrl(g.name, 'graphml')}>GraphML</a> ·{' '}
                        <a href={cascadeApi.exportUrl(g.name, 'stix')}>STIX</a>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </Async>
        {canWrite && name && (
          <div className="toolbar">
            <button
              type="button"
              className="btn"
              onClick={() =>
                void cascadeApi
                  .share(name)
                  .then((r) => setShared(`shared with ${Object.keys(r.peers).length} peer SOCs`))
                  .catch((e: unknown) => setShared((e as Error).message))
              }
            >
              Share cross-organisation dependencies of {name}
            </button>
            {shared && <span role="status">{shared}</span>}
          </div>
        )}
      </section>
      {name && <Async state={graph}>{(g) => (g ? <WhatIf key={name} name={name} graph={g} /> : null)}</Async>}
      {name && <Protect name={name} />}
      <Warnings />
      <SectorModel />
      {canWrite && (
        <ImportForm
          onDone={(n) => {
            setChosen(n);
            setTick((t) => t + 1);
          }}
        />
      )}
    </div>
  );
}
