/**
 * @module
 * Connectors into the node itself: federation shares (undone by revoking the shared object and
 * sharing the revocation) and indicators blocked at the detectors (undone by revoking them).
 */
import { z } from 'zod';
import type { NodePorts } from '../../commands/intersoc/ports.js';
import { CommandError, type Connector } from '../../commands/types.js';

const ById = z.object({ id: z.string().min(1).max(256) });

/** The federation connector. */
export function federationConnector(ports: NodePorts): Connector {
  return {
    name: 'federation',
    async revert(inverse, c) {
      if (!ports.unshare) throw new CommandError('federation is not available on this node');
      await ports.unshare(c.ctx, ById.parse(inverse).id);
    },
  };
}

/** The detectors connector. */
export function detectorsConnector(ports: NodePorts): Connector {
  return {
    name: 'detectors',
    async revert(inverse, c) {
      if (!ports.unblock) throw new CommandError('the detectors are not available here');
      await ports.unblock(c.ctx, ById.parse(inverse).id);
    },
  };
}
