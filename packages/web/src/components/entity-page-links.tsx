/**
 * @module
 * Host and account names as links to their pages. Tables show many of them in one cell; a click
 * on a name opens its page without also opening the row it sits in.
 */
import { Fragment, type ReactNode } from 'react';
import { Link } from '../app/router';
import { shortHost } from '../lib/entity-link';
import { entityPage } from '../lib/entity-page';

/** Names as links to their host or user pages; hosts are shown by their short name (full name on hover). */
export function EntityPageLinks(props: {
  kind: 'host' | 'user';
  values: readonly string[];
  /** Show hosts by their short name (the queue); else as written. */
  short?: boolean;
  /** In a keyboard-driven table: the row takes the focus, not each link. */
  inTable?: boolean;
}): ReactNode {
  const seen = new Set<string>();
  const names = props.values.filter((v) => {
    const k = props.kind === 'host' ? shortHost(v) : v.toLowerCase();
    if (v === '' || seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  if (names.length === 0) return <span className="muted">—</span>;
  return (
    <>
      {names.map((v, i) => (
        <Fragment key={v}>
          {i > 0 && ', '}
          <Link
            to={entityPage(props.kind, v)}
            title={`${props.kind === 'host' ? 'Host' : 'User'} page of ${v}`}
            {...(props.inTable ? { tabIndex: -1 } : {})}
            onClick={(e) => e.stopPropagation()}
            onDoubleClick={(e) => e.stopPropagation()}
          >
            {props.kind === 'host' && props.short ? shortHost(v) : v}
          </Link>
        </Fragment>
      ))}
    </>
  );
}
