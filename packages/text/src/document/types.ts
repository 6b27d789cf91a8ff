/**
 * @module
 * The document model every report format is reduced to: one text with paragraphs (each on a page
 * of a part: the body or an attachment) and sentences, all as character offsets into `text`, so
 * that every extracted item can point back to its sentence, paragraph and page.
 */

/** Formats a report may come in. */
export type ReportFormat = 'pdf' | 'html' | 'text' | 'markdown' | 'email';

/** Every report format. */
export const REPORT_FORMATS: readonly ReportFormat[] = ['pdf', 'html', 'text', 'markdown', 'email'];

/** A paragraph: `[start, end)` of the document text. */
export interface Paragraph {
  readonly start: number;
  readonly end: number;
  /** 1-based page within its part (1 for formats without pages). */
  readonly page: number;
  /** `body`, or the attachment's name for e-mail attachments. */
  readonly part: string;
}

/** A sentence: `[start, end)` of the document text, inside one paragraph. */
export interface Sentence {
  readonly start: number;
  readonly end: number;
  /** Index into `paragraphs`. */
  readonly paragraph: number;
}

/** An attachment of an e-mail and what became of it. */
export interface AttachmentInfo {
  readonly name: string;
  readonly mimeType: string;
  readonly bytes: number;
  /** `extracted` (its text is in the document) or `skipped` (with the reason). */
  readonly status: 'extracted' | 'skipped';
  readonly reason?: string;
}

/** A report reduced to text. */
export interface TextDocument {
  readonly format: ReportFormat;
  readonly title?: string;
  /** Paragraphs joined by blank lines. */
  readonly text: string;
  readonly paragraphs: readonly Paragraph[];
  readonly sentences: readonly Sentence[];
  /** Pages of the body (PDF), else 1. */
  readonly pages: number;
  readonly attachments: readonly AttachmentInfo[];
  /** What was odd but not fatal (an undecodable byte sequence, a skipped attachment). */
  readonly warnings: readonly string[];
}

/** One block of text as a format reader yields it. */
export interface TextBlock {
  readonly text: string;
  readonly page: number;
  readonly part?: string;
}
