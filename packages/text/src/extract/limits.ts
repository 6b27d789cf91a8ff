/**
 * @module
 * Bounds on report extraction. Every reader checks them as it goes, and the isolated extractor
 * runs readers in a worker thread with a heap cap and a deadline, so a hostile file (a PDF bomb,
 * HTML nested thousands deep, a huge attachment) ends with a clear error in bounded time and
 * memory and the node loses nothing else.
 */

/** Extraction limits. */
export interface ExtractLimits {
  /** Largest input file, bytes. */
  readonly maxBytes: number;
  /** Most PDF pages read. */
  readonly maxPages: number;
  /** Most characters of text kept. */
  readonly maxChars: number;
  /** Most attachments of one e-mail. */
  readonly maxAttachments: number;
  /** Largest attachment extracted (larger ones are skipped with a reason). */
  readonly maxAttachmentBytes: number;
  /** Deepest nesting of e-mails in e-mails. */
  readonly maxEmailDepth: number;
  /** Deepest element nesting of HTML. */
  readonly maxHtmlDepth: number;
  /** Wall-clock budget of one extraction (isolated mode), ms. */
  readonly timeoutMs: number;
  /** Heap of the extraction worker, MiB (isolated mode). */
  readonly memoryMb: number;
}

/** The defaults: generous for real reports, small enough for a shared node. */
export const DEFAULT_LIMITS: ExtractLimits = {
  maxBytes: 64 * 1024 * 1024,
  maxPages: 2_000,
  maxChars: 20_000_000,
  maxAttachments: 50,
  maxAttachmentBytes: 32 * 1024 * 1024,
  maxEmailDepth: 3,
  maxHtmlDepth: 512,
  timeoutMs: 60_000,
  memoryMb: 512,
};
