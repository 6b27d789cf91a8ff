/**
 * @module
 * `openc2-http` commands: an OpenC2 command (JSON, `content_b64`) posted to the step's registered
 * OpenC2 consumer with the OpenC2 media type. A 2xx HTTP answer whose OpenC2 `status` (if any)
 * is 2xx succeeds. Containment is recorded with its inverse, as the OpenC2 language defines it:
 * a `deny` or `contain` whose answer numbers the rule it made (`results.slpf.rule_number`, the
 * Stateless Packet Filtering profile) is undone by `delete` of that rule; otherwise by `allow` of
 * the same target.
 */
import { z } from 'zod';
import type { ApprovalPolicy } from '../../engine/types.js';
import type { CommandData } from '../../cacao/types.js';
import { HttpAgentSchema, httpAgent, requestHeaders, startLine, targetUrl } from '../endpoint.js';
import { expectOk, httpRequest } from '../http.js';
import {
  CommandError,
  type AgentDirectory,
  type CommandContext,
  type CommandExecutor,
  type Connector,
} from '../types.js';

/** The OpenC2 command media type (OpenC2 HTTPS transfer specification). */
export const OPENC2_COMMAND_TYPE = 'application/openc2-cmd+json;version=1.0';

const OpenC2Command = z
  .object({
    action: z.string().min(1).max(64),
    target: z.record(z.string(), z.unknown()),
    args: z.record(z.string(), z.unknown()).optional(),
    actuator: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();

function commandOf(c: CommandData, x: CommandContext): z.infer<typeof OpenC2Command> {
  if (typeof c.content_b64 !== 'string') throw new CommandError('openc2-http: content_b64 holds the OpenC2 command');
  let doc: unknown;
  try {
    doc = JSON.parse(x.substitute(Buffer.from(c.content_b64, 'base64').toString('utf8')));
  } catch {
    throw new CommandError('openc2-http: content_b64 is not a JSON OpenC2 command');
  }
  const r = OpenC2Command.safeParse(doc);
  if (!r.success) throw new CommandError(`openc2-http: not an OpenC2 command: ${r.error.issues[0]?.message ?? ''}`);
  return r.data;
}

function inverseOf(cmd: z.infer<typeof OpenC2Command>, answer: unknown): Record<string, unknown> | undefined {
  if (cmd.action !== 'deny' && cmd.action !== 'contain') return undefined;
  const rule = (answer as { results?: { slpf?: { rule_number?: unknown } } } | undefined)?.results?.slpf?.rule_number;
  if (typeof rule === 'number')
    return {
      action: 'delete',
      target: { 'slpf:rule_number': rule },
      ...(cmd.actuator ? { actuator: cmd.actuator } : {}),
    };
  return { action: 'allow', target: cmd.target, ...(cmd.actuator ? { actuator: cmd.actuator } : {}) };
}

async function post(url: string, headers: Record<string, string>, cmd: unknown, signal: AbortSignal): Promise<unknown> {
  const r = await httpRequest(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': OPENC2_COMMAND_TYPE },
    body: JSON.stringify(cmd),
    signal,
  });
  expectOk(r, `OpenC2 ${url}`);
  let answer: unknown;
  try {
    answer = JSON.parse(r.body);
  } catch {
    answer = undefined;
  }
  const status = (answer as { status?: unknown } | undefined)?.status;
  if (typeof status === 'number' && (status < 200 || status > 299)) {
    throw new CommandError(
      `OpenC2 consumer answered status ${status}: ${String((answer as { status_text?: unknown }).status_text ?? '')}`,
    );
  }
  return answer;
}

/** The openc2-http executor. */
export const openc2Executor: CommandExecutor & { approval(c: CommandData): ApprovalPolicy } = {
  type: 'openc2-http',
  idempotent: () => false,
  approval: () => 'one',
  describe(c, x) {
    const cmd = commandOf(c, x);
    return `OpenC2 ${cmd.action} ${JSON.stringify(cmd.target)} to ${x.agentId ?? '?'}`;
  },
  async execute(c, x) {
    const agent = httpAgent(x);
    const cmd = commandOf(c, x);
    const { target } = startLine(x.substitute(String(c.command ?? 'POST /openc2 HTTP/1.1')));
    const url = targetUrl(agent, target);
    const answer = await post(url, requestHeaders(x, agent, c.headers), cmd, x.signal);
    const inverse = inverseOf(cmd, answer);
    return {
      output: { action: cmd.action, url, answer: answer === undefined ? null : JSON.stringify(answer).slice(0, 1024) },
      text: answer === undefined ? '' : JSON.stringify(answer),
      ...(inverse
        ? {
            actions: [
              {
                connector: 'openc2',
                summary: `OpenC2 ${cmd.action} ${JSON.stringify(cmd.target)} at ${url}`,
                inverse: { agent: agent.match, url, command: inverse },
              },
            ],
          }
        : {}),
    };
  },
};

const InverseSchema = z.object({ agent: z.string(), url: z.url(), command: z.record(z.string(), z.unknown()) });

/** The OpenC2 connector: sends the inverse command to the same consumer. */
export function openc2Connector(directory: AgentDirectory): Connector {
  return {
    name: 'openc2',
    async revert(inverse, c) {
      const i = InverseSchema.parse(inverse);
      const reg = HttpAgentSchema.safeParse(directory.agent(c.ctx.tenant, i.agent, undefined));
      const headers: Record<string, string> = {};
      if (reg.success && reg.data.authorization) {
        const v = directory.secret(c.ctx.tenant, reg.data.authorization);
        if (v) headers['authorization'] = v;
      }
      await post(i.url, headers, i.command, c.signal);
    },
  };
}
