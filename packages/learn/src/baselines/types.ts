/**
 * @module
 * Host behaviour baselines: what parse threads hand to the baseline stage (observations), and
 * the stage's settings. Observations are plain data, so they cross threads by structured clone.
 */

/** What a novelty baseline learns, per entity: the set of items seen for it. */
export type NoveltyKind =
  'process-pair' | 'logon-source' | 'logon-type' | 'logon-host' | 'logon-user' | 'service' | 'task' | 'cron';

/**
 * Entities whose event rate is baselined. `host` and `user` alert when an hour leaves its band;
 * `source` (one host's stream of one format: `web-01/auditd`) and `host` alert when they fall
 * silent against a steady history.
 */
export type RateKind = 'host' | 'user' | 'source';

/** Every novelty kind, in a stable order. */
export const NOVELTY_KINDS: readonly NoveltyKind[] = [
  'process-pair',
  'logon-source',
  'logon-type',
  'logon-host',
  'logon-user',
  'service',
  'task',
  'cron',
];

/** One item seen for one entity (a parent → child pair on a host, a source address of a user...). */
export interface NoveltyObservation {
  readonly type: 'novelty';
  readonly tenant: string;
  readonly kind: NoveltyKind;
  /** Canonical entity key: lower-case host or user name. */
  readonly entity: string;
  /** Canonical item key (lower-case where the platform is case-insensitive). */
  readonly item: string;
  /** The item as it appeared, for the explanation (`WINWORD.EXE → powershell.exe`). */
  readonly label: string;
  readonly time: number;
  readonly eventId: string;
  /** A few fields that help the analyst (command line, user, image path), already truncated. */
  readonly context?: Readonly<Record<string, string>>;
}

/** Events of one entity in one clock hour, counted by a parse thread. */
export interface RateObservation {
  readonly type: 'rate';
  readonly tenant: string;
  readonly kind: RateKind;
  readonly entity: string;
  /** Hours since the epoch (UTC). */
  readonly hour: number;
  readonly count: number;
  /** The first few event ids of the hour, so an alert can open them. */
  readonly eventIds: readonly string[];
}

/** What a parse thread hands to the baseline stage. */
export type BaselineObservation = NoveltyObservation | RateObservation;

/** Settings of the baseline stage (node config `baselines.*`). */
export interface BaselineSettings {
  /** An entity alerts only once it has been observed this long (event time), days. */
  readonly warmupDays: number;
  /** ...and this many times (for its kind). */
  readonly warmupObservations: number;
  /** Items and entities not seen for this long (event time) are forgotten, days. */
  readonly expireDays: number;
  /** Distinct items kept per entity and kind; the least recently seen go first. */
  readonly maxItemsPerEntity: number;
  /** Entities kept per tenant and kind (novelty and rate); the least recently seen go first. */
  readonly maxEntities: number;
  /** Rate band half-width in standard deviations (of log counts). */
  readonly rateSigma: number;
  /** A count must also differ from the expected one by at least this many events. */
  readonly rateMinDelta: number;
  /** Past occurrences of the same hour of the week needed before that slot's band is used. */
  readonly rateMinWeeks: number;
  /** Past days needed before the hour-of-day band stands in for a young hour-of-week slot. */
  readonly rateMinDays: number;
  /**
   * Silence: an hour counts as evidence only when its slot reported in at least this share of
   * its past hours (the host or source is steady at that hour); other hours are excused.
   */
  readonly steadyShare: number;
  /**
   * A silent stretch alerts once the chance of it under the history (the product of each steady
   * hour's share of silent hours) falls below this.
   */
  readonly silenceP: number;
}

/** Defaults: a week of warm-up, three months of memory. */
export const BASELINE_DEFAULTS: BaselineSettings = {
  warmupDays: 7,
  warmupObservations: 50,
  expireDays: 90,
  maxItemsPerEntity: 2_000,
  maxEntities: 50_000,
  rateSigma: 3,
  rateMinDelta: 20,
  rateMinWeeks: 3,
  rateMinDays: 7,
  steadyShare: 0.9,
  silenceP: 0.001,
};

/** Epoch ms per day. */
export const DAY_MS = 86_400_000;
/** Epoch ms per hour. */
export const HOUR_MS = 3_600_000;
