/**
 * @module
 * `intersoc misp to-stix|from-stix`: conversion between the MISP core format and STIX 2.1 with
 * the documented mapping (see `@intersoc/cti` misp/mapping).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { AppError } from '@intersoc/core';
import { mispToStix, parseMispEvents, stixToMisp } from '@intersoc/cti';

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new AppError('PARSE', `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** Adds the `misp` subcommand group. */
export function register(program: Command): void {
  const misp = program.command('misp').description('MISP core format conversion');
  misp
    .command('to-stix')
    .description('convert MISP event JSON to STIX 2.1 bundles (one per event)')
    .argument('<file>', 'MISP event JSON ({"Event":...}, a list, or a search response)')
    .action((file: string) => {
      const r = parseMispEvents(readJson(file));
      if (!r.ok) throw new AppError('VALIDATION', r.reason);
      const bundles = r.value.map((e) => mispToStix(e));
      process.stdout.write(`${JSON.stringify(bundles.length === 1 ? bundles[0] : bundles)}\n`);
    });
  misp
    .command('from-stix')
    .description('convert a STIX 2.1 bundle to MISP events (one per report)')
    .argument('<file>', 'STIX bundle JSON')
    .action((file: string) => {
      const events = stixToMisp(readJson(file)).map((Event) => ({ Event }));
      process.stdout.write(`${JSON.stringify(events.length === 1 ? events[0] : events)}\n`);
    });
}
