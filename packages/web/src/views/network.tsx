/**
 * @module
 * The SOC network: peers and their trust, what was shared and received, quarantined items and
 * sightings of our indicators at peers. Until federation is configured on the node, the view
 * says that peering is not configured and what it will show.
 */
import { useMemo, type ReactNode } from 'react';
import { api } from '../api/client';
import type { SocNetwork } from '../api/types';
import { useThemeName } from '../app/theme';
import { useAsync } from '../app/use-async';
import type { ViewProps } from '../app/view-types';
import { Graph } from '../components/graph';
import { Async, Empty } from '../components/states';
import { formatTime } from '../lib/format';

function Configured(props: { n: SocNetwork }): ReactNode {
  const { n } = props;
  const theme = useThemeName();
  const nodes = useMemo(
    () => [
      { id: 'self', label: 'this node', kind: 'peer', focus: true },
      ...n.peers.map((p) => ({ id: p.id, label: `${p.name} (trust ${p.trust})`, kind: 'peer' })),
    ],
    [n],
  );
  const edges = useMemo(() => n.peers.map((p) => ({ source: 'self', target: p.id, label: p.status })), [n]);
  return (
    <>
      <section className="panel">
        <h2 className="panel-title">Peers</h2>
        <Graph
          nodes={nodes}
          edges={edges}
          height={260}
          label={`Peer graph with ${n.peers.length} peers`}
          theme={theme}
        />
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Peer</th>
              <th scope="col">Trust</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {n.peers.map((p) => (
              <tr key={p.id}>
                <td>{p.name}</td>
                <td>{p.trust}</td>
                <td>{p.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <div className="grid-2">
        <section className="panel">
          <h2 className="panel-title">Shared and received</h2>
          <ul className="plain">
            {n.exchanges.map((x, i) => (
              <li key={i}>
                {formatTime(x.time)} · {x.direction} {x.objects} objects {x.direction === 'sent' ? 'to' : 'from'}{' '}
                {x.peer}
              </li>
            ))}
          </ul>
        </section>
        <section className="panel">
          <h2 className="panel-title">Quarantined or rejected</h2>
          <ul className="plain">
            {n.quarantined.map((x, i) => (
              <li key={`${x.id}:${i}`}>
                {x.time ? `${formatTime(x.time)} · ` : ''}
                {x.peer} · <span className="mono">{x.id}</span>: {x.reason}
              </li>
            ))}
          </ul>
        </section>
      </div>
      <section className="panel">
        <h2 className="panel-title">Sightings of our indicators at peers</h2>
        <ul className="plain">
          {n.sightings.map((s) => (
            <li key={`${s.peer}:${s.indicator}`}>
              {s.peer} saw <span className="mono">{s.indicator}</span> {s.count}× (last {formatTime(s.last)})
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

/** The SOC network view. */
export default function NetworkView(_props: ViewProps): ReactNode {
  const state = useAsync((signal) => api.network({ signal }), []);
  return (
    <div className="view">
      <div className="view-head">
        <h1>SOC network</h1>
      </div>
      <Async state={state} label="Loading the SOC network…">
        {(n) =>
          n.configured ? (
            <Configured n={n} />
          ) : (
            <Empty title="Peering is not configured">
              <p>{n.detail ?? 'This node has no federation peers yet.'}</p>
              <p>
                Once federation is set up, this view shows the peers graph with their trust, what was shared and
                received and when, items quarantined or rejected with their reasons, and sightings of our indicators at
                peers.
              </p>
            </Empty>
          )
        }
      </Async>
    </div>
  );
}
