/**
 * @module
 * Reading playbook text from untrusted sources (files, API bodies, federation): bounded in size
 * and nesting before anything walks it, so a hostile document costs bounded time and memory.
 */
import { fail, ok, type Result } from '@intersoc/core';

/** Limits on a playbook document. */
export interface ReadLimits {
  /** Largest document in bytes (UTF-8). */
  readonly maxBytes: number;
  /** Deepest nesting of objects and arrays. */
  readonly maxDepth: number;
  /** Most workflow steps. */
  readonly maxSteps: number;
}

/** Defaults: far above real playbooks (the corpus's largest is 8 KiB, 6 steps). */
export const DEFAULT_READ_LIMITS: ReadLimits = { maxBytes: 4 * 1024 * 1024, maxDepth: 64, maxSteps: 2000 };

function depthOf(value: unknown, max: number): number {
  // Iterative walk: a deep document must not exhaust the stack before the limit says no.
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== 'object') continue;
    if (d > deepest) deepest = d;
    if (deepest > max) return deepest;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d + 1]);
  }
  return deepest;
}

/** Parses a playbook document, refusing oversized, too deep or non-object input with a reason. */
export function readPlaybookText(text: string, limits: ReadLimits = DEFAULT_READ_LIMITS): Result<unknown> {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxBytes) return fail(`document is ${bytes} bytes; the limit is ${limits.maxBytes}`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return fail(`not JSON: ${(err as Error).message}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return fail('a playbook is a JSON object');
  if (depthOf(doc, limits.maxDepth) > limits.maxDepth) return fail(`nesting deeper than ${limits.maxDepth} levels`);
  const wf = (doc as Record<string, unknown>)['workflow'];
  if (wf && typeof wf === 'object' && Object.keys(wf).length > limits.maxSteps) {
    return fail(`more than ${limits.maxSteps} workflow steps`);
  }
  return ok(doc);
}
