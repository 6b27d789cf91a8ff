/**
 * @module
 * HTML reports: linkedom parses, Mozilla Readability keeps the article and drops navigation and
 * boilerplate, and a walk of the article's DOM turns block elements into paragraphs (table cells
 * are separated, `<pre>` keeps its lines, `<br>` breaks a line). When Readability finds no
 * article, or one far shorter than the page's text, the whole body is used, so an appendix of
 * indicators is not lost. Nesting deeper than the limit is refused before any recursive code runs.
 */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { AppError } from '@intersoc/core';
import type { TextBlock } from '../document/types.js';
import type { ExtractLimits } from './limits.js';

const BLOCK = new Set([
  'ADDRESS',
  'ARTICLE',
  'ASIDE',
  'BLOCKQUOTE',
  'DD',
  'DIV',
  'DL',
  'DT',
  'FIGCAPTION',
  'FIGURE',
  'FOOTER',
  'FORM',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
  'HEADER',
  'HR',
  'LI',
  'MAIN',
  'NAV',
  'OL',
  'P',
  'PRE',
  'SECTION',
  'TABLE',
  'TR',
  'UL',
  'CAPTION',
  'DETAILS',
  'SUMMARY',
]);
const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'SVG', 'CANVAS', 'IFRAME', 'OBJECT', 'HEAD']);

/** Minimal DOM node shape used here (linkedom's). */
interface DomNode {
  readonly nodeType: number;
  readonly nodeName: string;
  readonly firstChild: DomNode | null;
  readonly nextSibling: DomNode | null;
  readonly parentNode: DomNode | null;
  readonly textContent: string | null;
}

/** Deepest element nesting under `root`, walked without recursion; stops once past `limit`. */
export function nestingDepth(root: DomNode, limit: number): number {
  let depth = 0;
  let max = 0;
  let node: DomNode | null = root.firstChild;
  while (node) {
    if (node.firstChild) {
      node = node.firstChild;
      depth++;
      if (depth > max) max = depth;
      if (max > limit) return max;
      continue;
    }
    while (node && !node.nextSibling) {
      node = node.parentNode;
      depth--;
      if (node === root || depth < 0) return max;
    }
    node = node?.nextSibling ?? null;
  }
  return max;
}

/** Text of a DOM subtree with paragraph breaks at block elements, without recursion. */
export function domText(root: DomNode): string {
  const out: string[] = [];
  const stack: { node: DomNode; exit: boolean; pre: boolean }[] = [{ node: root, exit: false, pre: false }];
  while (stack.length > 0) {
    const { node, exit, pre } = stack.pop() as { node: DomNode; exit: boolean; pre: boolean };
    const name = node.nodeName.toUpperCase();
    if (exit) {
      if (BLOCK.has(name)) out.push('\n\n');
      else if (name === 'TD' || name === 'TH') out.push(' | ');
      continue;
    }
    if (node.nodeType === 3) {
      const t = node.textContent ?? '';
      out.push(pre ? t.replace(/\n/g, '\n\u0000') : t.replace(/\s+/g, ' '));
      continue;
    }
    if (node.nodeType !== 1 && node.nodeType !== 9 && node.nodeType !== 11) continue;
    if (SKIP.has(name)) continue;
    if (name === 'BR') {
      out.push('\n');
      continue;
    }
    if (BLOCK.has(name)) out.push('\n\n');
    stack.push({ node, exit: true, pre });
    const children: DomNode[] = [];
    for (let c = node.firstChild; c; c = c.nextSibling) children.push(c);
    const inPre = pre || name === 'PRE';
    for (let i = children.length - 1; i >= 0; i--)
      stack.push({ node: children[i] as DomNode, exit: false, pre: inPre });
  }
  // Each line of a <pre> (commands, indicators) stands alone (a NUL marks them until then).
  return out
    .join('')
    .replace(/ *\| *(\n|$)/g, '$1')
    .replace(/[ \t]*\n\u0000/g, '\n\n')
    .replace(/\u0000/g, '');
}

/** The text blocks of an HTML report, and its title. */
export function htmlBlocks(
  html: string,
  limits: ExtractLimits,
  part?: string,
): { blocks: TextBlock[]; title?: string } {
  let document: ReturnType<typeof parseHTML>['document'];
  try {
    ({ document } = parseHTML(html));
  } catch (err) {
    throw new AppError('PARSE', `not readable HTML: ${(err as Error).message}`, { cause: err });
  }
  const root = document as unknown as DomNode;
  const depth = nestingDepth(root, limits.maxHtmlDepth);
  if (depth > limits.maxHtmlDepth)
    throw new AppError('PARSE', `HTML nested deeper than ${limits.maxHtmlDepth} elements; refused`);
  const body = (document.body ?? document.documentElement) as unknown as DomNode | null;
  const whole = body ? domText(body) : '';
  const docTitle = document.title?.trim();
  let text = whole;
  let title = docTitle;
  try {
    // Readability changes the DOM it reads: give it its own copy.
    const article = new Readability(parseHTML(html).document as never, { charThreshold: 200 }).parse();
    if (article?.content) {
      const { document: a } = parseHTML(`<html><body>${article.content}</body></html>`);
      const articleText = domText(a.body as unknown as DomNode);
      // Readability sometimes drops tables of indicators: keep the page when it loses too much.
      if (articleText.replace(/\s+/g, '').length >= 0.6 * whole.replace(/\s+/g, '').length) text = articleText;
      title = article.title?.trim() || title;
    }
  } catch {
    // No article found: the body stands.
  }
  if (text.length > limits.maxChars)
    throw new AppError('PAYLOAD_TOO_LARGE', `the page holds more than ${limits.maxChars} characters of text`);
  return { blocks: [{ text, page: 1, ...(part ? { part } : {}) }], ...(title ? { title: title.slice(0, 500) } : {}) };
}
