/**
 * @module
 * Variable references inside playbook text. CACAO refers to a variable's value as
 * `__name__:value` in any string of a step, command, agent or target; conditions name variables
 * as properties of the `variable` object (`[variable:__name__ = 'x']`).
 */

/** `__name__:value` anywhere in a string. */
const REFERENCE = /__[a-zA-Z_][a-zA-Z0-9_-]{0,199}__:value/g;

/** Names (`__name__`) referenced as `__name__:value` in `text`, in order of appearance. */
export function referencedNames(text: string): string[] {
  return [...text.matchAll(REFERENCE)].map((m) => m[0].slice(0, -':value'.length));
}

/** Every string inside a JSON value, with its JSON pointer below `base`. */
export function stringsIn(value: unknown, base = ''): { readonly path: string; readonly text: string }[] {
  const out: { path: string; text: string }[] = [];
  const stack: [unknown, string][] = [[value, base]];
  while (stack.length > 0) {
    const [v, p] = stack.pop() as [unknown, string];
    if (typeof v === 'string') out.push({ path: p, text: v });
    else if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, `${p}/${i}`]));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) stack.push([x, `${p}/${k.replaceAll('~', '~0').replaceAll('/', '~1')}`]);
    }
  }
  return out.reverse();
}

/**
 * Replaces every `__name__:value` in `text` with the variable's current value; references to
 * unknown variables stay as written (validation reports them before a run can start).
 */
export function substitute(text: string, lookup: (name: string) => string | undefined): string {
  return text.replace(REFERENCE, (ref) => lookup(ref.slice(0, -':value'.length)) ?? ref);
}
