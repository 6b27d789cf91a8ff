/**
 * @module
 * Indicator types and the shape of an extracted indicator.
 */

/** The indicator types, as the `text iocs` contract names them. */
export type IocType =
  | 'ipv4-addr'
  | 'ipv6-addr'
  | 'domain-name'
  | 'url'
  | 'email-addr'
  | 'md5'
  | 'sha1'
  | 'sha256'
  | 'sha512'
  | 'file-name'
  | 'windows-registry-key'
  | 'cve'
  | 'btc-address';

/** Every indicator type. */
export const IOC_TYPES: readonly IocType[] = [
  'ipv4-addr',
  'ipv6-addr',
  'domain-name',
  'url',
  'email-addr',
  'md5',
  'sha1',
  'sha256',
  'sha512',
  'file-name',
  'windows-registry-key',
  'cve',
  'btc-address',
];

/** One indicator found in a text. */
export interface IocMatch {
  readonly type: IocType;
  /** Refanged and normalised value. */
  readonly value: string;
  /** `[start, end)` in the text it was found in. */
  readonly start: number;
  readonly end: number;
  /** Written defanged in the text. */
  readonly defanged: boolean;
  /** 0–1: how sure the extractor is that this is an indicator. */
  readonly confidence: number;
}
