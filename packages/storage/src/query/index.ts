/**
 * @module
 * The search language: parse, compile, and derive index terms for pruning.
 */
export type { Match, QueryNode } from './ast.js';
export { compileQuery } from './evaluate.js';
export type { Predicate, QueryDoc } from './evaluate.js';
export { compileGlob, globMatch, globSegments } from './glob.js';
export type { Glob } from './glob.js';
export { parseQuery } from './parse.js';
export { indexTerms, toFtsMatch } from './prune.js';
export type { TermPlan } from './prune.js';
export { addTokens, MAX_TOKEN, requiredTerms, tokensOf } from './tokens.js';
