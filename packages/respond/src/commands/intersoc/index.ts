/**
 * @module
 * The built-in `intersoc` command set. `command` names the verb, `content` holds its parameters
 * as a JSON object (variables substituted in its strings):
 *
 * | verb | parameters | acts through | undone by |
 * |---|---|---|---|
 * | `noop` | – | nothing | – |
 * | `share-indicator` | `id` or `pattern` (+`name`), `tlp` | federation | revoking the share |
 * | `block-indicator` | `pattern`, `name`, `valid_for` (ms) | the node's detectors | revoking the indicator |
 * | `open-case` | `title`, `description`, `severity`, `incident` | cases | – |
 * | `add-observable` | `case`, `kind`, `value`, `ioc` | cases | – |
 * | `block-ip` | `ip` (address or network) | nftables agent | deleting the set element |
 * | `isolate-host` | `host` | isolation agent | releasing the host |
 * | `notify` | `message`, `data` | webhook agent | a retraction |
 * | `mail` | `to`, `subject`, `body` | SMTP agent | a retraction mail |
 *
 * Verbs that act on a system need the step's agent to be registered on the node as that kind.
 */
import { z } from 'zod';
import type { CommandData } from '../../cacao/types.js';
import type { ApprovalPolicy } from '../../engine/types.js';
import { IsolationAgentSchema, isolateHost } from '../../connectors/isolation/index.js';
import { NftAgentSchema, nftBlock } from '../../connectors/nftables/index.js';
import { SmtpAgentSchema, smtpSend } from '../../connectors/smtp/index.js';
import { WebhookAgentSchema, webhookNotify } from '../../connectors/webhook/index.js';
import { CommandError, type CommandContext, type CommandExecutor, type CommandResult } from '../types.js';
import type { NodePorts } from './ports.js';

const TLP = z.enum(['clear', 'white', 'green', 'amber', 'amber+strict', 'red']);
const Str = (max = 1024) => z.string().min(1).max(max);

const VERBS = {
  noop: z.object({}).strict(),
  'share-indicator': z
    .object({
      id: Str(256).optional(),
      pattern: Str(8192).optional(),
      name: Str(256).optional(),
      tlp: TLP.default('amber'),
    })
    .strict()
    .refine((p) => p.id !== undefined || p.pattern !== undefined, 'id or pattern is required'),
  'block-indicator': z
    .object({ pattern: Str(8192), name: Str(256), valid_for: z.number().int().min(1000).optional() })
    .strict(),
  'open-case': z
    .object({
      title: Str(256),
      description: z.string().max(8192).optional(),
      severity: Str(32).optional(),
      incident: Str(256).optional(),
    })
    .strict(),
  'add-observable': z.object({ case: Str(256), kind: Str(32), value: Str(2048), ioc: z.boolean().optional() }).strict(),
  'block-ip': z.object({ ip: Str(64) }).strict(),
  'isolate-host': z.object({ host: Str(253) }).strict(),
  notify: z.object({ message: Str(4096), data: z.unknown().optional() }).strict(),
  mail: z.object({ to: z.array(Str(320)).min(1).max(50), subject: Str(256), body: z.string().max(65_536) }).strict(),
} as const;
type Verb = keyof typeof VERBS;

const SAFE: ReadonlySet<Verb> = new Set(['noop', 'open-case', 'add-observable']);
const IDEMPOTENT: ReadonlySet<Verb> = new Set(['noop', 'block-ip', 'isolate-host', 'block-indicator']);

function verbOf(c: CommandData): Verb {
  const v = typeof c.command === 'string' ? c.command.trim() : '';
  if (!(v in VERBS))
    throw new CommandError(`unknown intersoc command ${JSON.stringify(v)}; known: ${Object.keys(VERBS).join(', ')}`);
  return v as Verb;
}

/** Parameters: `content` as JSON with every string substituted. */
function params<V extends Verb>(verb: V, c: CommandData, x: CommandContext): z.infer<(typeof VERBS)[V]> {
  let raw: unknown = {};
  const text =
    typeof c.content === 'string'
      ? c.content
      : typeof c.content_b64 === 'string'
        ? Buffer.from(c.content_b64, 'base64').toString('utf8')
        : '';
  if (text.trim() !== '') {
    try {
      raw = JSON.parse(text);
    } catch {
      throw new CommandError(`intersoc ${verb}: content is not JSON`);
    }
  }
  const sub = (v: unknown): unknown =>
    typeof v === 'string'
      ? x.substitute(v)
      : Array.isArray(v)
        ? v.map(sub)
        : v && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([k, w]) => [k, sub(w)]))
          : v;
  const r = VERBS[verb].safeParse(sub(raw));
  if (!r.success)
    throw new CommandError(
      `intersoc ${verb}: ${r.error.issues.map((i) => `${i.path.join('.') || 'content'} ${i.message}`).join('; ')}`,
    );
  return r.data as z.infer<(typeof VERBS)[V]>;
}

function registered<T>(schema: z.ZodType<T>, x: CommandContext, what: string): T {
  const r = schema.safeParse(x.registration);
  if (!r.success) {
    throw new CommandError(
      `agent ${x.agentId ?? '(none)'} is not registered on this node as ${what}${x.registration ? ` (it is ${String(x.registration.kind)})` : ''}`,
    );
  }
  return r.data;
}

function need<K extends keyof NodePorts>(ports: NodePorts, k: K): NonNullable<NodePorts[K]> {
  const f = ports[k];
  if (!f) throw new CommandError(`${String(k)} is not available on this node`);
  return (f as (...a: unknown[]) => unknown).bind(ports) as NonNullable<NodePorts[K]>;
}

/** The `intersoc` executor over the node's services. */
export function intersocExecutor(ports: NodePorts): CommandExecutor & { approval(c: CommandData): ApprovalPolicy } {
  return {
    type: 'intersoc',
    idempotent: (c) => {
      try {
        return IDEMPOTENT.has(verbOf(c));
      } catch {
        return false;
      }
    },
    approval: (c) => {
      try {
        return SAFE.has(verbOf(c)) ? 'auto' : 'one';
      } catch {
        return 'one';
      }
    },
    describe(c, x) {
      const verb = verbOf(c);
      const p = params(verb, c, x);
      return `intersoc ${verb} ${JSON.stringify(p)}${x.agentId ? ` via ${x.agentId}` : ''}`;
    },
    async execute(c, x): Promise<CommandResult> {
      const verb = verbOf(c);
      switch (verb) {
        case 'noop':
          return { output: { verb } };
        case 'share-indicator': {
          const p = params(verb, c, x);
          const r = await need(ports, 'share')(x.ctx, {
            ...(p.id ? { id: p.id } : {}),
            ...(p.pattern ? { pattern: p.pattern } : {}),
            ...(p.name ? { name: p.name } : {}),
            tlp: p.tlp,
          });
          return {
            output: { verb, id: r.id, peers: r.peers, denied: r.denied, tlp: p.tlp },
            text: r.id,
            actions: [
              {
                connector: 'federation',
                summary: `shared ${r.id} under TLP:${p.tlp.toUpperCase()} with ${r.peers} peer(s)`,
                inverse: { id: r.id },
              },
            ],
          };
        }
        case 'block-indicator': {
          const p = params(verb, c, x);
          const r = await need(ports, 'block')(x.ctx, {
            pattern: p.pattern,
            name: p.name,
            ...(p.valid_for ? { validFor: p.valid_for } : {}),
          });
          return {
            output: { verb, id: r.id },
            text: r.id,
            actions: [
              { connector: 'detectors', summary: `detectors now match ${p.pattern} (${r.id})`, inverse: { id: r.id } },
            ],
          };
        }
        case 'open-case': {
          const p = params(verb, c, x);
          const r = await need(ports, 'openCase')(x.ctx, {
            title: p.title,
            ...(p.description ? { description: p.description } : {}),
            ...(p.severity ? { severity: p.severity } : {}),
            ...(p.incident ? { incident: p.incident } : {}),
          });
          return { output: { verb, case: r.id, number: r.number }, text: r.id };
        }
        case 'add-observable': {
          const p = params(verb, c, x);
          const r = await need(ports, 'addObservable')(x.ctx, {
            case: p.case,
            kind: p.kind,
            value: p.value,
            ...(p.ioc === undefined ? {} : { ioc: p.ioc }),
          });
          return { output: { verb, observable: r.id, case: p.case }, text: r.id };
        }
        case 'block-ip': {
          const p = params(verb, c, x);
          const action = await nftBlock(registered(NftAgentSchema, x, 'nftables'), p.ip, x.signal);
          return { output: { verb, ip: p.ip }, actions: [action] };
        }
        case 'isolate-host': {
          const p = params(verb, c, x);
          const r = await isolateHost(
            registered(IsolationAgentSchema, x, 'an isolation agent'),
            p.host,
            x.secret,
            x.signal,
          );
          return { output: { verb, host: p.host }, actions: [r.action], text: JSON.stringify(r.answer) };
        }
        case 'notify': {
          const p = params(verb, c, x);
          const r = await webhookNotify(
            registered(WebhookAgentSchema, x, 'a webhook'),
            { run: x.run, step: x.step, message: p.message, data: p.data },
            x.secret,
            x.signal,
          );
          return { output: { verb, status: r.status, delivery: r.delivery }, actions: [r.action] };
        }
        case 'mail': {
          const p = params(verb, c, x);
          const r = await smtpSend(
            registered(SmtpAgentSchema, x, 'an SMTP relay'),
            { to: p.to, subject: p.subject, text: p.body },
            x.secret,
          );
          return { output: { verb, messageId: r.messageId, to: p.to.length }, actions: [r.action] };
        }
      }
    },
  };
}
