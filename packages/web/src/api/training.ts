/**
 * @module
 * The dashboard's client for training: runs, a run as its trainee plays it, and the trainee's
 * actions (answer, hint, solution). Same session cookie, CSRF header and errors as the rest.
 */
import { ApiError, apiUrl, CSRF_HEADER, UNAUTHENTICATED_EVENT } from './client';

/** A run in the list. */
export interface TrainingRunSummary {
  readonly id: string;
  readonly exercise: string;
  readonly title: string;
  readonly trainee: string;
  readonly tenant: string;
  readonly started: number;
  readonly score: number;
  readonly max: number;
  readonly solved: number;
  readonly levels: number;
  readonly hints: number;
}

/** A level as the trainee sees it. */
export interface TrainingLevel {
  readonly id: string;
  readonly title: string;
  readonly type: string;
  readonly max: number;
  readonly content: string;
  readonly options?: readonly string[];
  readonly hints: number;
  readonly hintsTaken: number;
  readonly solved: boolean;
  readonly score: number;
}

/** A run as the trainee plays it. */
export interface TrainingRunView {
  readonly run: string;
  readonly title: string;
  readonly tenant: string;
  readonly trainee: string;
  readonly levels: readonly TrainingLevel[];
  readonly score: number;
  readonly max: number;
}

/** The verdict on an answer. */
export interface TrainingAnswer {
  readonly level: string;
  readonly correct: boolean;
  readonly solved: boolean;
  readonly score: number;
  readonly max: number;
  readonly attempts: number;
  readonly remaining: number | null;
  readonly note?: string;
  readonly solution?: string;
}

async function call<T>(method: string, path: string, o: { body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(apiUrl(path), {
      method,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        [CSRF_HEADER]: 'intersoc',
        ...(o.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(o.body === undefined ? {} : { body: JSON.stringify(o.body) }),
      ...(o.signal ? { signal: o.signal } : {}),
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', 'the node did not answer; check that it is running');
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const e = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    if (res.status === 401) window.dispatchEvent(new Event(UNAUTHENTICATED_EVENT));
    throw new ApiError(res.status, e?.code ?? `HTTP_${res.status}`, e?.message ?? `${res.status} ${res.statusText}`);
  }
  return body as T;
}

const level = (run: string, id: string, what: string): string =>
  `/api/training/runs/${encodeURIComponent(run)}/levels/${encodeURIComponent(id)}/${what}`;

/** The training API. */
export const training = {
  runs: (signal?: AbortSignal) =>
    call<{ items: TrainingRunSummary[] }>('GET', '/api/training/runs', signal ? { signal } : {}),
  run: (run: string, signal?: AbortSignal) =>
    call<TrainingRunView>('GET', `/api/training/runs/${encodeURIComponent(run)}`, signal ? { signal } : {}),
  answer: (run: string, id: string, answer: string) =>
    call<TrainingAnswer>('POST', level(run, id, 'answer'), { body: { answer } }),
  hint: (run: string, id: string) =>
    call<{ hint: number; title: string; content: string; penalty: number; remaining: number }>(
      'POST',
      level(run, id, 'hint'),
    ),
  solution: (run: string, id: string) =>
    call<{ solution: string; penalized: boolean; score: number }>('POST', level(run, id, 'solution')),
};
