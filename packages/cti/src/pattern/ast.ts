/**
 * @module
 * The syntax tree of a STIX pattern (STIX 2.1 Part 9; 2.0 Part 5).
 */

/** Which grammar to apply. 2.0 lacks `EXISTS` and accepts string literals in START/STOP. */
export type PatternVersion = '2.0' | '2.1';

/** A literal value in a comparison. */
export type Literal =
  | { readonly kind: 'int'; readonly value: number; readonly text: string }
  | { readonly kind: 'float'; readonly value: number; readonly text: string }
  | { readonly kind: 'string'; readonly value: string; readonly text: string }
  | { readonly kind: 'bool'; readonly value: boolean; readonly text: string }
  /** Base64 text without the `b'…'` wrapper. */
  | { readonly kind: 'binary'; readonly value: string; readonly text: string }
  /** Lower-case hex digits without the `h'…'` wrapper. */
  | { readonly kind: 'hex'; readonly value: string; readonly text: string }
  /** Epoch milliseconds (NaN when the calendar date does not exist, e.g. Feb 30). */
  | { readonly kind: 'timestamp'; readonly value: number; readonly text: string };

/** One step of an object path after the first property. */
export type PathStep =
  { readonly kind: 'key'; readonly key: string } | { readonly kind: 'index'; readonly index: number | '*' };

/** `type:prop.sub[0].x` */
export interface ObjectPath {
  readonly objectType: string;
  /** The first property and every later step; the first is always a key. */
  readonly steps: readonly PathStep[];
}

/** Comparison operators. */
export type Operator =
  '=' | '!=' | '<' | '<=' | '>' | '>=' | 'IN' | 'LIKE' | 'MATCHES' | 'ISSUBSET' | 'ISSUPERSET' | 'EXISTS';

/** One property test. */
export interface Comparison {
  readonly kind: 'comparison';
  readonly path: ObjectPath;
  readonly operator: Operator;
  readonly negated: boolean;
  /** The literal; a list for IN; absent for EXISTS. */
  readonly value?: Literal | readonly Literal[];
}

/** A Boolean combination of property tests inside one `[...]`. */
export type ComparisonExpression =
  Comparison | { readonly kind: 'and' | 'or'; readonly operands: readonly ComparisonExpression[] };

/** Qualifiers of observation expressions. */
export type Qualifier =
  | { readonly kind: 'within'; readonly seconds: number }
  | { readonly kind: 'repeats'; readonly times: number }
  | { readonly kind: 'startstop'; readonly start: number; readonly stop: number };

/** An observation expression. */
export type ObservationExpression =
  | { readonly kind: 'observation'; readonly comparison: ComparisonExpression }
  | { readonly kind: 'and' | 'or' | 'followedby'; readonly operands: readonly ObservationExpression[] }
  | { readonly kind: 'qualified'; readonly expression: ObservationExpression; readonly qualifier: Qualifier };

/** A parsed pattern. */
export interface Pattern {
  readonly version: PatternVersion;
  readonly root: ObservationExpression;
}

/** A parse or validation error with a 1-based line and 0-based column, as ANTLR reports them. */
export interface PatternError {
  readonly message: string;
  readonly line: number;
  readonly column: number;
}
