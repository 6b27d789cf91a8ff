/**
 * @module
 * HTTP for executors and connectors: bounded bodies, the step's abort signal, and errors that say
 * whether the request certainly did not reach the server (connection refused, DNS), in which case
 * retrying is safe whatever the command does.
 */
import { CommandError } from './types.js';

/** Largest response body read, bytes. */
export const MAX_BODY = 64 * 1024;

/** A response, its body cut at {@link MAX_BODY}. */
export interface HttpResult {
  readonly status: number;
  readonly body: string;
  readonly truncated: boolean;
  readonly contentType: string;
}

const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Sends one request. */
export async function httpRequest(
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: string | Buffer; signal: AbortSignal },
): Promise<HttpResult> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: init.method,
      headers: init.headers ?? {},
      ...(init.body === undefined ? {} : { body: init.body }),
      signal: init.signal,
      redirect: 'manual',
    });
  } catch (err) {
    if (init.signal.aborted)
      throw init.signal.reason instanceof Error ? init.signal.reason : new CommandError('aborted');
    const code = ((err as { cause?: { code?: string } }).cause?.code ?? '') as string;
    throw new CommandError(`${init.method} ${url}: ${code || (err as Error).message}`, {
      safeToRetry: NOT_SENT.has(code),
      cause: err,
    });
  }
  const reader = res.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (size + value.length > MAX_BODY) {
        chunks.push(value.subarray(0, MAX_BODY - size));
        truncated = true;
        await reader.cancel();
        break;
      }
      chunks.push(value);
      size += value.length;
    }
  }
  return {
    status: res.status,
    body: Buffer.concat(chunks).toString('utf8'),
    truncated,
    contentType: res.headers.get('content-type') ?? '',
  };
}

/** Fails unless the status is 2xx. */
export function expectOk(r: HttpResult, what: string): void {
  if (r.status < 200 || r.status > 299) throw new CommandError(`${what} answered ${r.status}: ${r.body.slice(0, 200)}`);
}
