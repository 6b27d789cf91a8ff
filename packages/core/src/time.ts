/**
 * @module
 * Time helpers: epoch-millisecond parsing of the timestamp shapes logs use, and day partitions.
 */

const DAY_MS = 86_400_000;

/** Partition key of an epoch-ms time: days since 1970-01-01 UTC. */
export function dayOf(epochMs: number): number {
  return Math.floor(epochMs / DAY_MS);
}

/** Start of a day partition, epoch ms. */
export function dayStart(day: number): number {
  return day * DAY_MS;
}

/** ISO-8601 date (YYYY-MM-DD) of a day partition. */
export function dayLabel(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Parses a timestamp into epoch ms: ISO-8601/RFC 3339 (with or without zone; no zone means UTC),
 * `YYYY-MM-DD HH:MM:SS[.fff]`, epoch seconds or milliseconds (numbers or numeric strings),
 * and Windows FILETIME-sized integers are not guessed. Returns undefined when unparseable.
 */
export function parseTime(value: unknown): number | undefined {
  if (typeof value === 'number') return fromEpochNumber(value);
  if (typeof value !== 'string') return undefined;
  const s = value.trim();
  if (s.length === 0) return undefined;
  if (/^\d+(\.\d+)?$/.test(s)) return fromEpochNumber(Number(s));
  // "2020-01-02 03:04:05.123" → ISO; a missing zone means UTC, which Date would read as local time.
  let iso = s.length > 10 && s[10] === ' ' ? `${s.slice(0, 10)}T${s.slice(11)}` : s;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(iso)) iso += 'Z';
  // Trim sub-millisecond digits, which some engines reject.
  iso = iso.replace(/(\.\d{3})\d+/, '$1');
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : undefined;
}

function fromEpochNumber(n: number): number | undefined {
  if (!Number.isFinite(n) || n < 0) return undefined;
  // Seconds until the year 5138; beyond that the number is milliseconds.
  if (n < 1e11) return Math.round(n * 1000);
  if (n < 1e14) return Math.round(n);
  return undefined;
}

/** Formats epoch ms as ISO-8601 UTC. */
export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
