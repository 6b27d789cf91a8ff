/**
 * @module
 * `sigma` commands run a hunt: the rule (`command_b64`, Sigma YAML; the CACAO sigma command has
 * no other property) over the tenant's stored events, newest first, through the node's hunt
 * service. Matching event ids go to the step's first out_arg. Reads only: idempotent and
 * without approval.
 */
import type { ApprovalPolicy } from '../../engine/types.js';
import type { NodePorts } from '../intersoc/ports.js';
import { CommandError, type CommandExecutor } from '../types.js';

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
      const r = await ports.hunt(x.ctx, { rule, limit: 1000 });
      return { output: { rule: r.rule, matches: r.matches }, text: JSON.stringify(r.events), values: {} };
    },
  };
}
