/**
 * @module
 * A minimal PDF writer (PDF 1.4, Helvetica, one text object per page, uncompressed) for test
 * fixtures and the benchmark's generated reports. It writes only what the reader must handle:
 * pages of lines, blank lines between paragraphs, and the Info dictionary's title.
 */

/** Escapes a string for a PDF literal (Latin-1 text only). */
function literal(s: string): string {
  return `(${s.replace(/[\\()]/g, (m) => `\\${m}`).replace(/[^\x20-\x7e]/g, '?')})`;
}

/**
 * Writes a PDF whose pages hold the given lines (an empty line leaves a gap: a new paragraph).
 *
 * @example
 * writeSimplePdf([['Title', '', 'First paragraph.']], 'Report')
 */
export function writeSimplePdf(pages: readonly (readonly string[])[], title?: string): Uint8Array {
  const objs: string[] = [];
  const add = (s: string): number => objs.push(s);
  const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const pagesId = add('');
  const kids: number[] = [];
  for (const lines of pages) {
    const ops = ['BT', '/F1 10 Tf', '14 TL', '50 800 Td'];
    for (const l of lines) ops.push(l === '' ? 'T*' : `${literal(l)} '`);
    ops.push('ET');
    const content = ops.join('\n');
    const c = add(`<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`);
    kids.push(
      add(
        `<< /Type /Page /Parent ${pagesId} 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${c} 0 R >>`,
      ),
    );
  }
  objs[pagesId - 1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;
  const catalog = add(`<< /Type /Catalog /Pages ${pagesId} 0 R >>`);
  const info = title ? add(`<< /Title ${literal(title)} >>`) : 0;
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root ${catalog} 0 R${info ? ` /Info ${info} 0 R` : ''} >>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(out, 'latin1'));
}
