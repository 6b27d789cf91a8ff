/**
 * @module
 * Webhook: posts a JSON notice to a registered URL, signed with HMAC-SHA256 over the body when
 * the registration names a secret (header `X-Intersoc-Signature: sha256=<hex>`, as GitHub signs
 * its hooks). Its inverse posts a retraction that names the delivery it withdraws.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { expectOk, httpRequest } from '../../commands/http.js';
import type { ActionRecord, Connector } from '../../commands/types.js';

/** A webhook registration. */
export const WebhookAgentSchema = z.object({
  match: z.string().min(1),
  kind: z.literal('webhook'),
  url: z.url(),
  /** Secret reference for the HMAC signature. */
  secret: z.string().optional(),
});
/** A webhook registration. */
export type WebhookAgent = z.infer<typeof WebhookAgentSchema>;

async function post(url: string, payload: unknown, secret: string | undefined, signal: AbortSignal): Promise<number> {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (secret) headers['x-intersoc-signature'] = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  const r = await httpRequest(url, { method: 'POST', headers, body, signal });
  expectOk(r, `webhook ${url}`);
  return r.status;
}

/** Delivers a notice; returns the action with its retraction. */
export async function webhookNotify(
  agent: WebhookAgent,
  notice: { readonly run: string; readonly step: string; readonly message: string; readonly data?: unknown },
  secret: (ref: string) => string | undefined,
  signal: AbortSignal,
): Promise<{ action: ActionRecord; status: number; delivery: string }> {
  const delivery = randomUUID();
  const status = await post(
    agent.url,
    { event: 'notice', delivery, ...notice },
    agent.secret ? secret(agent.secret) : undefined,
    signal,
  );
  return {
    status,
    delivery,
    action: {
      connector: 'webhook',
      summary: `notified ${agent.url} (delivery ${delivery})`,
      inverse: { url: agent.url, delivery, secret: agent.secret ?? null, run: notice.run, step: notice.step },
    },
  };
}

const InverseSchema = z.object({
  url: z.url(),
  delivery: z.string(),
  secret: z.string().nullable(),
  run: z.string(),
  step: z.string(),
});

/** The webhook connector: posts a retraction of a delivery. */
export function webhookConnector(secret: (tenant: string, ref: string) => string | undefined): Connector {
  return {
    name: 'webhook',
    async revert(inverse, c) {
      const i = InverseSchema.parse(inverse);
      await post(
        i.url,
        { event: 'retraction', delivery: randomUUID(), retracts: i.delivery, run: i.run, step: i.step },
        i.secret ? secret(c.ctx.tenant, i.secret) : undefined,
        c.signal,
      );
    },
  };
}
