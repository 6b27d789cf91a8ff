/**
 * @module
 * `sigma` commands run a hunt: the rule (`command_b64`, Sigma YAML) over the tenant's stored
 * events through the node's hunt service, within an optional window (`content`: JSON with
 * `from`/`to` epoch ms or ISO times). Matching event ids go to the step's first out_arg. Reads
 * only: idempotent and without approval.
 */
import type { ApprovalPolicy } from '../../engine/types.js';
import type { NodePorts } from '../intersoc/ports.js';
import { CommandError, type CommandExecutor } from '../types.js';

function time(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const t = Date.parse(v);
    if (Number.isFinite(t)) return t;
  }
  return undefined;
}

/** The sigma executor over the node's hunt service. */
export function sigmaExecutor(ports: NodePorts): CommandExecutor & { approval(): ApprovalPolicy } {
  return {
    type: 'sigma',
    idempotent: () => true,
    approval: () => 'auto',
    describe: (c) =>
      `hunt with the Sigma rule in command_b64 (${typeof c.command_b64 === 'string' ? Buffer.from(c.command_b64, 'base64').length : 0} bytes)`,
    async execute(c, x) {
      if (!ports.hunt) throw new CommandError('hunting is not available on this node');
      if (typeof c.command_b64 !== 'string') throw new CommandError('sigma: command_b64 holds the rule');
      const rule = Buffer.from(c.command_b64, 'base64').toString('utf8');
      let window: Record<string, unknown> = {};
      if (typeof c.content === 'string' && c.content.trim() !== '') {
        try {
          window = JSON.parse(x.substitute(c.content)) as Record<string, unknown>;
        } catch {
          throw new CommandError('sigma: content is not JSON');
        }
      }
      const from = time(window['from']);
      const to = time(window['to']);
      const r = await ports.hunt(x.ctx, {
        rule,
        ...(from === undefined ? {} : { from }),
        ...(to === undefined ? {} : { to }),
        limit: 1000,
      });
      return { output: { rule: r.rule, matches: r.matches }, text: JSON.stringify(r.events), values: {} };
    },
  };
}
