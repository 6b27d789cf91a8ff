/**
 * @module
 * Known indicators on alerts and incidents: a compact badge for tables, and a list with each
 * indicator's source, TLP and confidence for detail views.
 */
import type { ReactNode } from 'react';
import { href, Link } from '../app/router';
import type { IntelMatch } from '../api/types';
import { TlpBadge } from './badges';

function describe(m: IntelMatch): string {
  const parts = [m.name ?? m.id, m.source && `source ${m.source}`, m.tlp && `TLP:${m.tlp.toUpperCase()}`];
  if (m.confidence !== undefined) parts.push(`confidence ${m.confidence}`);
  return `${m.type} ${m.value}: ${parts.filter(Boolean).join(', ')}`;
}

/** A small "known indicator" badge whose tooltip lists the matches. */
export function IntelBadge(props: { matches: readonly IntelMatch[] | undefined }): ReactNode {
  const m = props.matches;
  if (!m || m.length === 0) return null;
  const text = m.map(describe).join('\n');
  return (
    <span className="badge badge-intel" title={text} aria-label={`Known indicator: ${text}`}>
      CTI{m.length > 1 ? ` ×${m.length}` : ''}
    </span>
  );
}

/** The matches with their source, TLP and confidence, each linked to the indicator. */
export function IntelList(props: { matches: readonly IntelMatch[] | undefined }): ReactNode {
  const m = props.matches;
  if (!m || m.length === 0) return <p className="muted small">No known indicator among the entities.</p>;
  return (
    <ul className="plain" aria-label="Known indicators">
      {m.map((x) => (
        <li key={`${x.id}:${x.type}:${x.value}`}>
          <span className="badge badge-intel">CTI</span> <span className="mono">{x.value}</span> ·{' '}
          <Link to={href('/intel', { id: x.id })}>{x.name ?? x.id}</Link>
          {x.source ? ` · source ${x.source}` : ''} {x.tlp ? <TlpBadge tlp={x.tlp} /> : null}
          {x.confidence !== undefined ? ` · confidence ${x.confidence}` : ''}
        </li>
      ))}
    </ul>
  );
}
