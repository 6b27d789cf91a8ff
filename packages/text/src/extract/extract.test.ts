import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isAppError } from '@intersoc/core';
import { writeSimplePdf } from '../document/pdf-writer.js';
import { extractDocument } from './extract.js';
import { extractIsolated } from './isolated.js';

const sentences = (doc: Awaited<ReturnType<typeof extractDocument>>): string[] =>
  doc.sentences.map((s) => doc.text.slice(s.start, s.end));

function mime(parts: { type: string; name?: string; body: string | Uint8Array }[], subject = 'Advisory'): Uint8Array {
  const b = 'XBOUNDARYX';
  const lines = [
    'From: cert@partner.example',
    'To: soc@example.org',
    `Subject: ${subject}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${b}"`,
    '',
  ];
  for (const p of parts) {
    lines.push(`--${b}`, `Content-Type: ${p.type}`);
    if (p.name) lines.push(`Content-Disposition: attachment; filename="${p.name}"`);
    if (typeof p.body === 'string') lines.push('', p.body);
    else
      lines.push(
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from(p.body).toString('base64').replace(/.{76}/g, '$&\n'),
      );
  }
  lines.push(`--${b}--`, '');
  return new TextEncoder().encode(lines.join('\r\n'));
}

describe('extractDocument', () => {
  it('reads PDF pages into paragraphs with page numbers, joining wrapped lines', async () => {
    const pdf = writeSimplePdf(
      [
        [
          'Operation Example',
          '',
          'The actor sent a spearphishing attachment that',
          'dropped a loader from hxxp://bad[.]example/a.',
        ],
        ['Page two opens here. It has two sentences.'],
      ],
      'Example report',
    );
    const doc = await extractDocument(pdf, { name: 'r.pdf' });
    expect(doc.format).toBe('pdf');
    expect(doc.title).toBe('Example report');
    expect(doc.pages).toBe(2);
    expect(sentences(doc)).toEqual([
      'Operation Example',
      'The actor sent a spearphishing attachment that dropped a loader from hxxp://bad[.]example/a.',
      'Page two opens here.',
      'It has two sentences.',
    ]);
    expect(doc.paragraphs.map((p) => p.page)).toEqual([1, 1, 2]);
  });

  it('keeps the article of an HTML page and its table of indicators, not scripts or navigation', async () => {
    const html = `<!doctype html><html><head><title>Blog</title><script>var x = "1.1.1.1";</script></head><body>
      <nav><a href="/">Home</a> <a href="/about">About</a></nav>
      <article><h1>New loader</h1><p>${'The loader injects into explorer.exe and persists with a scheduled task. '.repeat(8)}</p>
      <p>It talks to <b>evil[.]example</b> over HTTPS.<br>Second line.</p>
      <table><tr><td>sha256</td><td>275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f</td></tr></table>
      <pre>cmd.exe /c whoami
net user</pre></article><footer>© 2025</footer></body></html>`;
    const doc = await extractDocument(new TextEncoder().encode(html), { name: 'post.html' });
    expect(doc.format).toBe('html');
    expect(doc.text).toContain('It talks to evil[.]example over HTTPS.');
    expect(doc.text).toContain('sha256 | 275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f');
    expect(sentences(doc)).toContain('cmd.exe /c whoami');
    expect(doc.text).not.toContain('var x');
  });

  it('refuses HTML nested deeper than the limit, with a clear error', async () => {
    const deep = `<html><body>${'<div>'.repeat(5000)}x${'</div>'.repeat(5000)}</body></html>`;
    await expect(extractDocument(new TextEncoder().encode(deep), { name: 'deep.html' })).rejects.toThrow(
      /nested deeper than 512/,
    );
  });

  it('reads Markdown without its markup, keeping link targets and code', async () => {
    const md =
      '# Report\n\nSee [the blog](hxxps://evil[.]example/post) for **details**.\n\n```\nrundll32.exe x.dll,Start\n```\n';
    const doc = await extractDocument(new TextEncoder().encode(md), { name: 'r.md' });
    expect(sentences(doc)).toEqual([
      'Report',
      'See the blog (hxxps://evil[.]example/post) for details.',
      'rundll32.exe x.dll,Start',
    ]);
  });

  it('reads an e-mail with its attachments as parts, skipping what it must, with reasons', async () => {
    const inner = new TextEncoder().encode(
      'From: a@b.example\r\nSubject: Forwarded\r\n\r\nInner body mentions 198.51.100.9 here.\r\n',
    );
    const eml = mime([
      { type: 'text/plain; charset=utf-8', body: 'Dear SOC, the actor used 203.0.113[.]5 for C2.' },
      {
        type: 'application/pdf',
        name: 'ioc.pdf',
        body: writeSimplePdf([['Attachment page with evil[.]example in it.']]),
      },
      { type: 'text/html', name: 'note.html', body: '<html><body><p>HTML attachment text.</p></body></html>' },
      { type: 'message/rfc822', name: 'fwd.eml', body: inner },
      { type: 'application/octet-stream', name: 'blob.bin', body: new Uint8Array(64) },
      { type: 'text/plain', name: 'big.txt', body: 'x'.repeat(5000) },
    ]);
    const doc = await extractDocument(eml, { limits: { maxAttachmentBytes: 4096 } });
    expect(doc.format).toBe('email');
    expect(doc.title).toBe('Advisory');
    expect(doc.text).toContain('the actor used 203.0.113[.]5 for C2.');
    expect(doc.text).toContain('Attachment page with evil[.]example in it.');
    expect(doc.text).toContain('HTML attachment text.');
    expect(doc.text).toContain('Inner body mentions 198.51.100.9 here.');
    const parts = new Set(doc.paragraphs.map((p) => p.part));
    expect(parts).toEqual(new Set(['body', 'ioc.pdf', 'note.html', 'fwd.eml']));
    expect(doc.attachments.filter((a) => a.status === 'skipped').map((a) => [a.name, a.reason])).toEqual([
      ['blob.bin', 'not a report format (application/octet-stream)'],
      ['big.txt', 'larger than 4096 bytes'],
    ]);
  });

  it('reads text that is not UTF-8 as Windows-1252 with a warning, and refuses binary content', async () => {
    const latin = Uint8Array.from([...Buffer.from('Caf'), 0xe9, ...Buffer.from(' au lait. Second sentence here.')]);
    const doc = await extractDocument(latin, { name: 'a.txt' });
    expect(doc.text).toContain('Café au lait.');
    expect(doc.warnings[0]).toMatch(/not valid UTF-8/);
    const binary = new Uint8Array(4096).map((_, i) => i % 7);
    await expect(extractDocument(binary, { name: 'x.txt' })).rejects.toThrow(/binary, not text/);
  });
});

describe('extractIsolated', () => {
  it('reads a report in a worker', async () => {
    const doc = await extractIsolated(writeSimplePdf([['Hello from the worker.']]), { name: 'a.pdf' });
    expect(sentences(doc)).toEqual(['Hello from the worker.']);
  });

  it('stops a PDF bomb within its memory or time budget with a clear error', async () => {
    // 256 MiB of text-showing operators deflated to a few hundred kilobytes: every string is text
    // PDF.js must inflate and hand back, far beyond the 48 MiB heap. (Drawing commands alone are
    // no bomb for text extraction: PDF.js streams through them without keeping anything.)
    const chunk = Buffer.from(`(${'A'.repeat(250)}) Tj\n`.repeat(1024));
    const parts: Buffer[] = [];
    for (let i = 0; i < (256 * 1024 * 1024) / chunk.length; i++) parts.push(chunk);
    const content = Buffer.concat([Buffer.from('BT /F1 12 Tf 10 800 Td\n'), ...parts, Buffer.from('ET\n')]);
    const stream = deflateSync(content, { level: 9 });
    const head = Buffer.from(
      '%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n' +
        '3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>\nendobj\n' +
        '5 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\nendobj\n' +
        `4 0 obj\n<< /Length ${stream.length} /Filter /FlateDecode >>\nstream\n`,
      'latin1',
    );
    const pdf = Buffer.concat([
      head,
      stream,
      Buffer.from('\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1'),
    ]);
    expect(pdf.length).toBeLessThan(2 * 1024 * 1024);
    const t0 = Date.now();
    const err = await extractIsolated(pdf, { name: 'bomb.pdf', limits: { memoryMb: 48, timeoutMs: 15_000 } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isAppError(err) && ['PAYLOAD_TOO_LARGE', 'TIMEOUT'].includes(err.code), String(err)).toBe(true);
    expect(Date.now() - t0).toBeLessThan(60_000);
  }, 90_000);
});
