/**
 * @module
 * Builds a `TextDocument` from the blocks a format reader yields: normalises white space inside
 * each block, drops empty ones, joins them with blank lines and segments the sentences.
 */
import type { AttachmentInfo, Paragraph, ReportFormat, Sentence, TextBlock, TextDocument } from './types.js';
import { splitSentences } from './segment.js';

/** Tidies one block: unified line breaks, no trailing spaces, at most one blank line kept as a paragraph break. */
export function tidy(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u00a0\u2000-\u200a\u202f\u205f\u3000]/g, ' ')
    .replace(/[\u200b-\u200d\u2060\ufeff\u00ad]/g, '')
    .replace(/[ \t\f\v]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .trim();
}

/** What `buildDocument` needs besides the blocks. */
export interface BuildOptions {
  readonly format: ReportFormat;
  readonly title?: string;
  readonly pages?: number;
  readonly attachments?: readonly AttachmentInfo[];
  readonly warnings?: readonly string[];
}

/**
 * Joins blocks into a document. A block holding blank lines becomes several paragraphs.
 *
 * @example
 * buildDocument([{ text: 'First. Second.', page: 1 }], { format: 'text' }).sentences.length // 2
 */
export function buildDocument(blocks: readonly TextBlock[], o: BuildOptions): TextDocument {
  let text = '';
  const paragraphs: Paragraph[] = [];
  const sentences: Sentence[] = [];
  for (const b of blocks) {
    for (const piece of tidy(b.text).split(/\n{2,}/)) {
      const p = piece.trim();
      if (p === '') continue;
      if (text.length > 0) text += '\n\n';
      const start = text.length;
      text += p;
      const index = paragraphs.length;
      paragraphs.push({ start, end: text.length, page: b.page, part: b.part ?? 'body' });
      for (const [s, e] of splitSentences(text, start, text.length))
        sentences.push({ start: s, end: e, paragraph: index });
    }
  }
  return {
    format: o.format,
    ...(o.title ? { title: o.title } : {}),
    text,
    paragraphs,
    sentences,
    pages: o.pages ?? 1,
    attachments: o.attachments ?? [],
    warnings: o.warnings ?? [],
  };
}

/** Index of the sentence holding text offset `at` (binary search), or -1. */
export function sentenceAt(doc: Pick<TextDocument, 'sentences'>, at: number): number {
  let lo = 0;
  let hi = doc.sentences.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = doc.sentences[mid] as Sentence;
    if (at < s.start) hi = mid - 1;
    else if (at >= s.end) lo = mid + 1;
    else return mid;
  }
  return -1;
}
