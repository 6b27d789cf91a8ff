/**
 * @module
 * What the OASIS schemas know besides validity, read from the same files at run time: the
 * properties the specification defines for each type (to tell custom properties apart) and the
 * values of the open vocabularies (`indicator-type-ov`, ... kept in the schemas' definitions).
 */

type Schema = Readonly<Record<string, unknown>>;

function isSchema(x: unknown): x is Schema {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** `../common/core.json` → `core`. */
function refName(ref: string): string | undefined {
  if (ref.startsWith('#')) return undefined;
  const file = ref.split('#')[0]?.split('/').pop() ?? '';
  return file.endsWith('.json') ? file.slice(0, -5) : undefined;
}

/**
 * The property names a schema defines: its own `properties` and those of the schemas it
 * composes (`allOf`/`anyOf`/`oneOf`, `$ref` to other files), never those of property values.
 */
export function definedProperties(name: string, byName: ReadonlyMap<string, Schema>): Set<string> {
  const out = new Set<string>();
  const seen = new Set<string>();
  const visit = (s: Schema): void => {
    const props = s['properties'];
    if (isSchema(props)) for (const k of Object.keys(props)) out.add(k);
    const ref = s['$ref'];
    if (typeof ref === 'string') {
      const target = refName(ref);
      if (target !== undefined && !seen.has(target)) {
        seen.add(target);
        const t = byName.get(target);
        if (t) visit(t);
      }
    }
    for (const k of ['allOf', 'anyOf', 'oneOf']) {
      const list = s[k];
      if (Array.isArray(list)) for (const item of list) if (isSchema(item)) visit(item);
    }
  };
  seen.add(name);
  const root = byName.get(name);
  if (root) visit(root);
  return out;
}

/** Every open vocabulary (`*-ov` definition with an enum) of the schemas, by name. */
export function openVocabularies(schemas: Iterable<Schema>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const s of schemas) {
    for (const key of ['definitions', '$defs']) {
      const defs = s[key];
      if (!isSchema(defs)) continue;
      for (const [name, def] of Object.entries(defs)) {
        if (!name.endsWith('-ov') || !isSchema(def) || !Array.isArray(def['enum'])) continue;
        const set = out.get(name) ?? new Set<string>();
        for (const v of def['enum']) if (typeof v === 'string') set.add(v);
        out.set(name, set);
      }
    }
  }
  return out;
}
