/**
 * @module
 * Designed empty, loading and error states, so no view is ever a blank page.
 */
import type { ReactNode } from 'react';
import { ApiError } from '../api/client';

/** A loading indicator with a label for screen readers. */
export function Loading(props: { label?: string }): ReactNode {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{props.label ?? 'Loading…'}</span>
    </div>
  );
}

/** Nothing to show, with what to do about it. */
export function Empty(props: { title: string; children?: ReactNode; action?: ReactNode }): ReactNode {
  return (
    <div className="state state-empty">
      <svg aria-hidden="true" viewBox="0 0 48 48" width="40" height="40">
        <circle cx="24" cy="24" r="18" fill="none" stroke="currentColor" strokeWidth="3" opacity="0.35" />
        <path d="M16 26h16" stroke="currentColor" strokeWidth="3" strokeLinecap="round" opacity="0.6" />
      </svg>
      <h2 className="state-title">{props.title}</h2>
      {props.children && <div className="state-text">{props.children}</div>}
      {props.action}
    </div>
  );
}

function explain(err: Error): { title: string; text: string } {
  if (err instanceof ApiError) {
    if (err.status === 0) return { title: 'The node is not answering', text: err.message };
    if (err.status === 403)
      return { title: 'Not allowed', text: `${err.message}. Ask an admin of your tenant for access.` };
    if (err.status === 404) return { title: 'Not found', text: err.message };
    if (err.status === 400) return { title: 'The request was not accepted', text: err.message };
    return { title: `The node answered ${err.status}`, text: `${err.code}: ${err.message}` };
  }
  return { title: 'Something went wrong', text: err.message };
}

/** A failed load, with its reason and a retry button. */
export function ErrorState(props: { error: Error; retry?: () => void }): ReactNode {
  const { title, text } = explain(props.error);
  return (
    <div className="state state-error" role="alert">
      <h2 className="state-title">{title}</h2>
      <p className="state-text">{text}</p>
      {props.retry && (
        <button type="button" className="btn" onClick={props.retry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** Renders loading, error or content for an async load. */
export function Async<T>(props: {
  state: { data: T | undefined; error: Error | undefined; loading: boolean; reload(): void };
  label?: string;
  children: (data: T) => ReactNode;
}): ReactNode {
  const { data, error, loading, reload } = props.state;
  if (error && data === undefined) return <ErrorState error={error} retry={() => reload()} />;
  if (data === undefined || (loading && data === undefined))
    return <Loading {...(props.label ? { label: props.label } : {})} />;
  return (
    <>
      {error && (
        <div className="banner banner-error" role="alert">
          Refresh failed: {error.message}
        </div>
      )}
      {props.children(data)}
    </>
  );
}
