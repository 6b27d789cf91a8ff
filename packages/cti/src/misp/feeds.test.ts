import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpusDir } from '../internal/corpus.js';
import { csvFeedIndicators, FeedHashes, freetextFeedIndicators, openMispFeed } from './feeds.js';
import { indicatorsFromMisp } from './indicators.js';
import { loadWarninglists, WarninglistIndex } from './warninglists.js';

const feedDir = corpusDir('cti', 'misp-examples', 'feed-fixture');

describe.skipIf(!existsSync(feedDir))('MISP feed fixture (corpus)', { tags: ['corpus'] }, () => {
  it('reads the manifest, events (integrity-checked) and hashes.csv', async () => {
    const feed = await openMispFeed(feedDir);
    expect(Object.keys(feed.manifest)).toHaveLength(3);
    const events = await feed.events();
    expect(events.map((e) => e.uuid).sort()).toEqual(Object.keys(feed.manifest).sort());
    const hashes = await feed.hashes();
    expect(hashes.size).toBe(99);
    // Every attribute value (or each part of a composite) of the events is listed in hashes.csv.
    const first = events.find((e) => e.uuid === '57c4445b-c548-4654-af0b-4be3950d210f');
    const md5 = first?.Attribute.find((a) => a.type === 'md5');
    expect(md5 && hashes.lookup(md5.value)).toEqual(['57c4445b-c548-4654-af0b-4be3950d210f']);
    expect(hashes.lookup('not in the feed')).toEqual([]);
  });
  it('turns to_ids attributes into indicators, minus warninglisted values', async () => {
    const feed = await openMispFeed(feedDir);
    const events = await feed.events();
    const wl = new WarninglistIndex(loadWarninglists(corpusDir('cti', 'misp-warninglists', 'lists')));
    const suppressed: string[] = [];
    const inds = events.flatMap((e) =>
      indicatorsFromMisp(e, {
        warninglists: wl,
        source: 'feed:fixture',
        onSuppressed: (a) => suppressed.push(a.value),
      }),
    );
    expect(inds.length).toBeGreaterThan(5);
    expect([...new Set(inds.map((i) => i.kind))].sort()).toContain('hash');
    expect(inds.every((i) => i.source === 'feed:fixture')).toBe(true);
    expect(inds.some((i) => i.kind === 'hash' && i.value === '0749bae92ca336a02c83d126e04ec628')).toBe(true);
  });
  it('rejects a tampered event', async () => {
    const feed = await openMispFeed(async (name) => {
      const { readFile } = await import('node:fs/promises');
      const buf = await readFile(`${feedDir}/${name}`);
      return name === 'manifest.json' ? buf : Buffer.concat([buf, Buffer.from(' ')]);
    });
    await expect(feed.event('57c4445b-c548-4654-af0b-4be3950d210f')).rejects.toThrow(/integrity/);
  });
});

describe('CSV and free-text feeds', () => {
  it('reads CSV by header name', () => {
    const inds = csvFeedIndicators('first_seen,ioc,notes\n2024-01-01,198.51.100.9,x\n2024-01-01,"evil.example",y\n', {
      name: 'c2',
      column: 'ioc',
    });
    expect(inds.map((i) => [i.kind, i.value])).toEqual([
      ['ip', '198.51.100.9'],
      ['domain', 'evil.example'],
    ]);
  });
  it('extracts defanged observables from free text', () => {
    const text =
      '# comment\nC2 at hxxp://bad[.]example/x and 203.0.113.0/24, mail admin[@]evil[.]example\nhash 44d88612fea8a8f36de82e1278abb02f';
    expect(freetextFeedIndicators(text, 'blog').map((i) => [i.kind, i.value])).toEqual([
      ['url', 'http://bad.example/x'],
      ['ip', '203.0.113.0/24'],
      ['email', 'admin@evil.example'],
      ['hash', '44d88612fea8a8f36de82e1278abb02f'],
    ]);
  });
  it('parses hashes.csv', () => {
    const h = FeedHashes.parse('5d41402abc4b2a76b9719d911017c592,u1\n');
    expect(h.lookup('hello')).toEqual(['u1']);
  });
});
