/**
 * @module
 * The local control socket of a serving node. Only one process may write to a data folder, so a
 * CLI command that finds a node running there hands its work to the node instead of writing
 * itself. The socket is a Unix socket inside an owner-only folder: whoever can reach it can
 * already read and write the data folder, so it needs no other credential, and nothing about it
 * is reachable over the network.
 *
 * Protocol: one JSON request line; the node answers with JSON lines (`progress` any number of
 * times, then `done` with a result, or `error`).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, realpathSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AppError, toAppError } from '@intersoc/core';

/** A request a CLI command hands over. */
export interface ControlRequest {
  readonly cmd: string;
  readonly args: Readonly<Record<string, unknown>>;
}

/** Handles one request; `progress` streams intermediate state to the caller. */
export type ControlHandler = (
  args: Readonly<Record<string, unknown>>,
  progress: (p: unknown) => void,
) => Promise<unknown>;

/** Longest Unix socket path Linux accepts (sun_path is 108 bytes with its NUL). */
const MAX_SOCKET_PATH = 100;
const MAX_REQUEST_BYTES = 1024 * 1024;

/** Where the control socket of `dataDir` lives (an owner-only folder). */
export function controlSocketPath(dataDir: string): string {
  const local = path.join(path.resolve(dataDir), 'run', 'control.sock');
  if (local.length <= MAX_SOCKET_PATH) return local;
  // Deep data folders: a short owner-only folder under the temp dir, named after the data folder.
  let real = path.resolve(dataDir);
  try {
    real = realpathSync(dataDir);
  } catch {
    // Not created yet: the resolved path names it.
  }
  const id = createHash('sha256').update(real).digest('hex').slice(0, 16);
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return path.join(tmpdir(), `intersoc-${uid}`, `${id}.sock`);
}

/** A listening control socket. */
export interface ControlServer {
  readonly path: string;
  close(): Promise<void>;
}

/** Serves `handlers` on the control socket of `dataDir`. */
export async function startControlServer(
  dataDir: string,
  handlers: Readonly<Record<string, ControlHandler>>,
  onError: (message: string) => void,
): Promise<ControlServer> {
  const file = controlSocketPath(dataDir);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // A socket file left by a killed node: we hold the writer lock, so nobody else serves it.
  rmSync(file, { force: true });
  const server: Server = createServer((sock) => serve(sock, handlers, onError));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(file, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    path: file,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          rmSync(file, { force: true });
          resolve();
        });
      }),
  };
}

function serve(sock: Socket, handlers: Readonly<Record<string, ControlHandler>>, onError: (m: string) => void): void {
  let buf = '';
  const send = (m: unknown): void => {
    if (!sock.destroyed) sock.write(`${JSON.stringify(m)}\n`);
  };
  const onData = (chunk: Buffer): void => {
    buf += chunk.toString('utf8');
    if (buf.length > MAX_REQUEST_BYTES) {
      send({ type: 'error', code: 'PAYLOAD_TOO_LARGE', message: 'control request too large' });
      sock.end();
      return;
    }
    const nl = buf.indexOf('\n');
    if (nl < 0) return;
    sock.off('data', onData);
    void (async () => {
      try {
        const req = JSON.parse(buf.slice(0, nl)) as Partial<ControlRequest>;
        const h = typeof req.cmd === 'string' ? handlers[req.cmd] : undefined;
        if (!h) throw new AppError('UNSUPPORTED', `the node cannot take over "${String(req.cmd)}"`);
        const result = await h(req.args ?? {}, (p) => send({ type: 'progress', progress: p }));
        send({ type: 'done', result });
      } catch (err) {
        const e = toAppError(err);
        if (e.code === 'INTERNAL') onError(`control: ${e.message}`);
        send({ type: 'error', code: e.code, message: e.message });
      } finally {
        sock.end();
      }
    })();
  };
  sock.on('data', onData);
  sock.on('error', () => sock.destroy());
}

/** Sends a request to the node serving `socketPath`; resolves with its result. */
export function callControl(
  socketPath: string,
  req: ControlRequest,
  onProgress: (p: unknown) => void = () => undefined,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const sock = createConnection(socketPath);
    let buf = '';
    let settled = false;
    const settle = (f: () => void): void => {
      if (settled) return;
      settled = true;
      f();
    };
    sock.on('connect', () => sock.write(`${JSON.stringify(req)}\n`));
    sock.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const m = JSON.parse(line) as {
          type: string;
          progress?: unknown;
          result?: unknown;
          code?: string;
          message?: string;
        };
        if (m.type === 'progress') onProgress(m.progress);
        else if (m.type === 'done') settle(() => resolve(m.result));
        else if (m.type === 'error')
          settle(() =>
            reject(new AppError((m.code ?? 'INTERNAL') as AppError['code'], m.message ?? 'control request failed')),
          );
      }
    });
    sock.on('error', (err) =>
      settle(() =>
        reject(new AppError('UNAVAILABLE', `cannot reach the running node at ${socketPath}: ${err.message}`)),
      ),
    );
    sock.on('close', () =>
      settle(() =>
        reject(new AppError('UNAVAILABLE', 'the running node closed the control connection without an answer')),
      ),
    );
  });
}
