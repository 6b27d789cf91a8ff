/**
 * @module
 * E-mail (`.eml`, RFC 5322/MIME) with postal-mime: the subject, the text body (or the HTML body
 * through the HTML reader) and every attachment in a report format (PDF, HTML, text, Markdown,
 * attached e-mails), each as a part of its own with its own page numbers. Attachments over the
 * size limit, beyond the count limit, nested too deep or unreadable are skipped with the reason;
 * the rest of the message is kept.
 */
import PostalMime from 'postal-mime';
import { AppError, toAppError } from '@intersoc/core';
import type { AttachmentInfo, TextBlock } from '../document/types.js';
import type { ExtractLimits } from './limits.js';

/** Reads an attachment's blocks (the format dispatcher, given to avoid an import cycle). */
export type PartReader = (
  bytes: Uint8Array,
  name: string,
  part: string,
  depth: number,
) => Promise<{ blocks: TextBlock[]; attachments: AttachmentInfo[]; warnings: string[] }>;

const SUPPORTED =
  /^(application\/pdf|text\/(plain|html|markdown|x-markdown)|message\/rfc822|application\/xhtml\+xml)$/i;
const SUPPORTED_EXT = /\.(pdf|html?|txt|md|markdown|eml)$/i;

function bytesOf(content: ArrayBuffer | Uint8Array | string): Uint8Array {
  if (typeof content === 'string') return new TextEncoder().encode(content);
  return content instanceof Uint8Array ? content : new Uint8Array(content);
}

/** The blocks of an e-mail, its subject and what became of its attachments. */
export async function emailBlocks(
  raw: Uint8Array,
  limits: ExtractLimits,
  readPart: PartReader,
  htmlToBlocks: (html: string, part: string) => TextBlock[],
  depth = 0,
  prefix = '',
): Promise<{ blocks: TextBlock[]; title?: string; attachments: AttachmentInfo[]; warnings: string[] }> {
  let mail: Awaited<ReturnType<typeof PostalMime.parse>>;
  try {
    mail = await PostalMime.parse(raw, {
      rfc822Attachments: true,
      attachmentEncoding: 'arraybuffer',
      maxNestingDepth: 64,
      maxPartCount: 2_000,
    });
  } catch (err) {
    throw new AppError('PARSE', `not a readable e-mail: ${(err as Error).message}`, { cause: err });
  }
  const body = prefix === '' ? 'body' : prefix;
  const blocks: TextBlock[] = [];
  const warnings: string[] = [];
  const attachments: AttachmentInfo[] = [];
  const subject = mail.subject?.trim();
  if (subject) blocks.push({ text: `${subject}\n\n`, page: 1, part: body });
  if (mail.text && mail.text.trim() !== '') blocks.push({ text: mail.text, page: 1, part: body });
  else if (mail.html) blocks.push(...htmlToBlocks(mail.html, body));
  let taken = 0;
  for (const [i, a] of mail.attachments.entries()) {
    const name = (a.filename ?? `attachment-${i + 1}`).slice(0, 200);
    const bytes = bytesOf(a.content);
    const info = { name: prefix === '' ? name : `${prefix}/${name}`, mimeType: a.mimeType, bytes: bytes.length };
    const skip = (reason: string): void => {
      attachments.push({ ...info, status: 'skipped', reason });
      warnings.push(`attachment ${info.name} skipped: ${reason}`);
    };
    if (!SUPPORTED.test(a.mimeType) && !SUPPORTED_EXT.test(name)) {
      skip(`not a report format (${a.mimeType})`);
      continue;
    }
    if (taken >= limits.maxAttachments) {
      skip(`more than ${limits.maxAttachments} attachments`);
      continue;
    }
    if (bytes.length > limits.maxAttachmentBytes) {
      skip(`larger than ${limits.maxAttachmentBytes} bytes`);
      continue;
    }
    const isMail = /^message\/rfc822$/i.test(a.mimeType) || /\.eml$/i.test(name);
    if (isMail && depth + 1 > limits.maxEmailDepth) {
      skip(`e-mails nested deeper than ${limits.maxEmailDepth}`);
      continue;
    }
    taken++;
    try {
      const r = await readPart(bytes, name, info.name, depth + 1);
      blocks.push(...r.blocks);
      attachments.push({ ...info, status: 'extracted' }, ...r.attachments);
      warnings.push(...r.warnings);
    } catch (err) {
      skip(toAppError(err).message);
    }
  }
  return { blocks, ...(subject ? { title: subject.slice(0, 500) } : {}), attachments, warnings };
}
