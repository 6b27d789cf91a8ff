/**
 * @module
 * `http-api` commands (CACAO 5.x): an HTTP start line, headers and a body, sent to the step's
 * registered agent. Success is a 2xx answer; the body (up to 64 KiB) goes to the step's first
 * out_arg. GET, HEAD, PUT, DELETE and OPTIONS are idempotent (RFC 9110), so an interrupted one
 * runs again after a restart; others wait for a person. GET and HEAD need no approval.
 */
import type { ApprovalPolicy } from '../../engine/types.js';
import type { CommandData } from '../../cacao/types.js';
import { httpAgent, requestHeaders, startLine, targetUrl } from '../endpoint.js';
import { expectOk, httpRequest } from '../http.js';
import type { CommandContext, CommandExecutor } from '../types.js';

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const READ = new Set(['GET', 'HEAD', 'OPTIONS']);

function bodyOf(c: CommandData, x: CommandContext): string | Buffer | undefined {
  if (typeof c.content === 'string') return x.substitute(c.content);
  if (typeof c.content_b64 === 'string') return Buffer.from(c.content_b64, 'base64');
  return undefined;
}

/** The http-api executor. */
export const httpApiExecutor: CommandExecutor & { approval(c: CommandData): ApprovalPolicy } = {
  type: 'http-api',
  idempotent: (c) => {
    try {
      return IDEMPOTENT.has(startLine(String(c.command ?? '')).method);
    } catch {
      return false;
    }
  },
  approval: (c) => {
    try {
      return READ.has(startLine(String(c.command ?? '')).method) ? 'auto' : 'one';
    } catch {
      return 'one';
    }
  },
  describe(c, x) {
    const { method, target } = startLine(x.substitute(String(c.command ?? '')));
    const where =
      x.registration && typeof x.registration['url'] === 'string'
        ? targetUrl(httpAgent(x), target)
        : `${target} on ${x.agentId ?? '?'}`;
    const body = bodyOf(c, x);
    return `${method} ${where}${body === undefined ? '' : ` with a ${Buffer.byteLength(body)}-byte body`}`;
  },
  async execute(c, x) {
    const agent = httpAgent(x);
    const { method, target } = startLine(x.substitute(String(c.command ?? '')));
    const url = targetUrl(agent, target);
    const body = bodyOf(c, x);
    const r = await httpRequest(url, {
      method,
      headers: requestHeaders(x, agent, c.headers),
      ...(body === undefined ? {} : { body }),
      signal: x.signal,
    });
    expectOk(r, `${method} ${url}`);
    return { output: { method, url, status: r.status, bytes: r.body.length, truncated: r.truncated }, text: r.body };
  },
};
