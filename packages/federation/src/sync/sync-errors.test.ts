import { describe, expect, it } from 'vitest';
import { startTestNode } from '../internal/test-node.js';

describe('background sync rounds', () => {
  it('log a failed round instead of swallowing it', async () => {
    const logged: { level: string; message: string; details?: Record<string, unknown> }[] = [];
    const n = await startTestNode('Delta', {
      log: (level, message, details) => logged.push({ level, message, ...(details ? { details } : {}) }),
    });
    await n.app.close();
    // The node's database goes away under it: every round now fails.
    n.db.close();
    n.fed.start();
    const end = Date.now() + 10_000;
    while (!logged.some((l) => l.message === 'sync round failed') && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await n.fed.stop();
    const failure = logged.find((l) => l.message === 'sync round failed');
    expect(failure?.level).toBe('error');
    expect(String(failure?.details?.['error'])).toMatch(/not open/);
  });
});
