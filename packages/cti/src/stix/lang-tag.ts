/**
 * @module
 * RFC 5646 language tags (STIX `lang`, granular-marking `lang`, language-content `contents`
 * keys). The grammar is parsed by `bcp-47`; on top of it the two validity rules that need no
 * registry (RFC 5646 §2.2.5 and §2.2.6): a variant and an extension singleton appear at most once.
 */
import { parse } from 'bcp-47';

/**
 * Why `tag` is not an RFC 5646 language tag, or undefined when it is one.
 *
 * @example
 * languageTagProblem('en-US'); // undefined
 * languageTagProblem('en_US'); // 'not an RFC 5646 language tag: ...'
 */
export function languageTagProblem(tag: string): string | undefined {
  let warning: string | undefined;
  // normalize: false keeps grandfathered tags as they are; forgiving: false rejects bad syntax.
  const s = parse(tag, {
    normalize: false,
    forgiving: false,
    warning: (reason) => {
      warning ??= reason;
      return undefined;
    },
  });
  if (warning !== undefined) return `not an RFC 5646 language tag: ${warning.toLowerCase()}`;
  if (!s.language && s.privateuse.length === 0 && !s.irregular && !s.regular) {
    return 'not an RFC 5646 language tag: empty';
  }
  const variants = s.variants.map((v) => v.toLowerCase());
  if (new Set(variants).size !== variants.length) return 'a variant subtag appears twice (RFC 5646 §2.2.5)';
  const singletons = s.extensions.map((e) => e.singleton.toLowerCase());
  if (new Set(singletons).size !== singletons.length) return 'an extension singleton appears twice (RFC 5646 §2.2.6)';
  return undefined;
}

/** True for an RFC 5646 language tag. */
export function isLanguageTag(tag: string): boolean {
  return languageTagProblem(tag) === undefined;
}
