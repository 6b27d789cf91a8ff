/**
 * @module
 * MISP machine tags: `namespace:predicate="value"` (or `namespace:predicate` alone).
 */

/** A parsed machine tag. */
export interface MachineTag {
  readonly namespace: string;
  readonly predicate: string;
  readonly value?: string;
}

/** Parses a machine tag; undefined for plain tags. */
export function parseMachineTag(tag: string): MachineTag | undefined {
  const m = /^([^:=\s"]+):([^="]+?)(?:="(.*)")?$/s.exec(tag.trim());
  if (!m) return undefined;
  const value = m[3];
  return value === undefined
    ? { namespace: m[1] as string, predicate: m[2] as string }
    : { namespace: m[1] as string, predicate: m[2] as string, value: value.replace(/\\"/g, '"') };
}

/** Formats a machine tag. */
export function formatMachineTag(t: MachineTag): string {
  return t.value === undefined
    ? `${t.namespace}:${t.predicate}`
    : `${t.namespace}:${t.predicate}="${t.value.replace(/"/g, '\\"')}"`;
}
