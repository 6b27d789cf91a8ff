/**
 * @module
 * `intersoc stix validate|pattern|match`: STIX validation of files and folders (errors, and
 * best-practice warnings as the OASIS validator reports them; 2.0 bundles as 2.0), pattern
 * checking (2.1, or 2.0 with `--stix-version 2.0`), and pattern matching over observed-data.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { AppError } from '@intersoc/core';
import {
  loadStixSchemas,
  matchPattern,
  observationsFromObjects,
  parsePattern,
  validateFiles,
  type PatternVersion,
  type SchemaValidator,
} from '@intersoc/cti';
import { corporaDir } from './bench.js';

function schemas(dir: string | undefined): SchemaValidator | undefined {
  const chosen =
    dir ?? process.env['INTERSOC_STIX_SCHEMAS'] ?? path.join(corporaDir(), 'cti', 'stix2-json-schemas', 'schemas');
  if (!existsSync(chosen)) {
    if (dir !== undefined) throw new AppError('NOT_FOUND', `no STIX schemas at ${dir}`);
    process.stderr.write(`intersoc: OASIS STIX schemas not found at ${chosen}; checking the code rules only\n`);
    return undefined;
  }
  return loadStixSchemas(chosen);
}

function version(v: string | undefined): PatternVersion {
  if (v === undefined || v === '2.1') return '2.1';
  if (v === '2.0') return '2.0';
  throw new AppError('BAD_REQUEST', `--stix-version must be 2.0 or 2.1, not ${v}`);
}

/** Adds the `stix` subcommand group. */
export function register(program: Command): void {
  const stix = program.command('stix').description('STIX 2.1 validation and patterning');

  stix
    .command('validate')
    .description('validate STIX objects and bundles (files or directories); exit 1 when any is invalid')
    .argument('<paths...>', 'JSON files or directories')
    .option('--schemas <dir>', 'OASIS cti-stix2-json-schemas schemas/ folder')
    .option('--stix-version <v>', 'read every object as 2.0 or 2.1 (default: the version the document declares)')
    .option('--strict', 'exit 1 on best-practice warnings too')
    .option('--json', 'print [{"path","valid","errors","warnings"}]')
    .action((paths: string[], opts: { schemas?: string; stixVersion?: string; strict?: boolean; json?: boolean }) => {
      for (const p of paths) if (!existsSync(p)) throw new AppError('NOT_FOUND', `no such file or directory: ${p}`);
      const v = schemas(opts.schemas);
      const results = validateFiles(paths, {
        ...(v ? { schemas: v } : {}),
        ...(opts.stixVersion === undefined ? {} : { version: version(opts.stixVersion) }),
      });
      if (opts.json) process.stdout.write(`${JSON.stringify(results)}\n`);
      else {
        for (const r of results) {
          process.stdout.write(`${r.valid ? 'valid  ' : 'INVALID'} ${r.path}\n`);
          for (const e of r.errors) process.stdout.write(`    error   ${e.path}: ${e.message} [${e.rule}]\n`);
          for (const w of r.warnings) process.stdout.write(`    warning ${w.path}: ${w.message} [${w.rule}]\n`);
        }
        const bad = results.filter((r) => !r.valid).length;
        const warnings = results.reduce((n, r) => n + r.warnings.length, 0);
        process.stdout.write(
          `${results.length} files, ${results.length - bad} valid, ${bad} invalid, ${warnings} warnings\n`,
        );
      }
      if (results.some((r) => !r.valid || (opts.strict === true && r.warnings.length > 0))) process.exitCode = 1;
    });

  stix
    .command('pattern')
    .description('check a STIX pattern; exit 1 when invalid')
    .argument('<pattern>', 'the pattern, e.g. "[ipv4-addr:value = \'198.51.100.1\']"')
    .option('--stix-version <v>', 'grammar version: 2.1 (default) or 2.0')
    .option('--json', 'print {"valid", "error"?}')
    .action((pattern: string, opts: { stixVersion?: string; json?: boolean }) => {
      const r = parsePattern(pattern, { version: version(opts.stixVersion) });
      const out = r.ok ? { valid: true } : { valid: false, error: r.reason.message };
      process.stdout.write(
        opts.json ? `${JSON.stringify(out)}\n` : r.ok ? 'valid\n' : `invalid: ${r.reason.message}\n`,
      );
      if (!r.ok) process.exitCode = 1;
    });

  stix
    .command('match')
    .description('match a pattern against observed-data in a JSON array of bundles')
    .argument('<pattern>', 'the pattern')
    .requiredOption(
      '--observations <file>',
      'JSON array of bundles holding observed-data and the objects they reference',
    )
    .option('--stix-version <v>', 'grammar version: 2.1 (default) or 2.0')
    .option('--json', 'print {"matched"}')
    .action((pattern: string, opts: { observations: string; stixVersion?: string; json?: boolean }) => {
      // Matching accepts what the reference matcher accepts (a qualifier kind may repeat).
      const r = parsePattern(pattern, { version: version(opts.stixVersion), allowRepeatedQualifiers: true });
      if (!r.ok) throw new AppError('VALIDATION', `invalid pattern: ${r.reason.message}`);
      let doc: unknown;
      try {
        doc = JSON.parse(readFileSync(opts.observations, 'utf8'));
      } catch (err) {
        throw new AppError('PARSE', `cannot read ${opts.observations}: ${(err as Error).message}`, { cause: err });
      }
      const observations = observationsFromObjects(Array.isArray(doc) ? doc : [doc]);
      const m = matchPattern(r.value, observations);
      if (m.error !== undefined) throw new AppError('VALIDATION', `cannot match ${opts.observations}: ${m.error}`);
      const out = {
        matched: m.matched,
        ...(m.matched ? { observed_data: m.observations.map((i) => observations[i]?.id) } : {}),
      };
      process.stdout.write(opts.json ? `${JSON.stringify({ matched: m.matched })}\n` : `${JSON.stringify(out)}\n`);
    });
}
