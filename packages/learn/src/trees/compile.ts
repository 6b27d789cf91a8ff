/**
 * @module
 * Compiles each tree of an ensemble into a JavaScript function of nested comparisons, which V8
 * turns into machine code: several times faster than walking the flat arrays, and the reason scoring a
 * flow can cost less than parsing it. Only numbers from the ensemble go into the source (written
 * with `String(number)`, so `Infinity` and `-Infinity` stay numbers), never names or text.
 * The result is exactly `margins` of the same ensemble: same comparisons, same order of sums.
 */
import { DEFAULT_LEFT, STRICT_LESS, type FlatTree, type TreeEnsemble } from './ensemble.js';

/** Writes the raw margins of the row at `offset` into `out` (length `groups`). */
export type CompiledMargins = (x: ArrayLike<number>, offset: number, out: Float64Array) => Float64Array;

/** Nodes per compiled function. */
const CHUNK_NODES = 1000;

/** Largest ensemble compiled (nodes); bigger ones keep the array walk. */
export const MAX_COMPILED_NODES = 500_000;

function num(v: number): string {
  if (!Number.isFinite(v) && !Number.isNaN(v)) return v > 0 ? 'Infinity' : '-Infinity';
  if (Number.isNaN(v)) return 'NaN';
  return String(v);
}

function treeSource(t: FlatTree, acc: string): string {
  if (t.left.length === 0) return `${acc}+=${num(t.leafValue[0] as number)};`;
  const parts: string[] = [];
  const visit = (child: number): void => {
    if (child < 0) {
      parts.push(`${acc}+=${num(t.leafValue[~child] as number)};`);
      return;
    }
    const f = t.feature[child] as number;
    const th = num(t.threshold[child] as number);
    const fl = t.flags[child] as number;
    const v = `x[o+${f}]`;
    // NaN fails every comparison: `!(v > th)` sends it left, `v <= th` sends it right.
    const strict = (fl & STRICT_LESS) !== 0;
    const cond =
      (fl & DEFAULT_LEFT) !== 0 ? (strict ? `!(${v}>=${th})` : `!(${v}>${th})`) : strict ? `${v}<${th}` : `${v}<=${th}`;
    parts.push(`if(${cond}){`);
    visit(t.left[child] as number);
    parts.push('}else{');
    visit(t.right[child] as number);
    parts.push('}');
  };
  visit(0);
  return parts.join('');
}

/**
 * The compiled margins of `e`, or undefined when it is too large to compile.
 * @example
 * const m = compileMargins(e); if (m) m(row, 0, out); else margins(e, row, out);
 */
export function compileMargins(e: TreeEnsemble): CompiledMargins | undefined {
  let nodes = 0;
  for (const t of e.trees) nodes += t.left.length + t.leafValue.length;
  if (nodes > MAX_COMPILED_NODES) return undefined;
  // Trees in chunks of a few thousand nodes, one function each: V8 optimises functions of
  // moderate size, not one of tens of thousands of lines, and fewer calls cost less than one per tree.
  type Chunk = (x: ArrayLike<number>, o: number, out: Float64Array) => void;
  const chunks: Chunk[] = [];
  let body: string[] = [];
  let used = new Set<number>();
  let size = 0;
  const flush = (): void => {
    if (body.length === 0) return;
    const acc = [...used].sort((a, b) => a - b);
    // Sums start from `out` and add tree by tree: the walk's order of additions, so the same margins.
    const src = `let ${acc.map((g) => `s${g}=out[${g}]`).join(',')};${body.join('')}${acc.map((g) => `out[${g}]=s${g};`).join('')}`;
    // The source holds only numbers from the ensemble (see the module comment).
    chunks.push(new Function('x', 'o', 'out', src) as Chunk);
    body = [];
    used = new Set();
    size = 0;
  };
  e.trees.forEach((t, i) => {
    const g = e.treeGroup[i] as number;
    used.add(g);
    body.push(treeSource(t, `s${g}`));
    size += t.left.length + t.leafValue.length;
    if (size >= CHUNK_NODES) flush();
  });
  flush();
  const base = e.base;
  return (x, o, out) => {
    out.set(base);
    for (let i = 0; i < chunks.length; i++) (chunks[i] as Chunk)(x, o, out);
    return out;
  };
}
