/**
 * @module
 * One entry for every report format: `extractDocument(bytes, name)` detects the format, reads
 * it within the limits and returns the `TextDocument`. It runs on the calling thread; the
 * isolated variant (`extractIsolated`) runs it in a worker with a heap cap and a deadline.
 */
import { AppError } from '@intersoc/core';
import { buildDocument } from '../document/build.js';
import type { AttachmentInfo, ReportFormat, TextBlock, TextDocument } from '../document/types.js';
import { decodeText } from './decode.js';
import { detectFormat } from './detect.js';
import { emailBlocks } from './email.js';
import { htmlBlocks } from './html.js';
import { DEFAULT_LIMITS, type ExtractLimits } from './limits.js';
import { pdfBlocks } from './pdf.js';
import { markdownBlocks, plainBlocks } from './plain.js';

interface Read {
  blocks: TextBlock[];
  title?: string;
  pages: number;
  attachments: AttachmentInfo[];
  warnings: string[];
}

async function read(
  bytes: Uint8Array,
  format: ReportFormat,
  limits: ExtractLimits,
  part: string | undefined,
  depth: number,
): Promise<Read> {
  switch (format) {
    case 'pdf': {
      const r = await pdfBlocks(bytes, limits, part);
      return { ...r, attachments: [], warnings: [] };
    }
    case 'html': {
      const d = decodeText(bytes, part ?? 'the page');
      const r = htmlBlocks(d.text, limits, part);
      return { ...r, pages: 1, attachments: [], warnings: d.warning ? [d.warning] : [] };
    }
    case 'text':
    case 'markdown': {
      const d = decodeText(bytes, part ?? 'the file');
      if (d.text.length > limits.maxChars)
        throw new AppError('PAYLOAD_TOO_LARGE', `more than ${limits.maxChars} characters of text`);
      const blocks = (format === 'text' ? plainBlocks(d.text) : markdownBlocks(d.text)).map((b) =>
        part ? { ...b, part } : b,
      );
      return { blocks, pages: 1, attachments: [], warnings: d.warning ? [d.warning] : [] };
    }
    case 'email': {
      const r = await emailBlocks(
        bytes,
        limits,
        async (b, name, p, dep) => {
          const inner = await read(b, detectFormat(b, name), limits, p, dep);
          return { blocks: inner.blocks, attachments: inner.attachments, warnings: inner.warnings };
        },
        (html, p) => htmlBlocks(html, limits, p).blocks,
        depth,
        part ?? '',
      );
      return { ...r, pages: 1 };
    }
  }
}

/** Options of `extractDocument`. */
export interface ExtractOptions {
  /** The file name (helps format detection). */
  readonly name?: string;
  /** Skip detection. */
  readonly format?: ReportFormat;
  readonly limits?: Partial<ExtractLimits>;
}

/**
 * Reads a report of any supported format into a document.
 *
 * @example
 * const doc = await extractDocument(readFileSync('apt.pdf'), { name: 'apt.pdf' });
 * doc.sentences.length;
 */
export async function extractDocument(bytes: Uint8Array, o: ExtractOptions = {}): Promise<TextDocument> {
  const limits = { ...DEFAULT_LIMITS, ...o.limits };
  if (bytes.length > limits.maxBytes)
    throw new AppError('PAYLOAD_TOO_LARGE', `the report is ${bytes.length} bytes; at most ${limits.maxBytes} are read`);
  if (bytes.length === 0) throw new AppError('VALIDATION', 'the report is empty');
  const format = o.format ?? detectFormat(bytes, o.name ?? '');
  const r = await read(bytes, format, limits, undefined, 0);
  const doc = buildDocument(r.blocks, {
    format,
    ...(r.title ? { title: r.title } : {}),
    pages: r.pages,
    attachments: r.attachments,
    warnings: r.warnings,
  });
  if (doc.text.length > limits.maxChars)
    throw new AppError('PAYLOAD_TOO_LARGE', `the report holds more than ${limits.maxChars} characters of text`);
  return doc;
}
