/**
 * @module
 * Variables in shell commands. CACAO substitutes `__name__:value` textually; in a shell script a
 * value taken from an incident (an attacker's host name, say) would then be code. In `bash` and
 * `ssh` commands every value is therefore inserted as one single-quoted shell word.
 */
import { substitute } from '../../variables/references.js';
import type { CommandContext } from '../types.js';

/** `value` as a single-quoted POSIX shell word. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The script of a bash or ssh command, with variable values quoted. */
export function scriptOf(
  command: { readonly command?: string; readonly command_b64?: string },
  x: CommandContext,
): string {
  const raw =
    typeof command.command_b64 === 'string'
      ? Buffer.from(command.command_b64, 'base64').toString('utf8')
      : String(command.command ?? '');
  // x.substitute resolves names in the step's scope; each value is quoted on the way in.
  return substitute(raw, (name) => {
    const marker = `${name}:value`;
    const v = x.substitute(marker);
    return v === marker ? undefined : shellQuote(v);
  });
}
