/**
 * @module
 * Installs the error and not-found handlers: everything becomes `{ error: { code, message,
 * details? } }` with the status from the single code table.
 */
import { noteAudit } from '../access/request-state.js';
import type { ApiApp } from '../internal/app-types.js';
import { toHttpError } from './error-table.js';

/** Installs the handlers on `app` (inherited by every plugin registered after). */
export function installErrorHandling(app: ApiApp): void {
  app.setErrorHandler((err, request, reply) => {
    const http = toHttpError(err, request.id);
    if (http.status >= 500) request.log.error({ err: http.error }, 'request failed');
    else request.log.info({ code: http.error.code }, http.error.message);
    noteAudit(request, { details: { error: http.error.code } });
    return reply.code(http.status).headers(http.headers).send(http.body);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    return reply.code(404).send({ error: { code: 'NOT_FOUND', message: `no route ${request.method} ${path}` } });
  });
}
