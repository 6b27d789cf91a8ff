/**
 * @module
 * `intersoc rules`: Sigma rule management.
 * - `rules check DIR... [--json]`: loads rule trees and reports loaded/rejected documents with reasons;
 * - `rules add PATH`: validates a rule tree and installs it as a pack under `<data>/rules/<tenant>/`;
 * - `rules list`: the installed packs and the tuning;
 * - `rules enable|disable ID`, `rules level ID LEVEL`: tuning stored as data (`tuning.json`).
 *
 * With a PostgreSQL store (`--store`, `store.url`, `INTERSOC_STORE_URL`) packs and tuning go to
 * the store instead, where every scale-out role reads them (`rules-store.ts`).
 */
import { cpSync, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { AppError, SEVERITIES, type Severity } from '@intersoc/core';
import { loadRuleSet, type RuleTuning } from '@intersoc/detect';
import { readTuning, rulesHome, tenantRulePaths, writeTuning } from '../node/rules.js';
import { addPackToStore, listFromStore, packFiles, rulesStoreUrl, tuneInStore } from './rules-store.js';

/** Where a rule command writes: `--data`, or the store named by `--store` or the configuration. */
interface Target {
  data: string;
  tenant: string;
  store?: string;
  config?: string;
}

const STORE_HELP = 'postgres://… store shared by the scale-out roles (default: store.url, INTERSOC_STORE_URL)';

interface CommonOpts {
  mapping?: string[];
  placeholders?: string;
}

function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

function checkPaths(paths: string[], opts: CommonOpts) {
  for (const p of paths) if (!existsSync(p)) throw new AppError('NOT_FOUND', `no such file or folder: ${p}`);
  return loadRuleSet(paths, {
    ...(opts.mapping?.length ? { mappings: opts.mapping } : {}),
    ...(opts.placeholders ? { placeholdersFile: opts.placeholders } : {}),
  });
}

/** Adds the `rules` subcommands. */
export function register(program: Command): void {
  const rules = program.command('rules').description('manage Sigma rules: check, add, list, enable, disable, level');

  rules
    .command('check')
    .description('load Sigma rule trees and report loaded and rejected documents')
    .argument('<paths...>', 'rule folders or files')
    .option('--json', 'machine-readable output')
    .option('--mapping <file>', 'extra logsource mapping file or folder (repeatable)', collect, [])
    .option('--placeholders <file>', 'YAML map of placeholder values')
    .action((paths: string[], opts: CommonOpts & { json?: boolean }) => {
      const r = checkPaths(paths, opts);
      const rejected = r.allRejected.map((x) => ({ path: x.path, title: x.title, reason: x.reason }));
      const report = { documents: r.tree.documents, loaded: r.tree.documents - rejected.length, rejected };
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(report)}\n`);
        return;
      }
      process.stdout.write(
        `${report.documents} documents: ${report.loaded} loaded, ${rejected.length} rejected, ${r.tree.warnings.length} with metadata warnings\n`,
      );
      for (const x of rejected)
        process.stdout.write(`  rejected ${x.path}${x.title ? ` (${x.title})` : ''}: ${x.reason}\n`);
    });

  rules
    .command('add')
    .description('validate a rule tree and install it as a rule pack')
    .argument('<path>', 'rule folder or file (e.g. a SigmaHQ checkout)')
    .option('--data <dir>', 'data directory', process.env['INTERSOC_DATA'] ?? './data')
    .option('--tenant <tenant>', 'tenant the pack is for', 'default')
    .option('--name <name>', 'pack name (default: the folder name)')
    .option('--store <url>', STORE_HELP)
    .option('--config <file>', 'configuration file (JSON)')
    .option('--json', 'machine-readable output')
    .action(async (src: string, opts: Target & { name?: string; json?: boolean }) => {
      const r = checkPaths([src], {});
      const name = (opts.name ?? path.basename(path.resolve(src)).replace(/\.ya?ml$/i, '')).replace(/[^\w.-]/g, '_');
      const loaded = r.tree.documents - r.allRejected.length;
      const url = rulesStoreUrl(opts);
      if (url !== undefined) {
        const files = packFiles(src);
        const revision = await addPackToStore(url, opts.tenant, name, files, loaded);
        const out = {
          pack: name,
          store: 'postgres',
          revision,
          files: files.length,
          documents: r.tree.documents,
          loaded,
          rejected: r.allRejected.length,
        };
        process.stdout.write(
          opts.json
            ? `${JSON.stringify(out)}\n`
            : `stored pack ${name} for every role: ${loaded} of ${out.documents} documents load (${out.rejected} rejected), rule revision ${revision}\n`,
        );
        return;
      }
      const dest = path.join(rulesHome(opts.data, opts.tenant), 'packs', name);
      if (existsSync(dest))
        throw new AppError('CONFIG', `pack "${name}" already exists at ${dest}; remove it or pass --name`);
      mkdirSync(path.dirname(dest), { recursive: true });
      // Only rule files are copied: a repository checkout carries much else.
      cpSync(src, statSync(src).isFile() ? path.join(dest, path.basename(src)) : dest, {
        recursive: true,
        filter: (p) => statSync(p).isDirectory() || /\.ya?ml$/i.test(p),
      });
      const out = {
        pack: name,
        path: dest,
        documents: r.tree.documents,
        loaded: r.tree.documents - r.allRejected.length,
        rejected: r.allRejected.length,
      };
      process.stdout.write(
        opts.json
          ? `${JSON.stringify(out)}\n`
          : `installed pack ${name}: ${out.loaded} of ${out.documents} documents load (${out.rejected} rejected)\n`,
      );
    });

  rules
    .command('list')
    .description('list rule packs and tuning of a tenant')
    .option('--data <dir>', 'data directory', process.env['INTERSOC_DATA'] ?? './data')
    .option('--tenant <tenant>', 'tenant', 'default')
    .option('--store <url>', STORE_HELP)
    .option('--config <file>', 'configuration file (JSON)')
    .option('--json', 'machine-readable output')
    .action(async (opts: Target & { json?: boolean }) => {
      const url = rulesStoreUrl(opts);
      let out;
      if (url !== undefined) out = await listFromStore(url, opts.tenant);
      else {
        const tuning = readTuning(rulesHome(opts.data, opts.tenant));
        const paths = tenantRulePaths(opts.data, opts.tenant);
        const r = loadRuleSet(paths, { tuning });
        out = {
          packs: paths,
          rules: r.ruleSet.rules.length,
          correlations: r.ruleSet.correlations.length,
          rejected: r.allRejected.length,
          tuning,
        };
      }
      const tuning = out.tuning;
      if (opts.json) process.stdout.write(`${JSON.stringify(out)}\n`);
      else {
        process.stdout.write(`${out.rules} rules, ${out.correlations} correlations, ${out.rejected} rejected\n`);
        for (const p of out.packs) process.stdout.write(`  pack ${p}\n`);
        for (const d of tuning.disabled ?? []) process.stdout.write(`  disabled ${d}\n`);
        for (const [id, lvl] of Object.entries(tuning.levels ?? {})) process.stdout.write(`  level ${id} ${lvl}\n`);
      }
    });

  const tune = (
    name: string,
    description: string,
    apply: (t: RuleTuning, id: string, level?: string) => RuleTuning,
    level = false,
  ) => {
    const c = rules
      .command(name)
      .description(description)
      .argument('<id>', 'rule id (or title:<title> for rules without id)');
    if (level) c.argument('<level>', SEVERITIES.join('|'));
    c.option('--data <dir>', 'data directory', process.env['INTERSOC_DATA'] ?? './data')
      .option('--tenant <tenant>', 'tenant', 'default')
      .option('--store <url>', STORE_HELP)
      .option('--config <file>', 'configuration file (JSON)')
      .action(async (id: string, ...rest: unknown[]) => {
        const lvl = level ? (rest[0] as string) : undefined;
        const opts = (level ? rest[1] : rest[0]) as Target;
        if (lvl !== undefined && !SEVERITIES.includes(lvl as Severity))
          throw new AppError('BAD_REQUEST', `level must be one of ${SEVERITIES.join(', ')}`);
        const url = rulesStoreUrl(opts);
        if (url !== undefined) await tuneInStore(url, opts.tenant, (t) => apply(t, id, lvl));
        else {
          const home = rulesHome(opts.data, opts.tenant);
          writeTuning(home, apply(readTuning(home), id, lvl));
        }
        process.stdout.write(`${name} ${id}${lvl ? ` ${lvl}` : ''} (tenant ${opts.tenant})\n`);
      });
  };
  tune('disable', 'switch a rule off', (t, id) => ({ ...t, disabled: [...new Set([...(t.disabled ?? []), id])] }));
  tune('enable', 'switch a rule back on', (t, id) => ({ ...t, disabled: (t.disabled ?? []).filter((d) => d !== id) }));
  tune(
    'level',
    'override the level of a rule',
    (t, id, lvl) => ({ ...t, levels: { ...t.levels, [id]: lvl as Severity } }),
    true,
  );
}
