import { describe, expect, it } from 'vitest';
import { mentions, parseSubject, redactText, subjectValues, valuesPattern } from './subject.js';

describe('data subjects', () => {
  it('parses the three kinds and refuses anything else', () => {
    expect(parseSubject('user:kschmidt')).toEqual({ kind: 'user', value: 'kschmidt' });
    expect(subjectValues(parseSubject('email:k.schmidt@corp.eu'))).toEqual(['k.schmidt@corp.eu', 'k.schmidt']);
    expect(subjectValues(parseSubject('host:WKS-04.corp.local'))).toEqual(['WKS-04.corp.local', 'WKS-04']);
    expect(() => parseSubject('kschmidt')).toThrow(/subject must be/);
  });

  it('matches at token bounds, in JSON text too', () => {
    const re = valuesPattern(['kschmidt']) as RegExp;
    expect(mentions(re, 'CORP\\\\kschmidt logged on')).toBe(true);
    expect(mentions(re, '"SubjectUserName:\\t\\tkschmidt\\r\\n"')).toBe(true);
    expect(mentions(re, 'C:\\\\Users\\\\KSchmidt\\\\AppData')).toBe(true);
    expect(mentions(re, 'kschmidt2 and xkschmidt')).toBe(false);
    expect(redactText(re, '{"u":"kschmidt","m":"\\tkschmidt"}')).toBe('{"u":"[erased]","m":"\\t[erased]"}');
  });
});
