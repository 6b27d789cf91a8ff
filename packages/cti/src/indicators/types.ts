/**
 * @module
 * Indicators in the form the matching indexes consume: one observable value of a known kind,
 * with its lifecycle (validity window, revocation, confidence) and provenance. STIX patterns
 * that reduce to simple comparisons, MISP attributes and feed lines all become these; other
 * patterns stay `PatternIndicator`s for the pattern matcher.
 */
import type { Pattern } from '../pattern/ast.js';

/** Kinds of observable the indexes hold. */
export type IocKind = 'ip' | 'domain' | 'url' | 'email' | 'hash';

/** Hash algorithms the indexes recognise, by hex length. */
export type HashAlgorithm = 'MD5' | 'SHA-1' | 'SHA-256' | 'SHA-512';

/** Lifecycle and provenance shared by both indicator forms. */
export interface IndicatorMeta {
  /** Id of the source object (STIX indicator id, MISP attribute uuid, feed key). */
  readonly id: string;
  /** Human name for alerts. */
  readonly name?: string;
  /** Valid from / until, epoch ms. */
  readonly validFrom?: number;
  readonly validUntil?: number;
  readonly revoked?: boolean;
  /** 0–100. */
  readonly confidence?: number;
  /** When the intelligence was created or last seen, epoch ms; the decay model counts from here. */
  readonly created?: number;
  /** Where it came from: `stix`, `misp`, `feed:<name>`. */
  readonly source?: string;
  /** TLP 2.0 level of the source object. */
  readonly tlp?: string;
  /** ATT&CK technique ids and tactic names from kill chain phases or tags. */
  readonly techniques?: readonly string[];
  readonly tactics?: readonly string[];
}

/** An indicator that is one value of one kind. */
export interface SimpleIndicator extends IndicatorMeta {
  readonly kind: IocKind;
  /** Normalised value: lower-case domain, canonical IP or CIDR, URL as given, lower-case hex. */
  readonly value: string;
  /** For `domain`: also match every subdomain. */
  readonly subdomains?: boolean;
  /** For `hash`: the algorithm. */
  readonly algorithm?: HashAlgorithm;
}

/** An indicator whose pattern needs the full matcher. */
export interface PatternIndicator extends IndicatorMeta {
  readonly pattern: Pattern;
  readonly source_pattern: string;
}

/** Indicators split into the two forms. */
export interface IndicatorSet {
  readonly simple: SimpleIndicator[];
  readonly patterns: PatternIndicator[];
  /** Objects or lines that could not be used, with the reason. */
  readonly rejected: { readonly id: string; readonly reason: string }[];
}
