import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileQuery, parseQuery } from '@intersoc/storage';
import { starterPackDir } from '@intersoc/detect';
import { huntQuery } from './hunt.js';

const rule = (file: string): string => path.join(starterPackDir(), 'windows', file);

function doc(fields: Record<string, string>) {
  return {
    get: (f: string) => fields[f],
    values: () => Object.values(fields),
  };
}

describe('huntQuery', () => {
  it('turns a starter rule into a search that finds what the rule looks for, backslashes and all', () => {
    const q = huntQuery([
      { path: rule('proc_macro_document_from_mail.yml'), title: 'Macro Document Opened From the Outlook Cache' },
    ]);
    expect(q).toBeDefined();
    const match = compileQuery(parseQuery(q ?? ''));
    const outlook = 'C:\\Users\\bob\\AppData\\Local\\Microsoft\\Windows\\INetCache\\Content.Outlook\\X1\\invoice.docm';
    expect(match(doc({ CommandLine: `"WINWORD.EXE" /n "${outlook}"` }))).toBe(true);
    expect(match(doc({ CommandLine: 'notepad.exe C:\\notes.txt' }))).toBe(false);
  });

  it('gives nothing for rules it cannot read or convert', () => {
    expect(huntQuery([])).toBeUndefined();
    expect(huntQuery([{ path: rule('no-such-rule.yml'), title: 'x' }])).toBeUndefined();
  });
});
