/**
 * @module
 * PDF text with PDF.js (through unpdf's server build). Text items are put back into lines by
 * their baseline and into paragraphs by vertical gaps; lines of a paragraph are joined with
 * spaces (a hyphen at a line end between letters is taken out), so sentences and indicators
 * split by line wrapping come back whole. Page numbers are kept on every paragraph.
 */
import { AppError } from '@intersoc/core';
import { getDocumentProxy } from 'unpdf';
import type { TextBlock } from '../document/types.js';
import type { ExtractLimits } from './limits.js';

interface Item {
  readonly str: string;
  readonly hasEOL?: boolean;
  readonly transform?: readonly number[];
  readonly height?: number;
}

/** Lines of one page: text and baseline. */
function lines(items: readonly Item[]): { text: string; y: number; h: number }[] {
  const out: { text: string; y: number; h: number }[] = [];
  let cur: { text: string; y: number; h: number } | undefined;
  for (const it of items) {
    const y = it.transform?.[5] ?? cur?.y ?? 0;
    const h = Math.abs(it.height ?? it.transform?.[3] ?? 10) || 10;
    if (cur && Math.abs(cur.y - y) > h * 0.5 && it.str !== '') {
      out.push(cur);
      cur = undefined;
    }
    if (!cur) cur = { text: '', y, h };
    cur.text += it.str;
    if (it.hasEOL) {
      out.push(cur);
      cur = undefined;
    }
  }
  if (cur) out.push(cur);
  return out.filter((l) => l.text.trim() !== '');
}

/** Paragraph texts of one page. */
export function pageParagraphs(items: readonly Item[]): string[] {
  const ls = lines(items);
  // A line much shorter than the page's longest ends where its author ended it (a list, a heading).
  const longest = ls.reduce((m, l) => Math.max(m, l.text.trim().length), 0);
  const paras: string[] = [];
  let cur = '';
  let prev: { y: number; h: number } | undefined;
  let shortPrev = false;
  for (const l of ls) {
    const gap = prev ? prev.y - l.y : 0;
    // A gap of more than ~1.6 lines, or a jump upwards (a new column), starts a paragraph.
    if (prev && (gap > Math.max(prev.h, l.h) * 1.6 || gap < -prev.h)) {
      paras.push(cur);
      cur = '';
      shortPrev = false;
    }
    const t = l.text.trim();
    if (cur === '') cur = t;
    else if (/[A-Za-z]-$/.test(cur) && /^[a-z]/.test(t)) cur = cur.slice(0, -1) + t;
    // Bullets, numbered items, `Label: value` lines and lines after a short line start a new line.
    else if (/^([-•‣◦▪]|\d+[.)])\s|^[A-Z][\w -]{0,30}:\s/.test(t) || shortPrev) cur += `\n${t}`;
    else cur += ` ${t}`;
    shortPrev = t.length < 0.75 * longest;
    prev = l;
  }
  if (cur !== '') paras.push(cur);
  return paras;
}

/** The text blocks of a PDF, and its page count. */
export async function pdfBlocks(
  bytes: Uint8Array,
  limits: ExtractLimits,
  part?: string,
): Promise<{ blocks: TextBlock[]; pages: number; title?: string }> {
  let doc: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // PDF.js takes ownership of the buffer: give it a copy.
    doc = await getDocumentProxy(new Uint8Array(bytes), { stopAtErrors: false, verbosity: 0 });
  } catch (err) {
    throw new AppError('PARSE', `not a readable PDF: ${(err as Error).message}`, { cause: err });
  }
  try {
    if (doc.numPages > limits.maxPages)
      throw new AppError('PAYLOAD_TOO_LARGE', `the PDF has ${doc.numPages} pages; at most ${limits.maxPages} are read`);
    const blocks: TextBlock[] = [];
    let chars = 0;
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      for (const p of pageParagraphs(content.items as Item[])) {
        chars += p.length;
        if (chars > limits.maxChars)
          throw new AppError('PAYLOAD_TOO_LARGE', `the PDF holds more than ${limits.maxChars} characters of text`);
        blocks.push({ text: `${p}\n\n`, page: n, ...(part ? { part } : {}) });
      }
      page.cleanup();
    }
    let title: string | undefined;
    try {
      const meta = await doc.getMetadata();
      const t = (meta.info as { Title?: unknown } | undefined)?.Title;
      if (typeof t === 'string' && t.trim() !== '') title = t.trim().slice(0, 500);
    } catch {
      // Metadata is optional.
    }
    return { blocks, pages: doc.numPages, ...(title ? { title } : {}) };
  } finally {
    await doc.loadingTask.destroy();
  }
}
