/**
 * @module
 * SMTP: sends a notice by e-mail through a registered relay (nodemailer). Its inverse sends a
 * retraction in reply to the first message (`In-Reply-To` its Message-ID), since mail cannot be
 * unsent.
 */
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { z } from 'zod';
import { CommandError, type ActionRecord, type Connector } from '../../commands/types.js';

/** An SMTP registration. */
export const SmtpAgentSchema = z.object({
  match: z.string().min(1),
  kind: z.literal('smtp'),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(25),
  /** Implicit TLS (465); otherwise STARTTLS when the server offers it. */
  secure: z.boolean().default(false),
  from: z.email(),
  /** User name and secret reference of the password, when the relay wants them. */
  user: z.string().optional(),
  secret: z.string().optional(),
  /** Accept self-signed certificates (a lab relay). */
  insecureTls: z.boolean().default(false),
});
/** An SMTP registration. */
export type SmtpAgent = z.infer<typeof SmtpAgentSchema>;

const ADDRESS = z.email();

function transport(agent: SmtpAgent, password: string | undefined) {
  return nodemailer.createTransport({
    host: agent.host,
    port: agent.port,
    secure: agent.secure,
    ...(agent.user ? { auth: { user: agent.user, pass: password ?? '' } } : {}),
    tls: { rejectUnauthorized: !agent.insecureTls },
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  });
}

async function send(agent: SmtpAgent, password: string | undefined, mail: SendMailOptions): Promise<string> {
  const t = transport(agent, password);
  try {
    const info = (await t.sendMail({ from: agent.from, ...mail })) as { messageId: string; rejected: unknown[] };
    if (info.rejected.length > 0) throw new CommandError(`relay refused ${JSON.stringify(info.rejected)}`);
    return info.messageId;
  } catch (err) {
    if (err instanceof CommandError) throw err;
    const code = (err as { code?: string }).code ?? '';
    throw new CommandError(`SMTP ${agent.host}:${agent.port}: ${(err as Error).message}`, {
      safeToRetry: code === 'ECONNECTION' || code === 'ECONNREFUSED',
    });
  } finally {
    t.close();
  }
}

/** Sends a notice; returns the action with its retraction. */
export async function smtpSend(
  agent: SmtpAgent,
  mail: { readonly to: readonly string[]; readonly subject: string; readonly text: string },
  secret: (ref: string) => string | undefined,
): Promise<{ action: ActionRecord; messageId: string }> {
  for (const to of mail.to)
    if (!ADDRESS.safeParse(to).success) throw new CommandError(`not an e-mail address: ${JSON.stringify(to)}`);
  if (/[\r\n]/.test(mail.subject)) throw new CommandError('a subject is one line');
  const messageId = await send(agent, agent.secret ? secret(agent.secret) : undefined, {
    to: [...mail.to],
    subject: mail.subject,
    text: mail.text,
  });
  return {
    messageId,
    action: {
      connector: 'smtp',
      summary: `mailed "${mail.subject}" to ${mail.to.join(', ')} (${messageId})`,
      inverse: { agent: agent.match, to: [...mail.to], subject: mail.subject, messageId },
    },
  };
}

const InverseSchema = z.object({
  agent: z.string(),
  to: z.array(z.string()),
  subject: z.string(),
  messageId: z.string(),
});

/** The SMTP connector: sends the retraction through the same registration. */
export function smtpConnector(
  registration: (tenant: string, match: string) => SmtpAgent | undefined,
  secret: (tenant: string, ref: string) => string | undefined,
): Connector {
  return {
    name: 'smtp',
    async revert(inverse, c) {
      const i = InverseSchema.parse(inverse);
      const agent = registration(c.ctx.tenant, i.agent);
      if (!agent) throw new CommandError(`SMTP agent ${i.agent} is no longer registered`);
      await send(agent, agent.secret ? secret(c.ctx.tenant, agent.secret) : undefined, {
        to: i.to,
        subject: `Withdrawn: ${i.subject}`,
        text: `The notice "${i.subject}" (${i.messageId}) is withdrawn: the response action it announced was rolled back.`,
        inReplyTo: i.messageId,
        references: [i.messageId],
      });
    },
  };
}
