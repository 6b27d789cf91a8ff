/**
 * @module
 * Host isolation through an HTTP agent on the host (an EDR-like endpoint agent): `POST /isolate`
 * cuts the host off except for its management channel, `POST /release` undoes it. Both carry the
 * host name and a bearer token from the node's secrets; both are idempotent (they set a state).
 */
import { z } from 'zod';
import { expectOk, httpRequest } from '../../commands/http.js';
import { CommandError, type ActionRecord, type Connector } from '../../commands/types.js';

/** An isolation agent registration. */
export const IsolationAgentSchema = z.object({
  match: z.string().min(1),
  kind: z.literal('isolation-agent'),
  url: z.url(),
  /** Secret reference of the agent's bearer token. */
  secret: z.string().optional(),
});
/** An isolation agent registration. */
export type IsolationAgent = z.infer<typeof IsolationAgentSchema>;

const HOST = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,252}$/;

async function call(
  url: string,
  path: 'isolate' | 'release',
  host: string,
  token: string | undefined,
  signal: AbortSignal,
): Promise<unknown> {
  if (!HOST.test(host)) throw new CommandError(`not a host name or address: ${JSON.stringify(host)}`);
  const r = await httpRequest(new URL(path, url.endsWith('/') ? url : `${url}/`).href, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ host }),
    signal,
  });
  expectOk(r, `isolation agent ${url} ${path}`);
  try {
    return JSON.parse(r.body) as unknown;
  } catch {
    return r.body;
  }
}

/** Isolates a host; returns the action with its release. */
export async function isolateHost(
  agent: IsolationAgent,
  host: string,
  secret: (ref: string) => string | undefined,
  signal: AbortSignal,
): Promise<{ action: ActionRecord; answer: unknown }> {
  const answer = await call(agent.url, 'isolate', host, agent.secret ? secret(agent.secret) : undefined, signal);
  return {
    answer,
    action: {
      connector: 'isolation',
      summary: `isolated ${host} through ${agent.url}`,
      inverse: { url: agent.url, host, secret: agent.secret ?? null },
    },
  };
}

const InverseSchema = z.object({ url: z.url(), host: z.string(), secret: z.string().nullable() });

/** The isolation connector: releases the host. */
export function isolationConnector(secret: (tenant: string, ref: string) => string | undefined): Connector {
  return {
    name: 'isolation',
    async revert(inverse, c) {
      const i = InverseSchema.parse(inverse);
      await call(i.url, 'release', i.host, i.secret ? secret(c.ctx.tenant, i.secret) : undefined, c.signal);
    },
  };
}
