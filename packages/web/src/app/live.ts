/**
 * @module
 * The live alert stream: one EventSource per page, shared by every view that listens. The
 * browser reconnects by itself; the hook reports whether the stream is up.
 */
import { useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import type { Alert } from '../api/types';

type Listener = (a: Alert) => void;

let source: EventSource | undefined;
let sourceUrl = '';
const listeners = new Set<Listener>();
const statusListeners = new Set<(up: boolean) => void>();
let up = false;

function setUp(v: boolean): void {
  up = v;
  for (const l of statusListeners) l(v);
}

function ensureSource(): void {
  const url = api.streamUrl();
  if (source && sourceUrl === url) return;
  source?.close();
  sourceUrl = url;
  source = new EventSource(url);
  source.addEventListener('ready', () => setUp(true));
  source.addEventListener('error', () => setUp(false));
  source.addEventListener('alert', (e) => {
    let a: Alert;
    try {
      a = JSON.parse((e as MessageEvent<string>).data) as Alert;
    } catch {
      return;
    }
    for (const l of listeners) l(a);
  });
}

function release(): void {
  if (listeners.size === 0 && statusListeners.size === 0) {
    source?.close();
    source = undefined;
    setUp(false);
  }
}

/** Calls `onAlert` for every alert of the shown tenant as it is committed; returns whether the stream is up. */
export function useLiveAlerts(onAlert: Listener | undefined, tenant: string): boolean {
  const [isUp, setIsUp] = useState(up);
  const cb = useRef(onAlert);
  cb.current = onAlert;
  useEffect(() => {
    const l: Listener = (a) => cb.current?.(a);
    listeners.add(l);
    statusListeners.add(setIsUp);
    ensureSource();
    setIsUp(up);
    return () => {
      listeners.delete(l);
      statusListeners.delete(setIsUp);
      release();
    };
  }, [tenant]);
  return isUp;
}
