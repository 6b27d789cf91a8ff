/**
 * @module
 * Event data names as Sigma rules write them. Some providers name their data with spaces
 * (Defender's `New Value`, `Product Name`); Sigma's field naming rule strips all spaces from
 * names taken from the log source (`New Value` -> `NewValue`), and SigmaHQ's rules follow it.
 */
import type { FlatFields } from '@intersoc/core';
import { setField } from '../../internal/fields.js';

/**
 * Moves each value stored under a name with spaces to the name without them. Done after all
 * event data is in, so a field already called by the stripped name keeps its value whatever the
 * order, and the spaced value then stays under its own name: nothing is lost.
 */
export function stripSpaces(out: FlatFields, names: readonly string[]): void {
  for (const name of names) {
    const stripped = name.replaceAll(' ', '');
    if (stripped === '' || !Object.prototype.hasOwnProperty.call(out, name)) continue;
    if (Object.prototype.hasOwnProperty.call(out, stripped)) continue;
    setField(out, stripped, out[name] ?? null);
    delete out[name];
  }
}
