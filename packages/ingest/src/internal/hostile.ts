/**
 * @module
 * Test support: hostile inputs every parser must survive (random bytes, truncated records, 1 MB
 * lines, invalid UTF-8, 10k-deep JSON, huge numbers, prototype-pollution keys) and a checker
 * that feeds them to a parser followed by a valid record, collecting every contract violation.
 */
import type { FormatPlugin, ParseResult } from '@intersoc/core';

/** A small deterministic PRNG (mulberry32), so failures reproduce. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Named hostile records built around a valid one. */
export function hostileInputs(valid: string, seed = 42): [string, string][] {
  const rnd = prng(seed);
  const out: [string, string][] = [];
  for (let k = 0; k < 20; k++) {
    const bytes = Buffer.alloc(1 + Math.floor(rnd() * 300));
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rnd() * 256);
    out.push([`random bytes #${k}`, bytes.toString('utf8')]);
  }
  for (const cut of [1, 2, 5, 10, 0.25, 0.5, 0.75, 0.9]) {
    const n = cut < 1 ? Math.floor(valid.length * cut) : cut;
    out.push([`truncated to ${n} chars`, valid.slice(0, n)]);
  }
  out.push(['1 MB line', 'A'.repeat(1 << 20)]);
  out.push(['1 MB record', valid + ' ' + 'x'.repeat(1 << 20)]);
  out.push([
    'invalid UTF-8',
    Buffer.concat([Buffer.from(valid.slice(0, 20)), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x82])]).toString(
      'utf8',
    ),
  ]);
  out.push(['valid record with invalid UTF-8 inside', valid.replace(/[a-z]/, '\uFFFD')]);
  out.push(['deep JSON nesting (10k)', '{"a":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}']);
  out.push(['deep JSON nesting (10k) unbalanced', '['.repeat(10_000)]);
  out.push(['huge numbers', '{"n":1e400,"m":-1e400,"i":123456789012345678901234567890,"EventID":1e309}']);
  out.push([
    'prototype keys',
    '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"EventID":1}',
  ]);
  out.push(['prototype keys as text', '__proto__=1 constructor=2 prototype=3 toString=4']);
  out.push(['NUL bytes', '\0'.repeat(64)]);
  out.push(['only separators', '|||||||\t\t\t====,,,,;;;;']);
  return out;
}

/**
 * Feeds every hostile input to a fresh parser of `plugin`, each followed by `valid`, and returns
 * the violations: a throw, a rejection without a `<format>: ` reason, a polluted prototype, or the
 * valid record not parsing afterwards ("nothing else lost").
 */
export function checkHostile(plugin: FormatPlugin, valid: string, prefix = plugin.name): string[] {
  const problems: string[] = [];
  const parser = plugin.open?.({});
  if (parser === undefined) return [`${plugin.name} has no text parser`];
  const first = parser.parse(valid);
  if (first.ok !== true) return [`the valid record does not parse: ${JSON.stringify(first)}`];
  for (const [name, input] of hostileInputs(valid)) {
    let r: ParseResult;
    try {
      r = parser.parse(input);
    } catch (e) {
      problems.push(`${name}: threw ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    if (r.ok === false && (typeof r.reason !== 'string' || !r.reason.startsWith(prefix))) {
      problems.push(`${name}: reason ${JSON.stringify(r.reason)} lacks the "${prefix}" prefix`);
    }
    if (r.ok === true && Object.getPrototypeOf(r.value.fields) !== Object.prototype) {
      problems.push(`${name}: fields prototype was replaced`);
    }
    if ((Object.prototype as Record<string, unknown>)['polluted'] !== undefined) {
      problems.push(`${name}: Object.prototype polluted`);
    }
    const after = parser.parse(valid);
    if (after.ok !== true) problems.push(`${name}: the next valid record failed: ${JSON.stringify(after)}`);
  }
  return problems;
}
