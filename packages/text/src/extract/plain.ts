/**
 * @module
 * Plain text and Markdown. Markdown loses its markup (headings, emphasis, link syntax, fences)
 * but keeps link targets and code, where indicators often are.
 */
import type { TextBlock } from '../document/types.js';

/** Blocks of a plain-text report: paragraphs are separated by blank lines. */
export function plainBlocks(text: string): TextBlock[] {
  return [{ text, page: 1 }];
}

/** Strips Markdown markup from one line. */
function unmark(line: string): string {
  return (
    line
      .replace(/^\s{0,3}#{1,6}\s+/, '')
      .replace(/^\s{0,3}>\s?/, '')
      .replace(/^\s*(?:[-*+]|\d+[.)])\s+\[[ xX]\]\s+/, '- ')
      // images keep their alt text, links their text and target
      .replace(/!\[([^\]]*)\]\(([^)\s]*)(?:\s+"[^"]*")?\)/g, '$1')
      .replace(/\[([^\]]+)\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g, (_m, t: string, u: string) => (t === u ? t : `${t} (${u})`))
      .replace(/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, '$2')
      .replace(/(^|[\s(])\*(?=\S)([^*\n]+?)(?<=\S)\*(?=$|[\s).,;:!?])/g, '$1$2')
      .replace(/`([^`]+)`/g, '$1')
      .replace(/^\s*\|?(\s*:?-{3,}:?\s*\|)+\s*:?-*:?\s*$/, '')
      .replace(/\s*\|\s*/g, (m, off: number, s: string) => (off === 0 || off + m.length === s.length ? '' : ' | '))
  );
}

/** Blocks of a Markdown report. */
export function markdownBlocks(text: string): TextBlock[] {
  const out: string[] = [];
  let fence = false;
  for (const line of text.split(/\r?\n/)) {
    if (/^\s{0,3}(```|~~~)/.test(line)) {
      fence = !fence;
      out.push('');
      continue;
    }
    if (fence) {
      // Code lines are sentences of their own.
      out.push(line.trim() === '' ? '' : `${line.trimEnd()}\n`);
      continue;
    }
    if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) {
      out.push('');
      continue;
    }
    const heading = /^\s{0,3}#{1,6}\s/.test(line);
    const u = unmark(line);
    // A heading is a paragraph of its own.
    out.push(heading ? `\n${u}\n` : u);
  }
  return [{ text: out.join('\n').replace(/\n{3,}/g, '\n\n'), page: 1 }];
}
