import { describe, expect, it } from 'vitest';
import { isLanguageTag, languageTagProblem } from './lang-tag.js';

describe('RFC 5646 language tags', () => {
  // Examples of RFC 5646 Appendix A, and tags STIX content uses.
  it.each([
    'en',
    'de',
    'EN-us',
    'zh-Hant',
    'zh-Hans-CN',
    'sr-Latn-RS',
    'sl-rozaj',
    'sl-rozaj-biske',
    'de-CH-1901',
    'hy-Latn-IT-arevela',
    'de-DE',
    'en-US',
    'es-419',
    'de-CH-x-phonebk',
    'az-Arab-x-AZE-derbend',
    'x-whatever',
    'qaa-Qaaa-QM-x-southern',
    'sr-Latn-QM',
    'en-US-u-islamcal',
    'zh-CN-a-myext-x-private',
    'en-a-myext-b-another',
    'zh-yue-HK',
    'i-klingon',
    'en-GB-oed',
  ])('accepts %s', (tag) => {
    expect(languageTagProblem(tag)).toBeUndefined();
  });

  it.each([
    ['', 'empty'],
    ['en_US', 'underscore'],
    ['english!', 'bad character'],
    ['de-419-DE', 'two regions'],
    ['a-DE', 'one-letter primary subtag'],
    ['ar-a-aaa-b-bbb-a-ccc', 'extension singleton twice'],
    ['de-1996-1996', 'variant twice'],
    ['en-', 'trailing hyphen'],
    ['-en', 'leading hyphen'],
    ['en--US', 'empty subtag'],
    ['en-x', 'empty private use'],
    ['abcdefghi', 'primary subtag longer than 8'],
    ['en-US-US', 'region twice'],
    ['123', 'digits'],
  ])('rejects %s (%s)', (tag) => {
    expect(isLanguageTag(tag)).toBe(false);
    expect(languageTagProblem(tag)).toMatch(/RFC 5646/);
  });
});
