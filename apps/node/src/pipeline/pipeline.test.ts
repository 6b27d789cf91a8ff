import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigSchema, systemContext } from '@intersoc/core';
import { EVENTS_DB_FILE, openEventReader, type SqliteEventReader } from '@intersoc/storage';
import { startTcpSource, startUdpSource } from '@intersoc/ingest';
import { startPipeline } from '../node/start-pipeline.js';
import { createHydrator } from './hydrator.js';
import type { Pipeline } from './pipeline.js';

const ctx = systemContext('default');
const T = Date.UTC(2024, 0, 15, 10);
const ndjson = (n: number, extra = ''): string =>
  Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      '@timestamp': new Date(T + i * 1000).toISOString(),
      host: { name: `h${i % 3}` },
      message: `event ${i}${extra}`,
    }),
  ).join('\n') + '\n';

async function until(f: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

for (const workers of [0, 2]) {
  describe(`pipeline with ${workers === 0 ? 'inline stage' : `${workers} parse workers`}`, () => {
    let dir: string;
    let pipeline: Pipeline;
    let reader: SqliteEventReader;
    beforeEach(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'intersoc-pipe-'));
      pipeline = await startPipeline(ConfigSchema.parse({ data: dir, storage: { blockEvents: 64 } }), {
        workers,
        detectors: [],
        idleFlushMs: 50,
      });
      reader = openEventReader(path.join(dir, EVENTS_DB_FILE), createHydrator());
    });
    afterEach(async () => {
      await pipeline.close();
      reader.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('ingests files (plain and gzip), dedups re-ingest, dead-letters junk and keeps the rest', async () => {
      const a = path.join(dir, 'a.jsonl');
      writeFileSync(a, ndjson(300));
      const b = path.join(dir, 'b.jsonl.gz');
      writeFileSync(b, gzipSync(ndjson(100, ' gz') + '{not json\n' + ndjson(1, ' after junk')));
      await pipeline.ingestFile(a, { tenant: 'default' });
      await pipeline.ingestFile(b, { tenant: 'default', format: 'json' });
      await pipeline.flush();
      expect(pipeline.stats.stored.events).toBe(401);
      expect(pipeline.stats.parsed.deadLetters).toBe(1);
      expect(reader.searchEvents(ctx, { q: 'message:"event 0 after junk"' }).items).toHaveLength(1);
      expect(reader.searchEvents(ctx, { q: 'host.name:h1 AND gz', limit: 1000 }).items).toHaveLength(33);
      expect(reader.listDeadLetters(ctx, {}).items[0]?.raw).toBe('{not json');
      await pipeline.ingestFile(a, { tenant: 'default' });
      await pipeline.flush();
      expect(pipeline.stats.stored.duplicates).toBe(300);
      expect(reader.stats(ctx).events).toBe(401);
    });

    it('takes syslog over UDP and TCP (octet counting and newline framing)', async () => {
      const sink = pipeline.asSink();
      const udp = await startUdpSource({ host: '127.0.0.1', port: 0, tenant: 'default' }, sink);
      const tcp = await startTcpSource({ host: '127.0.0.1', port: 0, tenant: 'default', maxMessageBytes: 4096 }, sink);
      try {
        const sock = createSocket('udp4');
        for (let i = 0; i < 20; i++)
          sock.send(
            `<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/${i}`,
            udp.port,
            '127.0.0.1',
          );
        const msg =
          '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3"] An application event';
        const c = connect(tcp.port, '127.0.0.1');
        await new Promise<void>((r) => c.once('connect', () => r()));
        c.write(`${Buffer.byteLength(msg)} ${msg}`);
        c.write(`<34>Oct 11 22:14:15 mymachine sshd[42]: Failed password for root from 192.0.2.7 port 22 ssh2\n`);
        c.write(`${'<34>Oct 11 22:14:15 mymachine big: ' + 'x'.repeat(5000)}\n`);
        c.end();
        await until(() => pipeline.stats.stored.events >= 22 && pipeline.stats.parsed.deadLetters >= 1);
        sock.close();
        expect(reader.searchEvents(ctx, { q: 'lonvick', limit: 100 }).items).toHaveLength(20);
        expect(reader.searchEvents(ctx, { q: 'evntslog' }).items[0]?.source.kind).toBe('tcp');
        expect(reader.listDeadLetters(ctx, {}).items.some((d) => d.source.kind === 'tcp')).toBe(true);
      } finally {
        await udp.close();
        await tcp.close();
      }
    });
  });
}
