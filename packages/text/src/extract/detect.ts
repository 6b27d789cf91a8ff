/**
 * @module
 * Recognises a report's format from its first bytes and, where they are not decisive, its name.
 */
import type { ReportFormat } from '../document/types.js';

const HEADER =
  /^(?:from|to|subject|date|received|return-path|message-id|mime-version|delivered-to|reply-to|x-[a-z0-9-]+|content-type|cc|sender):/i;

/** The format of `bytes` (named `name`, which may be empty). */
export function detectFormat(bytes: Uint8Array, name = ''): ReportFormat {
  const head = Buffer.from(bytes.subarray(0, 4096)).toString('latin1');
  if (head.startsWith('%PDF-') || /^\s{0,64}%PDF-/.test(head.slice(0, 1100))) return 'pdf';
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? '';
  if (ext === 'pdf') return 'pdf';
  if (ext === 'eml' || ext === 'msg822') return 'email';
  if (ext === 'html' || ext === 'htm' || ext === 'xhtml') return 'html';
  if (ext === 'md' || ext === 'markdown') return 'markdown';
  const t = head.replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart();
  // An e-mail opens with header lines, one of which names a sender, subject or MIME version.
  const lines = t.split(/\r?\n/, 12);
  if (
    lines.length > 1 &&
    HEADER.test(lines[0] ?? '') &&
    lines.slice(0, 12).some((l) => /^(from|subject|mime-version|received):/i.test(l))
  )
    return 'email';
  if (/^<(!doctype html|html|head|body)\b/i.test(t) || /<(html|body|p|div|article)[\s>]/i.test(t.slice(0, 2048)))
    return 'html';
  if (ext === 'txt' || ext === 'text') return 'text';
  if (/^#{1,6} \S/m.test(t) && /(\n|^)(#{1,6} |[-*] |```)/.test(t)) return 'markdown';
  return 'text';
}
