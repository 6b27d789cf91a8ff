import { describe, expect, it } from 'vitest';
import { AppError } from '@intersoc/core';
import { isStoreUnavailable, withStoreRetry } from './store-retry.js';

const coded = (code: string): Error => Object.assign(new Error(code), { code });

describe('isStoreUnavailable', () => {
  it('knows outage codes, also under a wrapping STORAGE error', () => {
    for (const c of ['ECONNREFUSED', 'CONNECTION_CLOSED', 'CONNECT_TIMEOUT', '57P01', '08006', 'SQLITE_BUSY'])
      expect(isStoreUnavailable(new AppError('STORAGE', 'write failed', { cause: coded(c) })), c).toBe(true);
  });
  it('treats a bad batch as the batch’s fault', () => {
    expect(isStoreUnavailable(coded('23505'))).toBe(false);
    expect(isStoreUnavailable(new AppError('STORAGE', 'write failed', { cause: new Error('bad') }))).toBe(false);
    expect(isStoreUnavailable('ECONNREFUSED')).toBe(false);
  });
});

describe('withStoreRetry', () => {
  it('retries an outage until the write succeeds, reporting each failure', async () => {
    let calls = 0;
    const seen: number[] = [];
    let recovered = 0;
    const r = await withStoreRetry(
      () => (++calls < 4 ? Promise.reject(coded('ECONNREFUSED')) : Promise.resolve('ok')),
      { firstDelayMs: 1, maxDelayMs: 2, onUnavailable: (_e, a) => seen.push(a), onRecovered: (n) => (recovered = n) },
    );
    expect(r).toBe('ok');
    expect(seen).toEqual([1, 2, 3]);
    expect(recovered).toBe(3);
  });
  it('throws other errors at once, and stops when asked', async () => {
    let calls = 0;
    await expect(withStoreRetry(() => (calls++, Promise.reject(coded('23505'))), { firstDelayMs: 1 })).rejects.toThrow(
      '23505',
    );
    expect(calls).toBe(1);
    let stop = false;
    calls = 0;
    await expect(
      withStoreRetry(() => (calls++, Promise.reject(coded('ECONNRESET'))), {
        firstDelayMs: 1,
        onUnavailable: () => (stop = calls >= 2),
        stopped: () => stop,
      }),
    ).rejects.toThrow('ECONNRESET');
    expect(calls).toBe(2);
  });
});
