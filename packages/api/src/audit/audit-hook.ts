/**
 * @module
 * Appends one audit entry for every call of a route that declares `config.audit` (every
 * mutating route does), whatever its outcome, including refusals before the handler ran.
 * Refusals that checked no password are counted per address (`refusal-counter.ts`).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DEFAULT_TENANT } from '@intersoc/core';
import type { AuditInput, AuditOutcome, AuditStore } from '@intersoc/storage';
import { auditNoteOf, isUnverified, maybeAuthOf } from '../access/request-state.js';
import type { ApiApp } from '../internal/app-types.js';
import { RefusalCounter } from './refusal-counter.js';
import type { RefusalCounterOptions } from './refusal-counter.js';

function outcomeOf(status: number): AuditOutcome {
  if (status < 400) return 'success';
  return status === 401 || status === 403 || status === 429 ? 'denied' : 'failure';
}

/** Writes the entry. A failing audit store is logged loudly but does not change the response. */
async function record(
  audit: AuditStore,
  refusals: RefusalCounter,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const action = request.routeOptions.config.audit;
  if (action === undefined || request.is404) return;
  const auth = maybeAuthOf(request);
  const note = auditNoteOf(request);
  const tenant = note.tenant ?? auth?.tenant ?? DEFAULT_TENANT;
  // Refused before any password was checked: cheap to send in bulk, so counted per address.
  const write =
    !auth && isUnverified(request) ? (e: AuditInput) => refusals.note(e) : (e: AuditInput) => audit.append(e);
  try {
    await write({
      tenant,
      actor: auth?.user ?? note.actor ?? 'anonymous',
      actorTenant: auth?.tenant ?? tenant,
      action,
      ...(note.target === undefined ? {} : { target: note.target }),
      outcome: outcomeOf(reply.statusCode),
      status: reply.statusCode,
      requestId: request.id,
      details: {
        method: request.method,
        route: request.routeOptions.url ?? request.url,
        ip: request.ip,
        ...(auth ? { via: auth.via } : {}),
        ...note.details,
      },
    });
  } catch (err) {
    request.log.error({ err, action }, 'audit append failed');
  }
}

/** Installs the audit hook. onSend runs before the reply leaves, so the entry exists when the client sees the answer. */
export function installAudit(app: ApiApp, audit: AuditStore, o: RefusalCounterOptions = {}): void {
  const refusals = new RefusalCounter(audit, {
    ...o,
    onError: (err) => app.log.error({ err }, 'audit append failed'),
  });
  app.addHook('onSend', async (request, reply, payload) => {
    await record(audit, refusals, request, reply);
    return payload;
  });
  app.addHook('onClose', async () => refusals.close());
}
