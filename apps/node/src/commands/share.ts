/**
 * @module
 * `intersoc share`: share objects of the federation tenant with peers under TLP 2.0, a MISP
 * distribution level, a sharing group and named recipients (PAP is carried along). The policy is
 * applied per object and peer on this node, and every decision is journalled; `--explicit` is an
 * analyst's explicit send (the only way TLP:RED leaves, and never replayed to later peers).
 */
import type { Command } from 'commander';
import { AppError } from '@intersoc/core';
import { PAP_LEVELS, TLP_LEVELS, type PapLevel, type TlpLevel } from '@intersoc/cti';
import { DISTRIBUTIONS, type Distribution } from '@intersoc/federation';
import { withFederation } from '../node/federation-cli.js';
import { configFor, dataOptions, type DataFlags } from '../node/options.js';

interface ShareFlags extends DataFlags {
  readonly type?: string;
  readonly tlp?: string;
  readonly distribution?: string;
  readonly to?: string;
  readonly group?: string;
  readonly pap?: string;
  readonly explicit?: boolean;
}

function oneOf<T extends string>(flag: string, v: string | undefined, all: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  const x = v.toLowerCase();
  if (!(all as readonly string[]).includes(x))
    throw new AppError('VALIDATION', `--${flag} is one of ${all.join(', ')}`);
  return x as T;
}

const csv = (v: string | undefined): string[] =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Adds the `share` command. */
export function register(program: Command): void {
  dataOptions(
    program
      .command('share')
      .description('share threat intelligence with peers (policy enforced here, per object and peer)')
      .argument('[ids...]', 'STIX ids of the objects to share')
      .option('--type <types>', 'share every object of these STIX types instead, comma-separated')
      .option('--tlp <level>', `TLP floor: ${TLP_LEVELS.join(', ')} (objects only become stricter)`)
      .option('--distribution <level>', `MISP distribution: ${DISTRIBUTIONS.join(', ')}`)
      .option('--to <node-ids>', 'named recipient organisations (needed for AMBER, AMBER+STRICT, RED)')
      .option('--group <name>', 'sharing group (distribution group)')
      .option('--pap <level>', `PAP: ${PAP_LEVELS.join(', ')}`)
      .option('--explicit', 'an explicit send by an analyst (required for TLP:RED)'),
  ).action(async (ids: string[], f: ShareFlags) => {
    if (ids.length === 0 && !f.type) throw new AppError('VALIDATION', 'name object ids or --type');
    const tlp = oneOf<TlpLevel>('tlp', f.tlp, TLP_LEVELS);
    const distribution = oneOf<Distribution>('distribution', f.distribution, DISTRIBUTIONS);
    const pap = oneOf<PapLevel>('pap', f.pap, PAP_LEVELS);
    const r = await withFederation(configFor(f), ({ fed, ctx }) =>
      fed.share(ctx, {
        ...(ids.length > 0 ? { ids } : { types: csv(f.type) }),
        ...(tlp ? { tlp } : {}),
        ...(distribution ? { distribution } : {}),
        ...(f.to ? { recipients: csv(f.to) } : {}),
        ...(f.group ? { group: f.group } : {}),
        ...(pap ? { pap } : {}),
        ...(f.explicit ? { explicit: true } : {}),
      }),
    );
    const queued = Object.entries(r.queued)
      .map(([p, n]) => `${p}: ${n}`)
      .join(', ');
    process.stdout.write(
      f.json
        ? `${JSON.stringify(r)}\n`
        : `${r.objects} objects, ${r.decisions} decisions (${r.denied} refused), ${r.withheld.length} withheld for privacy; queued ${queued || 'nothing'}\n`,
    );
  });
}
