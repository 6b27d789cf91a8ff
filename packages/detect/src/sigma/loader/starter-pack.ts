/**
 * @module
 * Where the node's own starter rule pack lives (`packages/detect/rules`).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Folder of the starter pack: our own rules for the techniques the demo simulator plays. */
export function starterPackDir(): string {
  // Both src/sigma/loader and dist/sigma/loader are three levels below the package.
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../rules');
}
