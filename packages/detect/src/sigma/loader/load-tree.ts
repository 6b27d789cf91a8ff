/**
 * @module
 * Loading Sigma files and folders (SigmaHQ layout or any tree): every `.yml`/`.yaml` below the
 * given paths, in a stable order, each document parsed or rejected with a reason.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseSigmaText, type Rejection, type SigmaDocument } from '../parse/documents.js';

/** Documents found under some paths. */
export interface LoadedTree {
  readonly files: number;
  /** Every document seen (parsed + rejected). */
  readonly documents: number;
  readonly parsed: readonly SigmaDocument[];
  readonly rejected: readonly Rejection[];
  /** Documents that loaded with metadata that does not follow the schema. */
  readonly warnings: readonly { readonly path: string; readonly title: string; readonly warning: string }[];
}

/** Lists rule files below the paths (files are taken as given; folders are walked, hidden ones skipped). */
export function listRuleFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (p: string): void => {
    const st = statSync(p);
    if (st.isFile()) {
      out.push(p);
      return;
    }
    if (!st.isDirectory()) return;
    for (const name of readdirSync(p).sort()) {
      if (name.startsWith('.')) continue;
      const full = path.join(p, name);
      const s = statSync(full);
      if (s.isDirectory()) walk(full);
      else if (s.isFile() && /\.ya?ml$/i.test(name)) out.push(full);
    }
  };
  for (const p of paths) walk(p);
  return out;
}

/** Parses every rule file below the paths. Unreadable files are rejections, not errors. */
export function loadSigmaTree(paths: readonly string[]): LoadedTree {
  const files = listRuleFiles(paths);
  const parsed: SigmaDocument[] = [];
  const rejected: Rejection[] = [];
  const warnings: { path: string; title: string; warning: string }[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      rejected.push({ path: file, index: 0, title: '', reason: `cannot read: ${(err as Error).message}` });
      continue;
    }
    for (const r of parseSigmaText(text, file)) {
      if (r.ok) {
        parsed.push(r.doc);
        for (const w of r.warnings) warnings.push({ path: file, title: r.doc.meta.title, warning: w });
      } else rejected.push(r.rejection);
    }
  }
  return { files: files.length, documents: parsed.length + rejected.length, parsed, rejected, warnings };
}
