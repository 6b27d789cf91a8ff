/**
 * @module
 * Runs the pytest modules of the OASIS pattern matcher with the subset of Python they use
 * (`py-syntax.ts`): module statements execute, each `@pytest.mark.parametrize` test becomes
 * one case per parameter set, and its body runs with `match` and the reference's internal
 * helpers bound to ours. Test support only.
 */
import type { CompFor, Expr, Stmt } from './py-syntax.js';
import { parseModule } from './py-syntax.js';

/** A Python exception raised by a builtin (`ParseException`, `MatcherException`, `AssertionError`). */
export class PyError extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(`${kind}: ${message}`);
  }
}

/** What the module's names resolve to beyond the language: `match`, helpers, exception classes. */
export type Builtins = Readonly<Record<string, unknown>>;

/** One parametrised case. */
export interface PyCase {
  readonly name: string;
  readonly params: readonly unknown[];
  /** Runs the test body; throws PyError('AssertionError', …) or another error when it fails. */
  run(): void;
}

interface Fn {
  readonly kind: 'fn';
  readonly call: (args: unknown[], kwargs: Record<string, unknown>) => unknown;
}
interface Raises {
  readonly kind: 'raises';
  readonly exc: string;
}
class Return {
  constructor(readonly value: unknown) {}
}

const fn = (call: Fn['call']): Fn => ({ kind: 'fn', call });
const isFn = (v: unknown): v is Fn => !!v && typeof v === 'object' && (v as Fn).kind === 'fn';

function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (v && typeof v === 'object') return Object.keys(v).length > 0;
  return !!v;
}

function equal(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  return a === b;
}

function str(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v === null) return 'None';
  return String(v);
}

function format(template: string, args: unknown[], kwargs: Record<string, unknown>): string {
  let auto = 0;
  return template.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (m, key: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    if (key === undefined || key === '') return str(args[auto++]);
    return /^\d+$/.test(key) ? str(args[Number(key)]) : str(kwargs[key]);
  });
}

function iterate(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [...v];
  if (v && typeof v === 'object') return Object.keys(v);
  throw new PyError('TypeError', `not iterable: ${str(v)}`);
}

/** Python `datetime` values, enough for `datetime(...) + timedelta(seconds=n)` and `isoformat`. */
class DateTime {
  constructor(readonly ms: number) {}
}
class TimeDelta {
  constructor(readonly ms: number) {}
}

function method(obj: unknown, name: string): Fn {
  if (typeof obj === 'string') {
    if (name === 'format') return fn((a, k) => format(obj, a, k));
    if (name === 'join') return fn((a) => iterate(a[0]).map(str).join(obj));
  }
  if (Array.isArray(obj) && name === 'append') return fn((a) => void obj.push(a[0]));
  if (obj instanceof DateTime && name === 'isoformat')
    return fn((a) =>
      new Date(obj.ms)
        .toISOString()
        .replace(/\.000Z$/, '')
        .replace('T', str(a[0] ?? 'T')),
    );
  if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
    const d = obj as Record<string, unknown>;
    if (name === 'values') return fn(() => Object.values(d));
    if (name === 'keys') return fn(() => Object.keys(d));
    if (name === 'items') return fn(() => Object.entries(d));
    if (name in d) return d[name] as Fn;
  }
  throw new PyError('AttributeError', `${typeof obj} has no ${name}`);
}

const BASE: Record<string, unknown> = {
  range: fn((a) => Array.from({ length: Math.max(0, Number(a[0])) }, (_, i) => i)),
  len: fn((a) => iterate(a[0]).length),
  enumerate: fn((a) => iterate(a[0]).map((x, i) => [i, x])),
  sorted: fn((a) => [...iterate(a[0])].sort((x, y) => (str(x) < str(y) ? -1 : str(x) > str(y) ? 1 : 0))),
  isinstance: fn((a) => (a[1] === 'string_types' ? typeof a[0] === 'string' : false)),
  datetime: fn((a) => {
    const [y, mo, d, h = 0, mi = 0, se = 0] = a.map(Number) as [number, number, number, number?, number?, number?];
    return new DateTime(Date.UTC(y, mo - 1, d, h, mi, se));
  }),
  timedelta: fn((_, k) => new TimeDelta(Number(k['seconds'] ?? 0) * 1000)),
  six: { string_types: 'string_types' },
};

/**
 * Executes a test module and returns its parametrised cases, in file order. `raises` decides
 * whether an error of kind `actual` satisfies `pytest.raises(expected)`.
 */
export function loadPyCases(
  source: string,
  builtins: Builtins,
  raises: (expected: string, actual: string) => boolean = (e, a) => e === a,
): PyCase[] {
  const globals: Record<string, unknown> = { ...BASE, ...builtins };
  const cases: PyCase[] = [];
  const pending: { names: string[]; values: unknown[] }[] = [];
  globals['pytest'] = {
    mark: {
      parametrize: fn((a) => {
        pending.push({
          names: String(a[0])
            .split(',')
            .map((s) => s.trim()),
          values: iterate(a[1]),
        });
        return 'parametrize';
      }),
    },
    raises: fn((a): Raises => ({ kind: 'raises', exc: String(a[0]) })),
  };

  const lookup = (scope: Record<string, unknown>, id: string): unknown => {
    if (id in scope) return scope[id];
    if (id in globals) return globals[id];
    throw new PyError('NameError', id);
  };

  const assign = (target: Expr, value: unknown, scope: Record<string, unknown>): void => {
    if (target.t === 'name') scope[target.id] = value;
    else if (target.t === 'tuple' || target.t === 'list') {
      const vs = iterate(value);
      target.items.forEach((t, i) => assign(t, vs[i], scope));
    } else if (target.t === 'index') {
      const obj = ev(target.obj, scope) as Record<string | number, unknown>;
      obj[ev(target.index, scope) as string | number] = value;
    } else throw new PyError('SyntaxError', `cannot assign to ${target.t}`);
  };

  const comprehension = (
    fors: readonly CompFor[],
    scope: Record<string, unknown>,
    emit: (s: Record<string, unknown>) => void,
  ): void => {
    const walk = (k: number, s: Record<string, unknown>): void => {
      const f = fors[k];
      if (!f) return emit(s);
      for (const item of iterate(ev(f.iter, s))) {
        const inner = { ...s };
        assign(f.target, item, inner);
        if (f.conds.every((c) => truthy(ev(c, inner)))) walk(k + 1, inner);
      }
    };
    walk(0, scope);
  };

  const binary = (op: string, l: unknown, r: unknown): unknown => {
    switch (op) {
      case '+':
        if (l instanceof DateTime && r instanceof TimeDelta) return new DateTime(l.ms + r.ms);
        if (typeof l === 'string' && typeof r === 'string') return l + r;
        if (Array.isArray(l) && Array.isArray(r)) return [...l, ...r];
        return Number(l) + Number(r);
      case '-':
        return Number(l) - Number(r);
      case '*':
        return Number(l) * Number(r);
      case '%':
        return ((Number(l) % Number(r)) + Number(r)) % Number(r);
      case '==':
        return equal(l, r);
      case '!=':
        return !equal(l, r);
      case '<':
        return (l as number) < (r as number);
      case '>':
        return (l as number) > (r as number);
      case '<=':
        return (l as number) <= (r as number);
      case '>=':
        return (l as number) >= (r as number);
      case 'in':
        return iterate(r).some((x) => equal(x, l));
      case 'not in':
        return !iterate(r).some((x) => equal(x, l));
      case 'is':
        return l === r;
      case 'is not':
        return l !== r;
      default:
        throw new PyError('SyntaxError', `operator ${op}`);
    }
  };

  const ev = (e: Expr, scope: Record<string, unknown>): unknown => {
    switch (e.t) {
      case 'const':
        return e.v;
      case 'name':
        return lookup(scope, e.id);
      case 'list':
      case 'tuple':
        return e.items.map((x) => ev(x, scope));
      case 'dict': {
        const o: Record<string, unknown> = {};
        e.keys.forEach((k, i) => (o[str(ev(k, scope))] = ev(e.values[i] as Expr, scope)));
        return o;
      }
      case 'comp': {
        const out: unknown[] = [];
        comprehension(e.fors, scope, (s) => out.push(ev(e.elt, s)));
        return out;
      }
      case 'attr': {
        const obj = ev(e.obj, scope);
        if (obj && typeof obj === 'object' && !Array.isArray(obj) && e.name in obj && !isFn(obj))
          return (obj as Record<string, unknown>)[e.name];
        return method(obj, e.name);
      }
      case 'index': {
        const obj = ev(e.obj, scope);
        const i = ev(e.index, scope);
        if (Array.isArray(obj) && typeof i === 'number') return obj[i < 0 ? obj.length + i : i];
        if (obj && typeof obj === 'object') return (obj as Record<string, unknown>)[str(i)];
        throw new PyError('TypeError', 'not subscriptable');
      }
      case 'call': {
        const f = ev(e.fn, scope);
        if (!isFn(f)) throw new PyError('TypeError', 'not callable');
        const kwargs: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(e.kwargs)) kwargs[k] = ev(v, scope);
        return f.call(
          e.args.map((a) => ev(a, scope)),
          kwargs,
        );
      }
      case 'bin':
        if (e.op === 'and') return truthy(ev(e.l, scope)) ? ev(e.r, scope) : ev(e.l, scope);
        if (e.op === 'or') return truthy(ev(e.l, scope)) ? ev(e.l, scope) : ev(e.r, scope);
        return binary(e.op, ev(e.l, scope), ev(e.r, scope));
      case 'not':
        return !truthy(ev(e.e, scope));
      case 'neg':
        return -Number(ev(e.e, scope));
      default:
        throw new PyError('SyntaxError', 'expression');
    }
  };

  const exec = (body: readonly Stmt[], scope: Record<string, unknown>, yields?: unknown[]): void => {
    for (const s of body) {
      switch (s.t) {
        case 'expr':
          ev(s.e, scope);
          break;
        case 'assign':
          assign(s.target, ev(s.value, scope), scope);
          break;
        case 'assert':
          if (!truthy(ev(s.e, scope))) throw new PyError('AssertionError', `assert on line ${s.line}`);
          break;
        case 'return':
          throw new Return(s.e === undefined ? null : ev(s.e, scope));
        case 'yield':
          yields?.push(s.e === undefined ? null : ev(s.e, scope));
          break;
        case 'for':
          for (const item of iterate(ev(s.iter, scope))) {
            assign(s.target, item, scope);
            exec(s.body, scope, yields);
          }
          break;
        case 'if':
          exec(truthy(ev(s.cond, scope)) ? s.body : s.orelse, scope, yields);
          break;
        case 'with': {
          const r = ev(s.ctx, scope) as Raises;
          try {
            exec(s.body, scope, yields);
          } catch (err) {
            if (err instanceof PyError && raises(r.exc, err.kind)) break;
            throw err;
          }
          throw new PyError('AssertionError', `DID NOT RAISE ${r.exc}`);
        }
        case 'def':
          define(s, scope);
          break;
        case 'pass':
          break;
      }
    }
  };

  const define = (d: Extract<Stmt, { t: 'def' }>, scope: Record<string, unknown>): void => {
    const generator = JSON.stringify(d.body).includes('"t":"yield"');
    const call = (args: unknown[]): unknown => {
      const local: Record<string, unknown> = {};
      d.params.forEach((p, i) => (local[p] = args[i]));
      const yields: unknown[] = [];
      try {
        exec(d.body, local, yields);
      } catch (err) {
        if (err instanceof Return) return generator ? yields : err.value;
        throw err;
      }
      return generator ? yields : null;
    };
    scope[d.name] = fn(call);
    pending.length = 0;
    for (const dec of d.decorators) ev(dec, scope);
    const p = pending.shift();
    if (!p) return;
    for (const v of p.values) {
      const params = p.names.length === 1 ? [v] : iterate(v);
      cases.push({ name: d.name, params, run: () => void call(params) });
    }
  };

  exec(parseModule(source), globals);
  return cases;
}
