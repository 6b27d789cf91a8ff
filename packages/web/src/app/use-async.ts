/**
 * @module
 * Loading data for a view: the value, the error, whether it is loading, and `reload`. A newer
 * request cancels the older one (AbortController), so a fast typist never sees stale results.
 */
import { useCallback, useEffect, useRef, useState } from 'react';

/** State of an async load. */
export interface AsyncState<T> {
  readonly data: T | undefined;
  readonly error: Error | undefined;
  readonly loading: boolean;
  /** Loads again; `quiet` keeps the current data on screen while it does (live refresh). */
  reload(quiet?: boolean): void;
}

/** Runs `load` whenever `deps` change. */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): AsyncState<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const quiet = useRef(false);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const ctrl = new AbortController();
    if (!quiet.current) setLoading(true);
    quiet.current = false;
    loadRef
      .current(ctrl.signal)
      .then((v) => {
        if (ctrl.signal.aborted) return;
        setData(v);
        setError(undefined);
        setLoading(false);
      })
      .catch((err: unknown) => {
        if (ctrl.signal.aborted) return;
        setError(err instanceof Error ? err : new Error(String(err)));
        setLoading(false);
      });
    return () => ctrl.abort();
  }, [...deps, tick]);

  const reload = useCallback((q = false) => {
    quiet.current = q;
    setTick((t) => t + 1);
  }, []);
  return { data, error, loading, reload };
}
