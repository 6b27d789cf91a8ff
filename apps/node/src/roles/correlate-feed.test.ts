import { describe, expect, it } from 'vitest';
import type { SigmaFeedItem } from '@intersoc/detect';
import { chunkFeed, FEED_MESSAGE_BYTES } from './correlate-feed.js';

/** A failed-logon match of about `pad` bytes of fields, like the SMB password-guessing sample's. */
function item(i: number, pad = 1_300): SigmaFeedItem {
  return {
    tenant: 'default',
    source: 'rule-4625',
    time: 1_600_000_000_000 + i,
    eventIds: [`e${i}`],
    fields: { EventID: 4625, TargetUserName: 'administrator', IpAddress: '10.0.0.5', Message: 'x'.repeat(pad) },
    ecs: {},
    format: 'evtx',
  } as unknown as SigmaFeedItem;
}

describe('chunkFeed', () => {
  it('cuts a batch of 2,048 matches into runs under the budget, in order, nothing lost', () => {
    const items = Array.from({ length: 2_048 }, (_, i) => item(i));
    // The whole batch as one message is past nats-server's default max_payload of 1 MiB.
    expect(JSON.stringify({ items }).length).toBeGreaterThan(1024 * 1024);
    const runs = chunkFeed(items);
    expect(runs.length).toBeGreaterThan(2);
    for (const r of runs) expect(JSON.stringify({ items: r }).length).toBeLessThanOrEqual(FEED_MESSAGE_BYTES + 64);
    expect(runs.flat().map((x) => x.eventIds[0])).toEqual(items.map((x) => x.eventIds[0]));
    // The same feed always gives the same runs (a redelivered batch publishes the same ids).
    expect(chunkFeed(items).map((r) => r.length)).toEqual(runs.map((r) => r.length));
  });

  it('keeps a small feed in one message and an oversized item alone', () => {
    expect(chunkFeed([item(1), item(2)])).toHaveLength(1);
    const runs = chunkFeed([item(1), item(2, 10_000), item(3)], 5_000);
    expect(runs.map((r) => r.map((x) => x.eventIds[0]))).toEqual([['e1'], ['e2'], ['e3']]);
    expect(chunkFeed([])).toEqual([]);
  });
});
