/**
 * @module
 * `intersoc cascade import|list|impact|criticality|iim|export|delete`: dependency graphs and
 * cascading failures across sectors (`@intersoc/cascade`). Graphs live per tenant in the node's
 * main database, so the CLI and a running node share them; with `--store postgres://…` they go to
 * the shared PostgreSQL store (`PgGraphStore`, migrated by `intersoc db migrate`) that the api
 * role serves. Only the flag selects PostgreSQL: a node's `store.url` does not move its graphs.
 *
 * Contract (checks rely on it): `cascade impact --graph G --fail A,B --model functional --json`
 * prints exactly `{"failed": [...], "steps": [[seeds], [round 1], ...]}`; `cascade iim --matrix
 * A.csv --perturbation c.csv --json` prints `{"q": [...]}`.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { AppError, systemContext } from '@intersoc/core';
import {
  analyseImpact,
  criticality,
  DEFAULT_RECOVERY_HOURS,
  DEFAULT_SECTOR_MATRIX,
  dynamicIim,
  iim,
  IMPORT_FORMATS,
  importGraph,
  MAX_IMPORT_BYTES,
  monteCarlo,
  SECTORS,
  PgGraphStore,
  SqliteGraphStore,
  toGraphml,
  type GraphStore,
  toStixBundle,
  type ImportFormat,
} from '@intersoc/cascade';
import { NODE_DB_FILE, openDatabase } from '@intersoc/storage';
import { configFor, dataOptions, intArg, tenantArg, type DataFlags } from '../node/options.js';

interface TenantFlags extends DataFlags {
  readonly tenant?: string;
  readonly store?: string;
}

const STORE_HELP = 'postgres://… : the shared PostgreSQL store of the scale-out roles (default: the node in --data)';

async function withStore<T>(
  flags: TenantFlags,
  fn: (store: GraphStore, ctx: ReturnType<typeof systemContext>) => T,
): Promise<T> {
  const config = configFor(flags);
  const ctx = systemContext(tenantArg(flags.tenant, config));
  if (flags.store !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(flags.store))
      throw new AppError('CONFIG', '--store takes a postgres://… URL; graphs of a node are in its --data');
    // Loaded only when asked for: the SQLite path needs no PostgreSQL driver.
    const { openSyncPg } = await import('@intersoc/storage/postgres');
    const pg = openSyncPg(flags.store);
    try {
      const [t] = pg.query<{ t: string | null }>("SELECT to_regclass('cascade_graphs')::text AS t");
      if (!t?.t) throw new AppError('CONFIG', 'the store has no cascade tables: run intersoc db migrate --store …');
      return fn(new PgGraphStore(pg), ctx);
    } finally {
      await pg.close();
    }
  }
  const db = openDatabase(path.join(config.data, NODE_DB_FILE));
  try {
    return fn(new SqliteGraphStore(db), ctx);
  } finally {
    db.close();
  }
}

function readText(file: string, what: string): string {
  if (!existsSync(file)) throw new AppError('NOT_FOUND', `${what} ${file} does not exist`);
  const size = statSync(file).size;
  if (size > MAX_IMPORT_BYTES)
    throw new AppError('PAYLOAD_TOO_LARGE', `${what} ${file} is larger than ${MAX_IMPORT_BYTES} bytes`);
  return readFileSync(file, 'utf8');
}

/** Numbers of a CSV file: one row per line (a matrix), or one value per line (a vector). */
export function readNumbers(text: string, what: string): number[][] {
  const rows: number[][] = [];
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((line, i) => {
      if (line.trim() === '') return;
      const row = line
        .split(/[,;\t ]+/)
        .filter((x) => x !== '')
        .map((x) => Number(x));
      if (row.some((x) => !Number.isFinite(x)))
        throw new AppError('VALIDATION', `${what}, line ${i + 1}: not a list of numbers`);
      rows.push(row);
    });
  if (rows.length === 0) throw new AppError('VALIDATION', `${what} holds no numbers`);
  return rows;
}

function vector(rows: number[][], what: string): number[] {
  // One value per line, or all values on one line.
  if (rows.every((r) => r.length === 1)) return rows.map((r) => r[0] as number);
  if (rows.length === 1) return rows[0] as number[];
  throw new AppError('VALIDATION', `${what}: one value per line`);
}

function ids(v: string): string[] {
  const list = v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (list.length === 0) throw new AppError('VALIDATION', '--fail needs at least one entity id');
  return list;
}

function out(flags: DataFlags, value: unknown, text: () => string): void {
  process.stdout.write(flags.json ? `${JSON.stringify(value)}\n` : text());
}

/** Adds the `cascade` subcommand. */
export function register(program: Command): void {
  const cmd = program.command('cascade').description('dependency graphs and cascading failures across sectors');

  dataOptions(
    cmd
      .command('import')
      .description('import a dependency graph (replaces the graph unless --merge)')
      .argument(
        '<file>',
        'CSV (source,target,type,strength,min_inputs_of_source), JSON, GraphML, STIX 2.1 or an edge list',
      )
      .requiredOption('--graph <name>', 'graph name')
      .option('--format <format>', `one of ${IMPORT_FORMATS.join(', ')} (default: detected)`)
      .option(
        '--coords <file>',
        'coordinates for an edge list (id,lat,lon per line); a sibling _V.csv is found by itself',
      )
      .option('--sector <name>', 'sector of every entity of an edge list (default energy)')
      .option('--merge', 'add to the graph instead of replacing it')
      .option('--tenant <name>', 'tenant')
      .option('--store <url>', STORE_HELP),
  ).action(
    async (
      file: string,
      flags: TenantFlags & { graph: string; format?: string; coords?: string; sector?: string; merge?: boolean },
    ) => {
      if (flags.format !== undefined && !(IMPORT_FORMATS as readonly string[]).includes(flags.format))
        throw new AppError('VALIDATION', `--format must be one of ${IMPORT_FORMATS.join(', ')}`);
      const text = readText(file, 'file');
      const sibling = file.replace(/_E\.csv$/i, '_V.csv');
      const coordsFile = flags.coords ?? (sibling !== file && existsSync(sibling) ? sibling : undefined);
      const r = importGraph(text, {
        fileName: file,
        ...(flags.format ? { format: flags.format as ImportFormat } : {}),
        ...(coordsFile ? { coordinates: readText(coordsFile, 'coordinates file') } : {}),
        ...(flags.sector ? { sector: flags.sector } : {}),
      });
      const info = await withStore(flags, (store, ctx) =>
        store.put(ctx, flags.graph, r.data, { mode: flags.merge ? 'merge' : 'replace', source: `import:${r.format}` }),
      );
      for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
      out(
        flags,
        { ...info, format: r.format, warnings: r.warnings },
        () =>
          `graph ${info.name}: ${info.entities} entities, ${info.dependencies} dependencies (${r.format}, version ${info.version})\n`,
      );
    },
  );

  dataOptions(
    cmd
      .command('list')
      .description('the graphs of the tenant')
      .option('--tenant <name>', 'tenant')
      .option('--store <url>', STORE_HELP),
  ).action(async (flags: TenantFlags) => {
    const list = await withStore(flags, (store, ctx) => store.list(ctx));
    out(flags, list, () =>
      list.length === 0
        ? 'no graphs\n'
        : list
            .map((g) => `${g.name}  ${g.entities} entities  ${g.dependencies} dependencies  (${g.source})\n`)
            .join(''),
    );
  });

  dataOptions(
    cmd
      .command('impact')
      .description('fail entities and propagate: functional rounds, timed, or Monte Carlo')
      .requiredOption('--graph <name>', 'graph name')
      .requiredOption('--fail <ids>', 'comma-separated entity ids to fail')
      .option('--model <model>', 'functional (rounds), timed (hours) or montecarlo', 'functional')
      .option('--runs <n>', 'Monte Carlo runs', '1000')
      .option('--seed <n>', 'Monte Carlo seed', '1')
      .option('--tenant <name>', 'tenant')
      .option('--store <url>', STORE_HELP),
  ).action(
    async (flags: TenantFlags & { graph: string; fail: string; model: string; runs?: string; seed?: string }) => {
      const seeds = ids(flags.fail);
      await withStore(flags, (store, ctx) => {
        const g = store.load(ctx, flags.graph);
        switch (flags.model) {
          case 'functional': {
            const r = analyseImpact(g.graph, g.compiled, seeds, { maxView: 0 });
            out(
              flags,
              { failed: r.failed, steps: r.steps },
              () =>
                r.steps.map((s, i) => `${i === 0 ? 'seeds' : `round ${i}`}: ${s.join(', ')}\n`).join('') +
                `${r.failed.length} failed\n`,
            );
            return;
          }
          case 'timed': {
            const r = analyseImpact(g.graph, g.compiled, seeds, { maxView: 0 });
            out(
              flags,
              { failed: r.failed, timeline: r.timeline, sectors: r.sectors, organisations: r.organisations },
              () =>
                r.timeline.map((f) => `+${f.at.toFixed(2)} h  ${f.id}${f.sector ? ` (${f.sector})` : ''}\n`).join('') +
                r.sectors.map((s) => `sector ${s.sector}: ${s.failed}/${s.total} from +${s.firstHours} h\n`).join(''),
            );
            return;
          }
          case 'montecarlo': {
            const r = monteCarlo(g.compiled, seeds, {
              runs: intArg('runs', flags.runs, 1000),
              seed: intArg('seed', flags.seed, 1),
            });
            out(flags, r, () =>
              r.entities
                .slice(0, 50)
                .map(
                  (e) =>
                    `${e.id}  p=${e.probability}  median +${e.p50Hours} h  (p10 ${e.p10Hours}, p90 ${e.p90Hours})\n`,
                )
                .join(''),
            );
            return;
          }
          default:
            throw new AppError('VALIDATION', '--model must be functional, timed or montecarlo');
        }
      });
    },
  );

  dataOptions(
    cmd
      .command('criticality')
      .description('what to protect first: removal impact, betweenness, articulation points')
      .requiredOption('--graph <name>', 'graph name')
      .option('--top <n>', 'entities to list', '25')
      .option('--tenant <name>', 'tenant')
      .option('--store <url>', STORE_HELP),
  ).action(async (flags: TenantFlags & { graph: string; top?: string }) => {
    await withStore(flags, (store, ctx) => {
      const r = criticality(store.load(ctx, flags.graph).compiled, { top: intArg('top', flags.top, 25) });
      out(flags, r, () =>
        r.entities
          .map(
            (e, i) =>
              `${String(i + 1).padStart(3)}. ${e.id}  takes down ${e.removalImpact ?? '?'}  betweenness ${e.betweenness}${e.articulation ? '  articulation point' : ''}\n`,
          )
          .join(''),
      );
    });
  });

  dataOptions(
    cmd
      .command('iim')
      .description('Leontief inoperability input-output model: q = (I - A*)^-1 c*')
      .option(
        '--matrix <file>',
        'A*: n rows of n comma-separated values, no header (default: the built-in sector matrix)',
      )
      .requiredOption('--perturbation <file>', 'c*: n values, one per line')
      .option('--dynamic', 'the dynamic model with recovery: q(t) per step')
      .option('--recovery <file>', 'recovery time per sector, one per line (dynamic; default: built-in)')
      .option('--steps <n>', 'steps of the dynamic model', '168')
      .option('--lasting <n>', 'steps the perturbation lasts (dynamic)', '1'),
  ).action(
    (
      flags: DataFlags & {
        matrix?: string;
        perturbation: string;
        dynamic?: boolean;
        recovery?: string;
        steps?: string;
        lasting?: string;
      },
    ) => {
      const a = flags.matrix
        ? readNumbers(readText(flags.matrix, 'matrix'), 'matrix')
        : DEFAULT_SECTOR_MATRIX.map((r) => [...r]);
      const c = vector(readNumbers(readText(flags.perturbation, 'perturbation'), 'perturbation'), 'perturbation');
      if (flags.dynamic) {
        const recovery = flags.recovery
          ? vector(readNumbers(readText(flags.recovery, 'recovery'), 'recovery'), 'recovery')
          : flags.matrix
            ? a.map(() => 24)
            : [...DEFAULT_RECOVERY_HOURS];
        const series = dynamicIim(a, c, {
          recovery,
          steps: intArg('steps', flags.steps, 168),
          perturbationSteps: intArg('lasting', flags.lasting, 1),
        });
        out(flags, { q: series[series.length - 1], series }, () =>
          series.map((q, t) => `t=${t}  ${q.map((x) => x.toFixed(4)).join(' ')}\n`).join(''),
        );
        return;
      }
      const r = iim(a, c);
      for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
      out(flags, { q: r.q }, () =>
        r.q.map((q, i) => `${flags.matrix ? `sector ${i + 1}` : (SECTORS[i] ?? i)}: ${q}\n`).join(''),
      );
    },
  );

  dataOptions(
    cmd
      .command('export')
      .description('export a graph as GraphML or STIX 2.1')
      .requiredOption('--graph <name>', 'graph name')
      .option('--format <format>', 'graphml or stix', 'graphml')
      .option('--out <file>', 'write here instead of stdout')
      .option('--tenant <name>', 'tenant')
      .option('--store <url>', STORE_HELP),
  ).action(async (flags: TenantFlags & { graph: string; format: string; out?: string }) => {
    const text = await withStore(flags, (store, ctx) => {
      const data = store.data(ctx, flags.graph);
      if (flags.format === 'graphml') return toGraphml(data, flags.graph);
      if (flags.format === 'stix')
        return `${JSON.stringify(toStixBundle(data, { graph: flags.graph, time: new Date().toISOString() }))}\n`;
      throw new AppError('VALIDATION', '--format must be graphml or stix');
    });
    if (flags.out) writeFileSync(flags.out, text);
    else process.stdout.write(text);
  });

  dataOptions(
    cmd
      .command('delete')
      .description('delete a graph')
      .requiredOption('--graph <name>', 'graph name')
      .option('--tenant <name>', 'tenant')
      .option('--store <url>', STORE_HELP),
  ).action(async (flags: TenantFlags & { graph: string }) => {
    const deleted = await withStore(flags, (store, ctx) => store.delete(ctx, flags.graph));
    if (!deleted) throw new AppError('NOT_FOUND', `no graph ${flags.graph}`);
    out(flags, { deleted: flags.graph }, () => `deleted ${flags.graph}\n`);
  });
}
