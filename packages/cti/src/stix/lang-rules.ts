/**
 * @module
 * The `lang` rule: the language of an object, of a granular marking, and the keys of a
 * language-content's `contents` are RFC 5646 language tags (STIX 2.1 §3.2, §7.1).
 */
import { languageTagProblem } from './lang-tag.js';
import { escapePointer } from './pointer.js';

type Obj = Readonly<Record<string, unknown>>;
type Add = (where: string, message: string, rule: string) => void;

/** `lang` (object and granular markings) and language-content keys are RFC 5646 tags. */
export function checkLanguages(obj: Obj, type: string, add: Add): void {
  const check = (where: string, tag: unknown): void => {
    const problem = typeof tag === 'string' ? languageTagProblem(tag) : 'must be a string';
    if (problem !== undefined) add(where, `"${String(tag)}" ${problem}`, 'lang');
  };
  if (obj['lang'] !== undefined) check('/lang', obj['lang']);
  const gm = obj['granular_markings'];
  if (Array.isArray(gm)) {
    gm.forEach((m: unknown, i) => {
      const lang = m && typeof m === 'object' ? (m as Record<string, unknown>)['lang'] : undefined;
      if (lang !== undefined) check(`/granular_markings/${i}/lang`, lang);
    });
  }
  const contents = obj['contents'];
  if (type === 'language-content' && contents && typeof contents === 'object' && !Array.isArray(contents)) {
    for (const key of Object.keys(contents)) {
      const problem = languageTagProblem(key);
      if (problem !== undefined) add(`/contents/${escapePointer(key)}`, `key "${key}" ${problem}`, 'lang');
    }
  }
}
