/**
 * @module
 * Resolves a worker script next to the calling module. Workers need compiled JavaScript, so when
 * the caller runs from TypeScript sources (under Vitest) the script is taken from `dist/`.
 */

/** URL of worker module `name` beside the module at `callerUrl`. */
export function workerUrl(callerUrl: string, name: string): URL {
  const here = new URL(`./${name}.js`, callerUrl);
  if (!callerUrl.endsWith('.ts')) return here;
  return new URL(here.href.replace('/src/', '/dist/'));
}
