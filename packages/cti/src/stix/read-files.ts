/**
 * @module
 * Reading STIX objects from files and folders for tools that send them on (`intersoc taxii push`).
 * A folder of intelligence often holds other files (a README, a manifest): those are skipped
 * with the reason, never fatal, so one stray file does not stop the rest from being sent.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** A file that was not read as STIX, and why. */
export interface SkippedFile {
  readonly path: string;
  readonly reason: string;
}

/** STIX objects read from files, in file order. */
export interface StixObjectsRead {
  readonly objects: Record<string, unknown>[];
  /** Files that contributed at least one object. */
  readonly files: readonly string[];
  readonly skipped: readonly SkippedFile[];
}

/** Named files, and every non-hidden file below the named folders (sorted per folder). */
function listFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (p: string): void => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) if (!name.startsWith('.')) walk(path.join(p, name));
    } else if (st.isFile()) {
      out.push(p);
    }
  };
  for (const p of paths) walk(p);
  return out;
}

function isStixObject(x: unknown): x is Record<string, unknown> {
  return (
    typeof x === 'object' &&
    x !== null &&
    !Array.isArray(x) &&
    typeof (x as { type?: unknown }).type === 'string' &&
    typeof (x as { id?: unknown }).id === 'string'
  );
}

/** The objects of one parsed document: a bundle, one object, or an array of either. */
function objectsOf(doc: unknown, out: Record<string, unknown>[]): number {
  let dropped = 0;
  const add = (x: unknown, top: boolean): void => {
    if (Array.isArray(x) && top) for (const y of x as unknown[]) add(y, false);
    else if (isStixObject(x) && x['type'] === 'bundle') {
      const objs = x['objects'];
      if (Array.isArray(objs)) for (const y of objs as unknown[]) add(y, false);
    } else if (isStixObject(x)) out.push(x);
    else dropped++;
  };
  add(doc, true);
  return dropped;
}

/**
 * Reads every STIX bundle, object or array of them under `paths`. Files that are not JSON, or
 * JSON without STIX objects, are listed in `skipped` with the reason.
 *
 * @example
 * const { objects, skipped } = readStixObjects(['./intel']);
 * for (const s of skipped) console.error(`skipped ${s.path}: ${s.reason}`);
 */
export function readStixObjects(paths: readonly string[]): StixObjectsRead {
  const objects: Record<string, unknown>[] = [];
  const files: string[] = [];
  const skipped: SkippedFile[] = [];
  for (const file of listFiles(paths)) {
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      skipped.push({ path: file, reason: `not JSON (${(err as Error).message.split('\n')[0] ?? ''})` });
      continue;
    }
    const before = objects.length;
    const dropped = objectsOf(doc, objects);
    if (objects.length === before) {
      skipped.push({ path: file, reason: 'not a STIX object or bundle (no object with a type and an id)' });
      continue;
    }
    files.push(file);
    if (dropped > 0) {
      skipped.push({ path: file, reason: `${dropped} entries without a STIX type and id left out` });
    }
  }
  return { objects, files, skipped };
}
