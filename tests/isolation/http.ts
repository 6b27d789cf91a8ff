/**
 * HTTP helpers of the isolation sweep: calls with a bearer token against a running node, and a
 * wait for state that the pipeline produces asynchronously.
 */

/** Who calls: the node's base URL and a bearer token. */
export interface Caller {
  readonly base: string;
  readonly token: string;
}

/** An answer; `json` is undefined unless the body is JSON. */
export interface Answer {
  readonly status: number;
  readonly type: string;
  readonly text: string;
  readonly json: unknown;
}

/** A raw body with its media type (anything else is sent as JSON). */
export interface RawBody {
  readonly raw: string;
  readonly type: string;
}

function isRaw(b: unknown): b is RawBody {
  return typeof b === 'object' && b !== null && 'raw' in b && 'type' in b;
}

/** Calls `url` as `who`. Streams (Server-Sent Events) are not read: only their status and type. */
export async function call(who: Caller, method: string, url: string, body?: unknown): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${who.token}` };
  let payload: string | undefined;
  if (isRaw(body)) {
    headers['content-type'] = body.type;
    payload = body.raw;
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const abort = new AbortController();
  const res = await fetch(`${who.base}${url}`, {
    method,
    headers,
    signal: abort.signal,
    ...(payload === undefined ? {} : { body: payload }),
  });
  const type = res.headers.get('content-type') ?? '';
  if (type.startsWith('text/event-stream')) {
    abort.abort();
    return { status: res.status, type, text: '', json: undefined };
  }
  const text = await res.text();
  let json: unknown;
  if (type.includes('json')) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return { status: res.status, type, text, json };
}

/** Polls `f` until it returns a value; fails with `what` after 60 seconds. */
export async function until<T>(f: () => Promise<T | undefined>, what: string): Promise<T> {
  const end = Date.now() + 60_000;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** An open Server-Sent Events stream; what arrives is buffered until read. */
export interface EventStream {
  /** Reads until `done(text so far)` holds and returns the text; fails after 60 seconds. */
  readUntil(done: (text: string) => boolean): Promise<string>;
  close(): void;
}

/** Opens a Server-Sent Events stream as `who`. */
export async function openStream(who: Caller, url: string): Promise<EventStream> {
  const abort = new AbortController();
  const res = await fetch(`${who.base}${url}`, {
    headers: { authorization: `Bearer ${who.token}` },
    signal: abort.signal,
  });
  const body = res.body;
  if (res.status !== 200 || !body) throw new Error(`${url}: ${res.status}`);
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  return {
    async readUntil(done) {
      const timer = setTimeout(() => abort.abort(), 60_000);
      try {
        while (!done(text)) {
          const { value, done: ended } = await reader.read();
          if (ended) throw new Error(`${url}: the stream ended before the expected event`);
          text += decoder.decode(value, { stream: true });
        }
        return text;
      } finally {
        clearTimeout(timer);
      }
    },
    close() {
      abort.abort();
    },
  };
}
