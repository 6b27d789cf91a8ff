/**
 * @module
 * Links of host and user pages: the page of an entity, and the search of its events in the five
 * minutes either side of a moment (the first thing an analyst asks about an alert: what else
 * happened on that machine then).
 */
import { href } from '../app/router';
import { shortHost, splitUser } from './entity-link';

const FIVE_MIN = 5 * 60_000;

/** `/hosts/wks-03` or `/users/rconti`: the page of a host or account, any spelling. */
export function entityPage(kind: 'host' | 'user', value: string): string {
  return kind === 'host'
    ? `/hosts/${encodeURIComponent(shortHost(value))}`
    : `/users/${encodeURIComponent(splitUser(value).name.toLowerCase())}`;
}

/** The search of `query` from five minutes before `time` to five minutes after it. */
export function aroundHref(query: string, time: number): string {
  return href('/search', { q: query, range: `${Math.floor(time - FIVE_MIN)}~${Math.ceil(time + FIVE_MIN)}` });
}

/** Hours of the day (0-23, local) with their mean count per day, from hourly buckets. */
export function hourOfDayProfile(from: number, bucketMs: number, counts: readonly number[]): number[] {
  const sums = new Array<number>(24).fill(0);
  const days = new Array<number>(24).fill(0);
  counts.forEach((n, i) => {
    const h = new Date(from + i * bucketMs).getHours();
    sums[h] = (sums[h] ?? 0) + n;
    days[h] = (days[h] ?? 0) + 1;
  });
  return sums.map((s, h) => ((days[h] ?? 0) === 0 ? 0 : s / (days[h] ?? 1)));
}
