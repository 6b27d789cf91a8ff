/**
 * @module
 * Where HTTP commands go. A playbook's agent says what it calls (an address in its definition);
 * the node's registration of that agent says where that is here and how to authenticate, so a
 * playbook shared by a peer cannot point the node at an address nobody registered.
 */
import { z } from 'zod';
import { CommandError, type CommandContext } from './types.js';

/** An HTTP agent registration. */
export const HttpAgentSchema = z.object({
  match: z.string().min(1),
  kind: z.enum(['http', 'openc2']),
  /** Base URL; the command's request target is resolved against it. */
  url: z.url(),
  /** Secret reference of an Authorization header value (e.g. `Bearer …`). */
  authorization: z.string().optional(),
});
/** An HTTP agent registration. */
export type HttpAgent = z.infer<typeof HttpAgentSchema>;

/** The registered HTTP agent of a command, or a clear refusal. */
export function httpAgent(x: CommandContext): HttpAgent {
  const r = HttpAgentSchema.safeParse(x.registration);
  if (!r.success) {
    throw new CommandError(
      `agent ${x.agentId ?? '(none)'} is not registered on this node as an HTTP agent; register it in agents.json to let playbooks call it`,
    );
  }
  return r.data;
}

/** Splits a CACAO HTTP start line (`POST /api/x HTTP/1.1`). */
export function startLine(line: string): { method: string; target: string } {
  const m = /^([A-Z]{3,10})\s+(\S+)(?:\s+HTTP\/\d(?:\.\d)?)?\s*$/.exec(line.trim());
  if (!m) throw new CommandError(`not an HTTP start line: ${JSON.stringify(line)}`);
  return { method: m[1] as string, target: m[2] as string };
}

/** The URL of a request target on a registered agent (no escaping its origin). */
export function targetUrl(agent: HttpAgent, target: string): string {
  const base = new URL(agent.url);
  const url = new URL(target, base.href.endsWith('/') ? base.href : `${base.href}/`);
  if (url.origin !== base.origin)
    throw new CommandError(`request target ${target} leaves the registered agent ${agent.url}`);
  return url.href;
}

/** Headers for a command: its own (substituted), then authentication from the node's secrets. */
export function requestHeaders(
  x: CommandContext,
  agent: HttpAgent,
  own: Readonly<Record<string, readonly string[]>> | undefined,
): Record<string, string> {
  const h: Record<string, string> = {};
  for (const [k, vs] of Object.entries(own ?? {})) {
    if (/[\r\n]/.test(k) || vs.some((v) => /[\r\n]/.test(v))) throw new CommandError(`header ${k} holds a line break`);
    h[k.toLowerCase()] = vs.map((v) => x.substitute(v)).join(', ');
  }
  if (agent.authorization) {
    const v = x.secret(agent.authorization);
    if (!v) throw new CommandError(`secret ${agent.authorization} of agent ${agent.match} is not on this node`);
    h['authorization'] = v;
  } else if (x.auth?.def.type === 'http-basic') {
    const pw = x.secret(x.auth.id);
    if (pw === undefined)
      throw new CommandError(`the password of ${x.auth.id} is not on this node (kms_key_identifier)`);
    h['authorization'] = `Basic ${Buffer.from(`${String(x.auth.def.user_id ?? '')}:${pw}`).toString('base64')}`;
  } else if (x.auth?.def.type === 'oauth2') {
    const token = x.secret(x.auth.id);
    if (token === undefined)
      throw new CommandError(`the token of ${x.auth.id} is not on this node (kms_key_identifier)`);
    h['authorization'] = `Bearer ${token}`;
  }
  return h;
}
